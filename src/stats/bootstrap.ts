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
  const n = values.length;
  if (n === 0) return null;
  // mulberry32 inlined (createRng's exact stream, so the same seed gives the
  // same interval): a report draws resamples × n indices per model × metric —
  // 64 million for a 32k-sample split — and a call per draw was most of the
  // report's time.
  let a = seedToUint32(seed);
  const v = Float64Array.from(values);
  const means = new Float64Array(resamples);
  // u / 2^32 * n == u * (n / 2^32) exactly (powers of two, u·n < 2^53): one
  // multiplication instead of a division per draw, the same index.
  const scale = n / 4294967296;
  const K = 0x6d2b79f5;
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    let i = 0;
    // Two draws a turn: the two generator steps overlap in the CPU while the
    // sum still adds x then y, in draw order, so every mean is bit-identical
    // to one draw a turn — ~13 % faster in steady state (5.4 vs 6.2 ns a
    // draw; four a turn was slower again: too few registers).
    for (; i + 1 < n; i += 2) {
      const a1 = (a + K) | 0;
      const a2 = (a1 + K) | 0;
      a = a2;
      let t = Math.imul(a1 ^ (a1 >>> 15), a1 | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      let w = Math.imul(a2 ^ (a2 >>> 15), a2 | 1);
      w ^= w + Math.imul(w ^ (w >>> 7), w | 61);
      // Truncation to int32 is floor here: the product is in [0, n), n < 2^31.
      const x = v[(((t ^ (t >>> 14)) >>> 0) * scale) | 0]!;
      const y = v[(((w ^ (w >>> 14)) >>> 0) * scale) | 0]!;
      s += x;
      s += y;
    }
    if (i < n) {
      a = (a + K) | 0;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      s += v[(((t ^ (t >>> 14)) >>> 0) * scale) | 0]!;
    }
    means[r] = s / n;
  }
  return percentileInterval(means, level);
}
