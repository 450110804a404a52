// The gate's rule for a metric mean, with its uncertainty. A drop in two
// point estimates is mostly judge noise at CI sample sizes (identical systems
// "regressed" in 5 of 6 runs under the old point rule), so:
//   regression       — the upper bound of the interval of candidate − baseline
//                      is below −margin: the data show a drop larger than allowed;
//   non-inferiority  — (optional) passes only when the lower bound is above −margin.
// The interval is the cluster-robust t interval of the paired differences
// (each cluster one independent unit; with every sample its own cluster it is
// the paired t interval), two-sided at level 1 − α/k for k metrics (Bonferroni).
// So each one-sided regression test runs at α/(2k) and the mean rules together
// false-alarm at most α/2; the pairwise rule (two-sided Holm at α, fails only
// on a loss) adds at most α/2 — the whole gate stays within α.
import { clusterRobustPairedCi } from '../../stats/index.js';
import type { PairedSpread } from './evidence.js';

export interface MeanInterval {
  estimate: number;
  ci: [number, number];
  level: number;
  /** How the interval was formed, for the table. */
  method: string;
  clusters: number;
  items: number;
  /** Standard error and degrees of freedom of the fixed-n interval (absent on an anytime-valid one). */
  se?: number;
  df?: number;
}

/** Two-sided level of each metric's interval: 1 − α/k. */
export const meanLevel = (alpha: number, metrics: number) => 1 - alpha / Math.max(1, metrics);

/** Null with fewer than two clusters (no spread to estimate, so no regression can be shown). */
export function meanInterval(spread: PairedSpread | undefined, level: number): MeanInterval | null {
  if (!spread?.diffs || !spread.clusters || spread.diffs.length < 2) return null;
  const zeros = new Array<number>(spread.diffs.length).fill(0);
  const r = clusterRobustPairedCi(spread.diffs, zeros, spread.clusters, level);
  if (!r) return null;
  const clustered = spread.clusterBy && spread.clusterBy !== 'none';
  return {
    estimate: r.estimate,
    ci: [r.ci[0], r.ci[1]],
    level,
    method: clustered ? `cluster-robust t, ${r.clusters} ${spread.clusterBy} clusters` : 'paired t',
    clusters: r.clusters,
    items: r.items,
    se: r.se,
    df: r.df,
  };
}

export interface MeanRuleOutcome {
  pass: boolean;
  /** What the rule says, e.g. "fail if upper < −0.20". */
  rule: string;
  reason: string;
}

// Float noise tolerance, so a bound exactly at −margin counts as at the margin.
const EPS = 1e-9;

export function applyMeanRule(iv: MeanInterval | null, margin: number, nonInferiority: boolean): MeanRuleOutcome {
  const m = -margin;
  const bound = (x: number) => (x >= 0 ? `+${x.toFixed(2)}` : x.toFixed(2));
  if (nonInferiority) {
    const rule = `pass if lower > ${bound(m)}`;
    if (!iv) return { pass: false, rule, reason: 'non-inferiority not shown: too few samples or clusters for an interval' };
    const pass = iv.ci[0] > m + EPS;
    return {
      pass,
      rule,
      reason: pass
        ? `lower bound ${bound(iv.ci[0])} is above ${bound(m)}`
        : `non-inferiority not shown: lower bound ${bound(iv.ci[0])} is not above ${bound(m)}`,
    };
  }
  const rule = `fail if upper < ${bound(m)}`;
  if (!iv) return { pass: true, rule, reason: 'no regression can be shown: too few samples or clusters for an interval' };
  const pass = !(iv.ci[1] < m - EPS);
  return {
    pass,
    rule,
    reason: pass ? `upper bound ${bound(iv.ci[1])} is not below ${bound(m)}` : `a drop larger than the margin: upper bound ${bound(iv.ci[1])} < ${bound(m)}`,
  };
}
