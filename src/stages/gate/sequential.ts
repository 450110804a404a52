// The gate on a run judged --until-decided that stopped early. A fixed-n test
// on an optionally stopped sample is not valid (stopping when the data look
// decided inflates its error rate), so for a stopped stage the gate reads the
// anytime-valid figures the run recorded (report.untilDecided, from
// until-decided.json) instead of the report's fixed-n ones:
//   pairwise — the mixture e-process's anytime p, Holm over the stopping
//              family, with the direction of its own counts;
//   mean     — the empirical-Bernstein confidence sequence of candidate −
//              baseline (valid at the stop); with several judges on a metric
//              the hull of their sequences, which can only make the rule
//              more cautious.
// A stage that ran to the end of the split was not optionally stopped: its
// fixed-n figures stay valid and the gate uses them as usual.
import type { Report } from '../../core/report.js';
import type { MeanInterval } from './mean-rule.js';

export interface SequentialPairwise {
  pHolm: number;
  wins: number;
  losses: number;
  eValue: number;
  /** The prefix the test read. */
  samples: number;
}

/** The anytime-valid figures of one pairwise row, oriented to the gate's candidate; null when compare did not stop early or the row is not in the family. */
export function sequentialPairwise(report: Report, cand: string, base: string, metric: string, judge: string): SequentialPairwise | null {
  const u = report.untilDecided?.compare;
  if (!u?.stoppedEarly) return null;
  for (const c of u.comparisons) {
    if (c.metric !== metric || c.judge !== judge) continue;
    const same = c.candidate === cand && c.baseline === base;
    const flipped = c.candidate === base && c.baseline === cand;
    if (!same && !flipped) continue;
    return {
      pHolm: c.pAnytimeHolm,
      wins: same ? c.wins : c.losses,
      losses: same ? c.losses : c.wins,
      eValue: c.eValue,
      samples: c.wins + c.losses + c.ties,
    };
  }
  return null;
}

/** True when compare stopped early but this row has no anytime-valid figure (its fixed-n test is then not valid). */
export const pairwiseUnsupported = (report: Report) => Boolean(report.untilDecided?.compare?.stoppedEarly);

/** The mean difference's anytime-valid interval for the gate's pair on a metric; null when score did not stop early or has no such pair. */
export function sequentialMean(report: Report, cand: string, base: string, metric: string): MeanInterval | null {
  const u = report.untilDecided?.score;
  if (!u?.stoppedEarly) return null;
  const ivs: Array<{ lo: number; hi: number; n: number; level: number; mean: number | null }> = [];
  for (const p of u.pairs) {
    if (p.metric !== metric) continue;
    if (p.candidate === cand && p.baseline === base) ivs.push({ lo: p.lower, hi: p.upper, n: p.n, level: 1 - p.alpha, mean: p.mean });
    else if (p.candidate === base && p.baseline === cand)
      ivs.push({ lo: -p.upper, hi: -p.lower, n: p.n, level: 1 - p.alpha, mean: p.mean === null ? null : -p.mean });
  }
  if (!ivs.length) return null;
  const lo = Math.min(...ivs.map((x) => x.lo));
  const hi = Math.max(...ivs.map((x) => x.hi));
  const n = Math.min(...ivs.map((x) => x.n));
  const means = ivs.map((x) => x.mean).filter((m): m is number => m !== null);
  return {
    // The paired mean over the judged prefix (the interval's midpoint would mislead: it is clipped at the scale's ends).
    estimate: means.length ? means.reduce((a, b) => a + b, 0) / means.length : (lo + hi) / 2,
    ci: [lo, hi],
    level: Math.min(...ivs.map((x) => x.level)),
    method: `anytime-valid confidence sequence (--until-decided, stopped after ${u.stoppingPrefix} samples)`,
    clusters: n,
    items: n,
  };
}
