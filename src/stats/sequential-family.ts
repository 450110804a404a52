// Several anytime-valid sign tests at once (e.g. one candidate against each
// baseline), decided together as verdicts arrive, with the family-wise error
// rate held at alpha.
//
// Each comparison's anytime-valid p-value p_k(t) = min(1, 1/max_{s<=t} e_k(s))
// is valid at any stopping time and never increases with t. Two splits of
// alpha are offered:
// - 'bonferroni': comparison k is decided once p_k <= α/K (e_k >= K/α).
// - 'holm': the Holm step-down rule applied to the current p-values after
//   every sample. Holm's rejection set can only grow when p-values fall, so
//   "rejected at some time" is the same event as "rejected at the end", and
//   at the end (any stopping time) the p_k are valid, where Holm controls the
//   family-wise error under any dependence between the comparisons.
import { DEFAULT_MIXTURE_PRIOR, logMixtureEValue } from './sequential.js';

export type AlphaSplit = 'holm' | 'bonferroni';

export interface FamilyOptions {
  /** Family-wise level. Default 0.05. */
  alpha?: number;
  /** Beta(a, a) prior of each mixture e-process. Default 1. */
  prior?: number;
  /** How alpha is split over the comparisons. Default 'holm'. */
  split?: AlphaSplit;
}

export interface FamilyMember {
  wins: number;
  losses: number;
  ties: number;
  /** ln of the running maximum e-value at the end. */
  logMaxEValue: number;
  /** Anytime-valid p-value (unadjusted) at the end. */
  pAnytime: number;
  /** Sample index (1-based) at which this comparison was decided; null if never. */
  decidedAfter: number | null;
  winner: 'candidate' | 'baseline' | null;
}

export interface FamilyResult {
  alpha: number;
  split: AlphaSplit;
  members: FamilyMember[];
  /** First sample index (1-based) by which every comparison was decided; null if some never was. */
  allDecidedAfter: number | null;
  /** Samples read: the length of the longest stream. */
  n: number;
}

/**
 * Decide K comparisons together. streams[k][t] is comparison k's outcome
 * (+1 candidate win, −1 loss, 0 tie) on the t-th sample judged, in judging
 * order; a shorter stream simply stops contributing.
 *
 * @example
 * // Two comparisons, alpha 0.05 split by Holm: the first decides at e >= 40
 * // (2^10·B(11,1)/B(1,1) = 93 after 10 wins, 2^9/10 = 51.2 after 9,
 * // 2^8/9 = 28.4 after 8), so after 9 samples; the second never wins.
 * sequentialSignTestFamily([Array(10).fill(1), Array(10).fill(0)]).members[0].decidedAfter; // 9
 */
export function sequentialSignTestFamily(streams: ReadonlyArray<ArrayLike<number>>, opts: FamilyOptions = {}): FamilyResult {
  const alpha = opts.alpha ?? 0.05;
  const prior = opts.prior ?? DEFAULT_MIXTURE_PRIOR;
  const split = opts.split ?? 'holm';
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`sequentialSignTestFamily: alpha must be in (0, 1), got ${alpha}`);
  if (split !== 'holm' && split !== 'bonferroni') throw new RangeError(`sequentialSignTestFamily: unknown split ${String(split)}`);
  const k = streams.length;
  const members: FamilyMember[] = streams.map(() => ({
    wins: 0,
    losses: 0,
    ties: 0,
    logMaxEValue: 0,
    pAnytime: 1,
    decidedAfter: null,
    winner: null,
  }));
  const n = streams.reduce((m, s) => Math.max(m, s.length), 0);
  let allDecidedAfter: number | null = k === 0 ? 0 : null;
  for (let t = 0; t < n; t++) {
    for (let j = 0; j < k; j++) {
      const s = streams[j] as ArrayLike<number>;
      if (t >= s.length) continue;
      const v = s[t];
      const m = members[j] as FamilyMember;
      if (v === 0) m.ties++;
      else if (v === 1) m.wins++;
      else if (v === -1) m.losses++;
      else throw new RangeError(`sequentialSignTestFamily: stream ${j} outcome ${t} must be +1, -1 or 0, got ${String(v)}`);
      if (v !== 0) {
        const logE = logMixtureEValue(m.wins, m.losses, prior);
        if (logE > m.logMaxEValue) m.logMaxEValue = logE;
      }
    }
    markDecided(members, alpha, split, t + 1);
    if (allDecidedAfter === null && members.every((m) => m.decidedAfter !== null)) allDecidedAfter = t + 1;
  }
  for (const m of members) m.pAnytime = Math.min(1, Math.exp(-m.logMaxEValue));
  return { alpha, split, members, allDecidedAfter, n };
}

/** Mark the members the split rejects at this sample (decisions are never undone). */
function markDecided(members: FamilyMember[], alpha: number, split: AlphaSplit, sample: number): void {
  const k = members.length;
  // Compare on ln p = −ln max e, with the same 1e-12 slack as the single test.
  const lnP = members.map((m) => -m.logMaxEValue);
  const decide = (j: number): void => {
    const m = members[j] as FamilyMember;
    if (m.decidedAfter !== null) return;
    m.decidedAfter = sample;
    m.winner = m.wins > m.losses ? 'candidate' : 'baseline';
  };
  if (split === 'bonferroni') {
    const cut = Math.log(alpha / k) + 1e-12;
    lnP.forEach((lp, j) => {
      if (lp <= cut) decide(j);
    });
    return;
  }
  const order = lnP.map((_, j) => j).sort((x, y) => (lnP[x] as number) - (lnP[y] as number) || x - y);
  for (let r = 0; r < k; r++) {
    const j = order[r] as number;
    if ((lnP[j] as number) > Math.log(alpha / (k - r)) + 1e-12) break;
    decide(j);
  }
}
