// Planning: what effect can an evaluation of a given size detect?
import { logBinomPmf, logBinomSf, logBinomCdf } from './binomial.js';
import { normalQuantile } from './distributions.js';
import { studentTQuantile } from './t-quantile.js';

function checkLevels(alpha: number, power: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (!(power > 0 && power < 1)) throw new RangeError(`power must be in (0, 1), got ${power}`);
}

/**
 * Smallest win count c such that c wins out of n decisive comparisons is
 * significant for the exact two-sided sign test at level alpha, i.e.
 * 2·P(X >= c | 1/2) <= alpha. By symmetry n − c or fewer wins is significant
 * too. Null when even n-out-of-n is not significant (n too small).
 */
export function signTestCriticalWins(n: number, alpha = 0.05): number | null {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  const lnHalfAlpha = Math.log(alpha / 2);
  // Walk down from n accumulating the upper tail in log space (O(n)); stop
  // at the first count that is no longer significant. Only counts above n/2
  // qualify: at or below it the two-sided p is 1.
  let c: number | null = null;
  let lnTail = Number.NEGATIVE_INFINITY;
  for (let k = n; k > n / 2; k--) {
    const t = logBinomPmf(k, n, 0.5);
    const hi = Math.max(lnTail, t);
    lnTail = hi + Math.log(Math.exp(lnTail - hi) + Math.exp(t - hi));
    if (lnTail <= lnHalfAlpha + 1e-12) c = k;
    else break;
  }
  return c;
}

/** Exact power of the two-sided sign test with n decisive comparisons when the true win rate is p1. */
export function signTestPower(n: number, p1: number, alpha = 0.05): number {
  if (!(p1 >= 0 && p1 <= 1)) throw new RangeError(`p1 must be in [0, 1], got ${p1}`);
  const c = signTestCriticalWins(n, alpha);
  return c === null ? 0 : powerAt(n, c, p1);
}

/** P(X >= c) + P(X <= n − c) for X ~ Bin(n, p1): the rejection probability. */
function powerAt(n: number, c: number, p1: number): number {
  return Math.min(1, Math.exp(logBinomSf(c, n, p1)) + Math.exp(logBinomCdf(n - c, n, p1)));
}

export interface SignTestMde {
  n: number;
  alpha: number;
  power: number;
  /** Wins needed out of n to reach significance. */
  criticalWins: number;
  /** Smallest decisive win rate > 1/2 with exact power >= the target (to 1e-7). */
  p1: number;
  /** Exact power at p1. */
  achievedPower: number;
  /** Exact size of the test: P(reject | 1/2) <= alpha (the test is conservative). */
  actualAlpha: number;
}

/**
 * Minimum detectable effect of the exact sign test: the smallest true
 * decisive win rate p1 > 1/2 at which n decisive comparisons reject with at
 * least the requested power. Found by bisection on the exact power, which is
 * increasing in p1 above 1/2. Null when n is too small to ever reject.
 */
export function signTestMde(n: number, alpha = 0.05, power = 0.8): SignTestMde | null {
  checkLevels(alpha, power);
  const c = signTestCriticalWins(n, alpha);
  if (c === null) return null;
  let lo = 0.5;
  let hi = 1;
  while (hi - lo > 1e-7) {
    const mid = (lo + hi) / 2;
    if (powerAt(n, c, mid) >= power) hi = mid;
    else lo = mid;
  }
  return {
    n,
    alpha,
    power,
    criticalWins: c,
    p1: hi,
    achievedPower: powerAt(n, c, hi),
    actualAlpha: powerAt(n, c, 0.5),
  };
}

/**
 * Minimum detectable paired mean difference (normal approximation):
 * (z_{1−α/2} + z_{power}) · sd / √n, with sd the sd of per-sample differences.
 */
export function pairedMde(sdDiff: number, n: number, alpha = 0.05, power = 0.8): number {
  checkLevels(alpha, power);
  if (!(sdDiff >= 0) || !(n >= 1)) throw new RangeError('pairedMde: need sdDiff >= 0 and n >= 1');
  return ((normalQuantile(1 - alpha / 2) + normalQuantile(power)) * sdDiff) / Math.sqrt(n);
}

/** Samples needed to detect a paired mean difference `delta` (same approximation, rounded up). */
export function pairedRequiredN(sdDiff: number, delta: number, alpha = 0.05, power = 0.8): number {
  checkLevels(alpha, power);
  if (!(sdDiff > 0) || !(delta !== 0 && Number.isFinite(delta))) {
    throw new RangeError('pairedRequiredN: need sdDiff > 0 and a non-zero delta');
  }
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  return Math.ceil(((z * sdDiff) / Math.abs(delta)) ** 2 - 1e-9);
}

/**
 * Minimum detectable paired mean difference from Student t quantiles:
 * (t_{1−α/2, n−1} + t_{power, n−1}) · sd / √n, with sd the sample sd of the
 * per-sample differences and a two-sided test at alpha. Smaller n gets a
 * larger (more honest) value than the normal approximation of pairedMde.
 * Null means "not estimable": sd = 0 (nothing to scale by) or n < 2 (no sd).
 *
 * @example
 * pairedMdeT(17.446212063489952, 60); // 6.4162 (pairedMde gives 6.31)
 * pairedMdeT(0, 60);                  // null
 */
export function pairedMdeT(sdDiff: number, n: number, alpha = 0.05, power = 0.8): number | null {
  checkLevels(alpha, power);
  if (!(sdDiff >= 0) || !Number.isFinite(sdDiff)) throw new RangeError(`pairedMdeT: sdDiff must be a finite number >= 0, got ${sdDiff}`);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`pairedMdeT: n must be a non-negative integer, got ${n}`);
  if (sdDiff === 0 || n < 2) return null;
  const df = n - 1;
  return ((studentTQuantile(1 - alpha / 2, df) + studentTQuantile(power, df)) * sdDiff) / Math.sqrt(n);
}
