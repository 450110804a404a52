// Two models compared on the samples both were scored on.
import { mean, sampleStandardDeviation } from 'simple-statistics';
import { studentTTwoSidedP } from './distributions.js';
import { bootstrapMeanCi, type BootstrapOptions } from './bootstrap.js';
import { wilcoxonSignedRank, type WilcoxonResult } from './wilcoxon.js';
import type { Interval } from './intervals.js';

export interface TTestResult {
  t: number;
  df: number;
  /** Two-sided p-value from the Student t distribution. */
  p: number;
}

/**
 * One-sample (paired) t-test of differences against 0. Null when n < 2.
 * When every difference is equal (sd = 0) the statistic is ±Infinity with
 * p = 0 for a non-zero mean and undefined for a zero mean, returned as
 * t = 0, p = 1 — there is no evidence of a difference.
 * Mean 2, sd 1: t = 2√3; for df = 2 the two-sided p is 1 − t/√(t² + 2):
 * @example pairedTTest([1, 2, 3]).t // ≈ 3.4641
 * @example pairedTTest([1, 2, 3]).p // ≈ 0.0742
 */
export function pairedTTest(diffs: readonly number[]): TTestResult | null {
  const n = diffs.length;
  if (n < 2) return null;
  const m = mean(diffs as number[]);
  const sd = sampleStandardDeviation(diffs as number[]);
  const df = n - 1;
  if (sd === 0) {
    return m === 0 ? { t: 0, df, p: 1 } : { t: m > 0 ? Infinity : -Infinity, df, p: 0 };
  }
  const t = m / (sd / Math.sqrt(n));
  return { t, df, p: studentTTwoSidedP(t, df) };
}

export interface PairedComparison {
  /** Shared samples with a finite score on both sides. */
  n: number;
  /** Mean of (a − b) over shared samples; null when n = 0. */
  meanDiff: number | null;
  /** Sample sd of the differences; null when n < 2. */
  sdDiff: number | null;
  /** Seeded paired-bootstrap 95% interval of meanDiff (samples resampled as pairs). */
  ci95: Interval | null;
  tTest: TTestResult | null;
  wilcoxon: WilcoxonResult | null;
}

/**
 * Compare per-sample scores of model A and model B (e.g. from
 * ScoreAccumulator.perSample()) over the samples present in both.
 * Differences are a − b. Resampling the per-sample differences is the paired
 * bootstrap: each draw keeps a sample's two scores together.
 * @example pairedComparison(new Map([['s1', 4], ['s2', 5]]), new Map([['s1', 3], ['s3', 1]])).meanDiff // 1
 */
export function pairedComparison(
  a: ReadonlyMap<string, number>,
  b: ReadonlyMap<string, number>,
  opts: BootstrapOptions & { ci?: Interval | null } = {},
): PairedComparison {
  const diffs = pairedDiffs(a, b);
  const n = diffs.length;
  return {
    n,
    meanDiff: n === 0 ? null : mean(diffs),
    sdDiff: n < 2 ? null : sampleStandardDeviation(diffs),
    // `ci`: already computed (e.g. in a worker thread) from pairedDiffs(a, b) and the same options.
    ci95: opts.ci !== undefined ? opts.ci : bootstrapMeanCi(diffs, opts),
    tTest: pairedTTest(diffs),
    wilcoxon: n === 0 ? null : wilcoxonSignedRank(diffs),
  };
}

/**
 * Per-sample differences a − b over the samples with a finite score on both sides, by sample id.
 * @example pairedDiffs(new Map([['s2', 5], ['s1', 4]]), new Map([['s1', 3], ['s2', 1]])) // [1, 4]
 */
export function pairedDiffs(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number[] {
  const diffs: number[] = [];
  // Sorted ids make the bootstrap independent of map insertion order.
  const ids = [...a.keys()].filter((id) => b.has(id)).sort();
  for (const id of ids) {
    const x = a.get(id) as number;
    const y = b.get(id) as number;
    if (Number.isFinite(x) && Number.isFinite(y)) diffs.push(x - y);
  }
  return diffs;
}
