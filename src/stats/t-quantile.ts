// Student t quantiles, needed by t-based intervals and the t-based minimum
// detectable difference. Found by safeguarded Newton iteration on the
// accurate CDF in distributions.ts, so the quantile is as exact as the CDF.
import { normalQuantile, studentTCdf } from './distributions.js';
import { logGamma } from './special.js';

/** ln of the Student t density at t. */
function logTDensity(t: number, df: number): number {
  return logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log1p((t * t) / df);
}

/**
 * Quantile of Student's t with df > 0 degrees of freedom: the t with
 * P(T <= t) = p. ±Infinity at p = 0 / 1.
 *
 * @example
 * studentTQuantile(0.975, 1);  // 12.706204736174694 (Cauchy: tan(0.475·π))
 * studentTQuantile(0.975, 59); // 2.000995378088267
 * studentTQuantile(0.5, 7);    // 0
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`studentTQuantile: p must be in [0, 1], got ${p}`);
  if (!(df > 0)) throw new RangeError(`studentTQuantile: df must be > 0, got ${df}`);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  // Work in the lower tail and mirror, so the error term is never 1 − (≈1).
  const lower = p < 0.5;
  const q = lower ? p : 1 - p;
  // Bracket [lo, hi] around the root of F(t) = q (t < 0); the normal quantile
  // starts Newton close for large df, and bisection takes over whenever a
  // Newton step would leave the bracket (heavy tails at small df).
  let lo = -1;
  let hi = 0;
  while (studentTCdf(lo, df) > q) {
    hi = lo;
    lo *= 2;
  }
  let t = Math.min(hi, Math.max(lo, normalQuantile(q)));
  for (let i = 0; i < 200; i++) {
    const f = studentTCdf(t, df) - q;
    if (f > 0) hi = t;
    else lo = t;
    const step = f / Math.exp(logTDensity(t, df));
    let next = t - step;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-15 * Math.max(1, Math.abs(t))) {
      t = next;
      break;
    }
    t = next;
  }
  return lower ? t : -t;
}
