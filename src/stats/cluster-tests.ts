// Tests of "candidate differs from baseline" that treat the cluster, not the
// item, as the independent unit: a sign test on clusters' net wins and a
// sign-flip permutation test on clusters' summed differences.
import { signTest, type SignTest } from './binomial.js';
import { clusterTotals, pairedDifferences, type ClusterId } from './cluster.js';
import { createRng, type Seed } from './rng.js';

export interface ClusterSignTest extends SignTest {
  /** Clusters whose net wins are > 0 (the test's wins). */
  positiveClusters: number;
  /** Clusters whose net wins are < 0 (the test's losses). */
  negativeClusters: number;
  /** Clusters with net wins exactly 0 (all ties, or wins = losses): excluded. */
  tiedClusters: number;
  clusters: number;
}

/**
 * Cluster-level sign test: each cluster's net wins (Σ of +1 win / −1 loss /
 * 0 tie over its comparisons) gives it a sign; clusters at 0 are excluded;
 * the exact two-sided binomial sign test is run on positive vs negative
 * clusters.
 *
 * @example
 * // Sessions a: +1 +1 −1 (net +1), b: +1 (net +1), c: 0 0 (excluded), d: −1 +1 (excluded):
 * // 2 positive clusters, 0 negative: p = 2 · (1/2)² = 0.5.
 * clusterSignTest([1, 1, -1, 1, 0, 0, -1, 1], ['a', 'a', 'a', 'b', 'c', 'c', 'd', 'd']).p; // 0.5
 */
export function clusterSignTest(outcomes: ArrayLike<number>, clusters: ArrayLike<ClusterId>): ClusterSignTest {
  for (let i = 0; i < outcomes.length; i++) {
    const v = outcomes[i];
    if (v !== 1 && v !== -1 && v !== 0) throw new RangeError(`clusterSignTest: outcome ${i} must be +1, -1 or 0, got ${String(v)}`);
  }
  const totals = clusterTotals(outcomes, clusters);
  let pos = 0;
  let neg = 0;
  for (const c of totals) {
    if (c.sum > 0) pos++;
    else if (c.sum < 0) neg++;
  }
  return {
    ...signTest(pos, neg),
    positiveClusters: pos,
    negativeClusters: neg,
    tiedClusters: totals.length - pos - neg,
    clusters: totals.length,
  };
}

export interface SignFlipOptions {
  /** Enumerate all 2^G sign patterns when G <= this. Default 20 (about a million patterns). */
  exactMaxClusters?: number;
  /** Monte Carlo sign patterns when G is larger. Default 10000. */
  resamples?: number;
  /** Seed of the Monte Carlo stream. Default 1. */
  seed?: Seed;
}

export interface SignFlipTest {
  /** Item-weighted mean difference candidate − baseline. */
  meanDiff: number;
  /** Two-sided p-value P(|T*| >= |T|) with T = Σ_g D_g. */
  p: number;
  /** True when every sign pattern was enumerated; false for Monte Carlo. */
  exact: boolean;
  /** Sign patterns used: 2^G when exact, else the Monte Carlo count. */
  patterns: number;
  clusters: number;
  items: number;
}

/**
 * Cluster-level sign-flip permutation test of the paired mean difference.
 * Under H0 each cluster's summed difference D_g is symmetric about 0, so
 * flipping the signs of whole clusters leaves its distribution unchanged.
 * The statistic T = Σ_g D_g (the mean difference times N, which flipping
 * does not change). Exact: the share of the 2^G patterns with |T*| >= |T|
 * (the observed pattern included). Monte Carlo: (1 + hits)/(1 + B), which is
 * a valid p-value for any B. Null when there are no items.
 *
 * @example
 * // Cluster sums 1, 2, 3: only +++ and −−− reach |T| = 6, so p = 2/8.
 * clusterSignFlipTest([1, 2, 3], [0, 0, 0], ['a', 'b', 'c']).p; // 0.25
 */
export function clusterSignFlipTest(
  candidate: ArrayLike<number>,
  baseline: ArrayLike<number>,
  clusters: ArrayLike<ClusterId>,
  opts: SignFlipOptions = {},
): SignFlipTest | null {
  const diffs = pairedDifferences(candidate, baseline);
  const totals = clusterTotals(diffs, clusters);
  const g = totals.length;
  if (g === 0) return null;
  const exactMax = opts.exactMaxClusters ?? 20;
  const resamples = opts.resamples ?? 10000;
  if (!Number.isInteger(exactMax) || exactMax < 0 || exactMax > 30)
    throw new RangeError(`clusterSignFlipTest: exactMaxClusters must be an integer in [0, 30], got ${exactMax}`);
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`clusterSignFlipTest: resamples must be a positive integer, got ${resamples}`);
  const d = Float64Array.from(totals, (c) => c.sum);
  let observed = 0;
  let scale = 0;
  for (const v of d) {
    observed += v;
    scale += Math.abs(v);
  }
  // Patterns whose |T*| equals |T| up to rounding count as reaching it.
  const bar = Math.abs(observed) - 1e-9 * scale;
  const n = diffs.length;
  if (g <= exactMax) {
    // Gray-code walk: consecutive patterns differ in one sign, so T* moves by
    // ±2·D_g per step instead of being re-summed.
    const sign = new Int8Array(g).fill(1);
    let t = observed;
    let hits = Math.abs(t) >= bar ? 1 : 0;
    const total = 2 ** g;
    for (let i = 1; i < total; i++) {
      const k = 31 - Math.clz32(i & -i);
      t -= 2 * (sign[k] as number) * (d[k] as number);
      sign[k] = -(sign[k] as number);
      if (Math.abs(t) >= bar) hits++;
    }
    return { meanDiff: observed / n, p: hits / total, exact: true, patterns: total, clusters: g, items: n };
  }
  const rng = createRng(opts.seed ?? 1);
  let hits = 0;
  for (let r = 0; r < resamples; r++) {
    let t = 0;
    for (let k = 0; k < g; k++) t += rng.next() < 0.5 ? -(d[k] as number) : (d[k] as number);
    if (Math.abs(t) >= bar) hits++;
  }
  return { meanDiff: observed / n, p: (1 + hits) / (1 + resamples), exact: false, patterns: resamples, clusters: g, items: n };
}
