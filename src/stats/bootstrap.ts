// Seeded percentile bootstrap. Resampling units are whatever the caller
// passes (per-sample means, per-sample differences, comparisons), which is
// what makes the intervals honest: judges and rounds of one sample are never
// treated as independent draws.
import { createRng, seedToUint32, type Seed } from './rng.js';
import { percentileInterval, type Interval } from './intervals.js';

export interface BootstrapOptions {
  /** Number of resamples (integer >= 1). Default 2000. */
  resamples?: number;
  /** Seed of the resampling stream. Default 1. */
  seed?: Seed;
  /** Coverage of the percentile interval. Default 0.95. */
  level?: number;
}

export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_SEED = 1;

function resolve(opts: BootstrapOptions): Required<BootstrapOptions> {
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(`bootstrap: resamples must be a positive integer, got ${resamples}`);
  }
  return { resamples, seed: opts.seed ?? DEFAULT_SEED, level: opts.level ?? 0.95 };
}

/**
 * Percentile bootstrap of any statistic over resampled items. `statistic`
 * receives a fresh array of n items drawn with replacement. Returns the
 * interval and the bootstrap replicates (e.g. for rank intervals).
 * Returns null for an empty input.
 * @example bootstrap([4, 4, 4], (xs) => Math.max(...xs)).ci // [4, 4]
 * @example bootstrap([1, 2, 3], (xs) => xs.length, { resamples: 10 }).replicates.length // 10
 */
export function bootstrap<T>(
  items: readonly T[],
  statistic: (resample: T[]) => number,
  opts: BootstrapOptions = {},
): { ci: Interval; replicates: Float64Array } | null {
  const { resamples, seed, level } = resolve(opts);
  const n = items.length;
  if (n === 0) return null;
  const rng = createRng(seed);
  const replicates = new Float64Array(resamples);
  const buf: T[] = new Array<T>(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) buf[i] = items[rng.int(n)] as T;
    replicates[r] = statistic(buf);
  }
  return { ci: percentileInterval(replicates, level), replicates };
}

/**
 * Percentile bootstrap interval of the mean. Specialised (no per-resample
 * allocation) because reports call it once per model × metric.
 * Returns null for an empty input.
 * Resampled means of [0, 1] are 0, ½, 1 with chances ¼, ½, ¼, so the 2.5 % and
 * 97.5 % points are 0 and 1:
 * @example bootstrapMeanCi([0, 1]) // [0, 1]
 * @example bootstrapMeanCi([]) // null
 */
export function bootstrapMeanCi(values: ArrayLike<number>, opts: BootstrapOptions = {}): Interval | null {
  const { resamples, seed, level } = resolve(opts);
  if (values.length === 0) return null;
  return percentileInterval(bootstrapMeans(values, resamples, seed), level);
}

const K = 0x6d2b79f5;

/**
 * The resampled means bootstrapMeanCi takes its percentiles from: each the
 * mean of `values.length` draws with replacement from createRng(seed)'s
 * stream, resample after resample — bit for bit what `bootstrap` with a
 * mean statistic gives (test/stats/bootstrap.test.ts compares every one).
 * @example [...bootstrapMeans([2, 2], 3, 1)] // [2, 2, 2]
 */
export function bootstrapMeans(values: ArrayLike<number>, resamples: number, seed: Seed): Float64Array {
  const n = values.length;
  // mulberry32 inlined (createRng's exact stream, so the same seed gives the
  // same interval): a report draws resamples × n indices per model × metric —
  // 64 million for a 32k-sample split — and a call per draw was most of the
  // report's time. The generator's state only adds K each draw, so draw i of
  // resample r is state a0 + (r·n + i + 1)·K: four resamples run side by side,
  // each with its own sum added in its own draw order (bit-identical means),
  // and the four addition chains overlap in the CPU where one chain waited on
  // each addition — 5.3 → 3.4 ns a draw measured (two draws a turn of one
  // resample, the previous loop, gave 5.3).
  const v = Float64Array.from(values);
  const means = new Float64Array(resamples);
  // u / 2^32 * n == u * (n / 2^32) exactly (powers of two, u·n < 2^53): one
  // multiplication instead of a division per draw, the same index.
  const scale = n / 4294967296;
  // One resample's worth of draws moves the state by n·K (mod 2^32).
  const span = Math.imul(n, K);
  let a = seedToUint32(seed) | 0;
  let r = 0;
  for (; r + 3 < resamples; r += 4) {
    let p0 = a;
    let p1 = (a + span) | 0;
    let p2 = (p1 + span) | 0;
    let p3 = (p2 + span) | 0;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < n; i++) {
      p0 = (p0 + K) | 0;
      p1 = (p1 + K) | 0;
      p2 = (p2 + K) | 0;
      p3 = (p3 + K) | 0;
      let t0 = Math.imul(p0 ^ (p0 >>> 15), p0 | 1);
      t0 ^= t0 + Math.imul(t0 ^ (t0 >>> 7), t0 | 61);
      let t1 = Math.imul(p1 ^ (p1 >>> 15), p1 | 1);
      t1 ^= t1 + Math.imul(t1 ^ (t1 >>> 7), t1 | 61);
      let t2 = Math.imul(p2 ^ (p2 >>> 15), p2 | 1);
      t2 ^= t2 + Math.imul(t2 ^ (t2 >>> 7), t2 | 61);
      let t3 = Math.imul(p3 ^ (p3 >>> 15), p3 | 1);
      t3 ^= t3 + Math.imul(t3 ^ (t3 >>> 7), t3 | 61);
      // Truncation to int32 is floor here: the product is in [0, n), n < 2^31.
      s0 += v[(((t0 ^ (t0 >>> 14)) >>> 0) * scale) | 0]!;
      s1 += v[(((t1 ^ (t1 >>> 14)) >>> 0) * scale) | 0]!;
      s2 += v[(((t2 ^ (t2 >>> 14)) >>> 0) * scale) | 0]!;
      s3 += v[(((t3 ^ (t3 >>> 14)) >>> 0) * scale) | 0]!;
    }
    means[r] = s0 / n;
    means[r + 1] = s1 / n;
    means[r + 2] = s2 / n;
    means[r + 3] = s3 / n;
    a = p3;
  }
  // The last resamples (fewer than four) one at a time, the stream continuing.
  for (; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      a = (a + K) | 0;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      s += v[(((t ^ (t >>> 14)) >>> 0) * scale) | 0]!;
    }
    means[r] = s / n;
  }
  return means;
}
