// The anytime-valid sign test family (sequential-family.ts) fed one sample at
// a time, for judging that stops as soon as it is decided: each push costs
// O(K log K) instead of re-reading every stream from the start. Same e-process
// (beta-binomial mixture, running maximum), same Holm/Bonferroni rule, same
// numbers as sequentialSignTestFamily on the same streams (tested).
import { DEFAULT_MIXTURE_PRIOR, logMixtureEValue } from './sequential.js';
import type { AlphaSplit, FamilyMember, FamilyOptions } from './sequential-family.js';

/** One sample's outcome for one comparison: +1 win, −1 loss, 0 tie, null no verdict (failed). */
export type StreamOutcome = 1 | -1 | 0 | null;

export class SignFamilyStream {
  readonly alpha: number;
  readonly split: AlphaSplit;
  readonly members: FamilyMember[];
  /** Samples pushed. */
  n = 0;
  /** Samples pushed when every comparison was first decided; null while some is not. */
  allDecidedAfter: number | null;
  private readonly prior: number;

  constructor(k: number, opts: FamilyOptions = {}) {
    this.alpha = opts.alpha ?? 0.05;
    this.prior = opts.prior ?? DEFAULT_MIXTURE_PRIOR;
    this.split = opts.split ?? 'holm';
    if (!(this.alpha > 0 && this.alpha < 1)) throw new RangeError(`SignFamilyStream: alpha must be in (0, 1), got ${this.alpha}`);
    this.members = Array.from({ length: k }, () => ({ wins: 0, losses: 0, ties: 0, logMaxEValue: 0, pAnytime: 1, decidedAfter: null, winner: null }));
    this.allDecidedAfter = k === 0 ? 0 : null;
  }

  /** Add one sample: outcomes[k] for comparison k. */
  push(outcomes: readonly StreamOutcome[]): void {
    if (outcomes.length !== this.members.length) throw new RangeError(`SignFamilyStream: expected ${this.members.length} outcomes, got ${outcomes.length}`);
    this.n++;
    outcomes.forEach((v, j) => {
      const m = this.members[j] as FamilyMember;
      if (v === null) return;
      if (v === 0) m.ties++;
      else if (v === 1) m.wins++;
      else if (v === -1) m.losses++;
      else throw new RangeError(`SignFamilyStream: outcome must be +1, -1, 0 or null, got ${String(v)}`);
      if (v !== 0) m.logMaxEValue = Math.max(m.logMaxEValue, logMixtureEValue(m.wins, m.losses, this.prior));
      m.pAnytime = Math.min(1, Math.exp(-m.logMaxEValue));
    });
    this.mark();
    if (this.allDecidedAfter === null && this.members.every((m) => m.decidedAfter !== null)) this.allDecidedAfter = this.n;
  }

  /** Holm-adjusted anytime p-values (step-down, monotone), in member order. */
  adjusted(): number[] {
    const k = this.members.length;
    const p = this.members.map((m) => m.pAnytime);
    const idx = p.map((_, j) => j).sort((a, b) => (p[a] as number) - (p[b] as number) || a - b);
    const out = new Array<number>(k).fill(1);
    let run = 0;
    idx.forEach((j, r) => {
      const f = this.split === 'bonferroni' ? k : k - r;
      run = this.split === 'bonferroni' ? Math.min(1, (p[j] as number) * f) : Math.max(run, Math.min(1, (p[j] as number) * f));
      out[j] = run;
    });
    return out;
  }

  // Decisions are never undone (see sequential-family.ts for why Holm allows it).
  private mark(): void {
    const k = this.members.length;
    const lnP = this.members.map((m) => -m.logMaxEValue);
    const decide = (j: number) => {
      const m = this.members[j] as FamilyMember;
      if (m.decidedAfter !== null) return;
      m.decidedAfter = this.n;
      m.winner = m.wins > m.losses ? 'candidate' : 'baseline';
    };
    if (this.split === 'bonferroni') {
      lnP.forEach((lp, j) => lp <= Math.log(this.alpha / k) + 1e-12 && decide(j));
      return;
    }
    const order = lnP.map((_, j) => j).sort((x, y) => (lnP[x] as number) - (lnP[y] as number) || x - y);
    for (let r = 0; r < k; r++) {
      const j = order[r] as number;
      if ((lnP[j] as number) > Math.log(this.alpha / (k - r)) + 1e-12) break;
      decide(j);
    }
  }
}
