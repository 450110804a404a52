// Interval estimates that need no resampling.
import { normalQuantile } from './distributions.js';

/** A closed interval [lo, hi]. */
export type Interval = [number, number];

/**
 * Wilson score interval for a binomial proportion (no continuity correction,
 * as in Newcombe 1998 method 3). Preferred over the Wald interval because it
 * stays inside [0, 1] and behaves at 0/n and n/n. Returns null when n = 0.
 * At 0/n the upper bound is z²/(n + z²) = 3.8415/13.8415:
 * @example wilsonInterval(0, 10)[1] // ≈ 0.2775
 * @example wilsonInterval(0, 0) // null
 */
export function wilsonInterval(successes: number, n: number, level = 0.95): Interval | null {
  if (!Number.isFinite(successes) || !Number.isFinite(n) || successes < 0 || successes > n) {
    throw new RangeError(`wilsonInterval: need 0 <= successes <= n, got ${successes}/${n}`);
  }
  if (!(level > 0 && level < 1)) throw new RangeError(`wilsonInterval: level must be in (0, 1), got ${level}`);
  if (n === 0) return null;
  const z = normalQuantile(1 - (1 - level) / 2);
  const z2 = z * z;
  const phat = successes / n;
  const denom = 1 + z2 / n;
  const centre = (phat + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((phat * (1 - phat)) / n + z2 / (4 * n * n));
  // Clamp only the rounding noise at the edges (0/n gives lo = -1e-17).
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Quantile of already-sorted values by linear interpolation between order
 * statistics (Hyndman–Fan type 7, the R and NumPy default), so percentile
 * bootstrap intervals match what an analyst gets elsewhere.
 * @example quantileSorted([1, 2, 3, 4], 0.5) // 2.5
 * @example quantileSorted([10, 20], 0.25) // 12.5
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantileSorted: empty input');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantileSorted: q must be in [0, 1], got ${q}`);
  let h = (n - 1) * q;
  // Snap rounding noise such as (1 − 0.9) / 2 = 0.04999… onto the order
  // statistic the caller meant.
  if (Math.abs(h - Math.round(h)) < 1e-9) h = Math.round(h);
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

/**
 * Central percentile interval of a sample (sorts a copy).
 * @example percentileInterval([3, 1, 2], 0.5) // [1.5, 2.5]
 */
export function percentileInterval(values: ArrayLike<number>, level = 0.95): Interval {
  if (!(level > 0 && level < 1)) throw new RangeError(`percentileInterval: level must be in (0, 1), got ${level}`);
  const sorted = Float64Array.from(values).sort();
  const alpha = (1 - level) / 2;
  return [quantileSorted(sorted, alpha), quantileSorted(sorted, 1 - alpha)];
}
