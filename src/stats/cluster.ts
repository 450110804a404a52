// Cluster-aware intervals. Role-play splits are clustered (several records
// per session, clip, video or character), and records of one cluster share
// context, so treating them as independent draws makes intervals too narrow.
// Everything here resamples or sums whole clusters.
//
// Conventions used throughout:
// - Items are paired with their cluster id by position; ids are compared as
//   strings (String(id)), and clusters are processed in sorted id order so
//   results do not depend on the order records arrive in.
// - The estimate is the item-weighted mean: (Σ cluster sums) / (Σ cluster
//   sizes), i.e. the ordinary mean over all items.
// - Fewer than two clusters gives null: there is no between-cluster spread
//   to estimate, and a zero-width interval would be a made-up certainty.
import { createRng } from './rng.js';
import { DEFAULT_RESAMPLES, DEFAULT_SEED, type BootstrapOptions } from './bootstrap.js';
import { percentileInterval, type Interval } from './intervals.js';
import { studentTQuantile } from './t-quantile.js';
import { studentTTwoSidedP } from './distributions.js';

export type ClusterId = string | number;

/** One cluster's total and item count. */
export interface ClusterTotal {
  id: string;
  sum: number;
  size: number;
}

/** Sum values per cluster, sorted by id. Throws on length mismatch or non-finite values. */
export function clusterTotals(values: ArrayLike<number>, clusters: ArrayLike<ClusterId>): ClusterTotal[] {
  if (values.length !== clusters.length) {
    throw new RangeError(`cluster statistics: ${values.length} values but ${clusters.length} cluster ids`);
  }
  const byId = new Map<string, ClusterTotal>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) throw new RangeError(`cluster statistics: value ${i} is not a finite number (${v})`);
    const id = String(clusters[i]);
    const c = byId.get(id);
    if (c) {
      c.sum += v;
      c.size += 1;
    } else byId.set(id, { id, sum: v, size: 1 });
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Candidate − baseline per paired item; both arrays index the same items. */
export function pairedDifferences(candidate: ArrayLike<number>, baseline: ArrayLike<number>): number[] {
  if (candidate.length !== baseline.length) {
    throw new RangeError(`paired cluster statistics: ${candidate.length} candidate scores but ${baseline.length} baseline scores`);
  }
  return Array.from({ length: candidate.length }, (_, i) => (candidate[i] as number) - (baseline[i] as number));
}

export interface ClusterInterval {
  /** Item-weighted mean (of the values, or of candidate − baseline). */
  estimate: number;
  ci: Interval;
  level: number;
  clusters: number;
  items: number;
}

/**
 * Cluster bootstrap percentile interval of the mean: G clusters drawn with
 * replacement from the G observed ones, each replicate is (Σ sums)/(Σ sizes)
 * of the drawn clusters. Seeded with createRng; with one item per cluster it
 * draws the same indices as bootstrapMeanCi and gives the same interval.
 *
 * @example
 * // Two sessions of two records each: every replicate is a mix of the
 * // session means 1 and 3, so the 95% interval is [1, 3].
 * clusterBootstrapMeanCi([1, 1, 3, 3], ['s1', 's1', 's2', 's2']).ci; // [1, 3]
 */
export function clusterBootstrapMeanCi(values: ArrayLike<number>, clusters: ArrayLike<ClusterId>, opts: BootstrapOptions = {}): ClusterInterval | null {
  const totals = clusterTotals(values, clusters);
  const g = totals.length;
  if (g < 2) return null;
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  const level = opts.level ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`cluster bootstrap: resamples must be a positive integer, got ${resamples}`);
  const sums = Float64Array.from(totals, (c) => c.sum);
  const sizes = Float64Array.from(totals, (c) => c.size);
  const rng = createRng(opts.seed ?? DEFAULT_SEED);
  const replicates = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    let n = 0;
    for (let i = 0; i < g; i++) {
      const k = rng.int(g);
      s += sums[k] as number;
      n += sizes[k] as number;
    }
    replicates[r] = s / n;
  }
  const items = values.length;
  const total = sums.reduce((a, b) => a + b, 0);
  return { estimate: total / items, ci: percentileInterval(replicates, level), level, clusters: g, items };
}

/**
 * Cluster bootstrap interval of the paired difference candidate − baseline:
 * the per-item differences are resampled cluster by cluster, so both scores
 * of an item and all items of a cluster stay together.
 *
 * @example
 * clusterBootstrapPairedCi([3, 3, 5, 5], [2, 2, 2, 2], ['v1', 'v1', 'v2', 'v2']).ci; // [1, 3]
 */
export function clusterBootstrapPairedCi(
  candidate: ArrayLike<number>,
  baseline: ArrayLike<number>,
  clusters: ArrayLike<ClusterId>,
  opts: BootstrapOptions = {},
): ClusterInterval | null {
  return clusterBootstrapMeanCi(pairedDifferences(candidate, baseline), clusters, opts);
}

export interface DesignEffect {
  /** varClustered / varIid; null when varIid is 0 (all values equal). */
  deff: number | null;
  /** Cluster-robust variance of the mean: G/(G−1) · Σ_g (S_g − n_g·ȳ)² / N². */
  varClustered: number;
  /** Textbook i.i.d. variance of the mean: s² / N with s² over N − 1. */
  varIid: number;
  clusters: number;
  items: number;
  /** N / G. */
  meanClusterSize: number;
}

/**
 * Design effect as a variance ratio: the cluster-robust variance of the mean
 * over the i.i.d. variance of the mean (not Kish's 1 + (m̄ − 1)·ICC, which
 * assumes equal cluster sizes and a common ICC). With one item per cluster
 * the two variances are equal and the ratio is exactly 1. Null when there
 * are fewer than 2 clusters.
 *
 * @example
 * // Clusters {1, 3}, {2}, {−1, 0, 4}: ȳ = 1.5, s² = 3.5, varIid = 3.5/6;
 * // residual sums 1, 0.5, −1.5: varClustered = 1.5 · 3.5 / 36; deff = 0.25.
 * designEffect([1, 3, 2, -1, 0, 4], ['a', 'a', 'b', 'c', 'c', 'c']).deff; // 0.25
 */
export function designEffect(values: ArrayLike<number>, clusters: ArrayLike<ClusterId>): DesignEffect | null {
  const totals = clusterTotals(values, clusters);
  const g = totals.length;
  const n = values.length;
  if (g < 2) return null;
  let total = 0;
  for (let i = 0; i < n; i++) total += values[i] as number;
  const mean = total / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((values[i] as number) - mean) ** 2;
  const varIid = ss / (n - 1) / n;
  const varClustered = clusterRobustVariance(totals, mean, n);
  return { deff: varIid > 0 ? varClustered / varIid : null, varClustered, varIid, clusters: g, items: n, meanClusterSize: n / g };
}

/** G/(G−1) · Σ_g (S_g − n_g·mean)² / N²: the CR1 variance of an item-weighted mean. */
function clusterRobustVariance(totals: readonly ClusterTotal[], mean: number, n: number): number {
  const g = totals.length;
  let sr = 0;
  for (const c of totals) sr += (c.sum - c.size * mean) ** 2;
  return ((g / (g - 1)) * sr) / (n * n);
}

export interface ClusterRobustInterval extends ClusterInterval {
  /** Cluster-robust standard error, sqrt of the CR1 variance. */
  se: number;
  /** Degrees of freedom: clusters − 1. */
  df: number;
  /** meanDiff / se; ±Infinity when se = 0 and the mean is not 0, 0 when both are 0. */
  t: number;
  /** Two-sided p-value of t on df degrees of freedom (1 when se = mean = 0, 0 when only se = 0). */
  p: number;
}

/**
 * Cluster-robust t interval of the paired mean difference candidate −
 * baseline, deterministic (no resampling), as a gate needs. Convention: the
 * estimate is Σ_g D_g / Σ_g n_g (cluster sums of differences over cluster
 * sizes); its variance is the CR1 sandwich G/(G−1) · Σ_g (D_g − n_g·d̄)² / N²
 * (what Stata's `mean d, vce(cluster g)` reports); the interval is
 * d̄ ± t_{1−(1−level)/2, G−1} · se. With one item per cluster it is exactly the
 * paired t interval. Null with fewer than 2 clusters.
 *
 * @example
 * // Differences {1, 3}, {2}, {−1, 0, 4}: d̄ = 1.5, se = sqrt(1.5·3.5/36) = 0.3819,
 * // t_{0.975, 2} = 4.3027: interval 1.5 ± 1.6431 = [−0.143, 3.143].
 * clusterRobustPairedCi([1, 3, 2, -1, 0, 4], [0, 0, 0, 0, 0, 0], ['a', 'a', 'b', 'c', 'c', 'c']).ci;
 */
export function clusterRobustPairedCi(
  candidate: ArrayLike<number>,
  baseline: ArrayLike<number>,
  clusters: ArrayLike<ClusterId>,
  level = 0.95,
): ClusterRobustInterval | null {
  if (!(level > 0 && level < 1)) throw new RangeError(`clusterRobustPairedCi: level must be in (0, 1), got ${level}`);
  const diffs = pairedDifferences(candidate, baseline);
  const totals = clusterTotals(diffs, clusters);
  const g = totals.length;
  if (g < 2) return null;
  const n = diffs.length;
  const estimate = totals.reduce((s, c) => s + c.sum, 0) / n;
  const se = Math.sqrt(clusterRobustVariance(totals, estimate, n));
  const df = g - 1;
  const half = studentTQuantile(1 - (1 - level) / 2, df) * se;
  let t: number;
  let p: number;
  if (se > 0) {
    t = estimate / se;
    p = studentTTwoSidedP(t, df);
  } else {
    t = estimate === 0 ? 0 : estimate > 0 ? Infinity : -Infinity;
    p = estimate === 0 ? 1 : 0;
  }
  return { estimate, ci: [estimate - half, estimate + half], level, clusters: g, items: n, se, df, t, p };
}
