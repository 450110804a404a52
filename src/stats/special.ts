// Special functions the distributions need. Written here rather than taken
// from simple-statistics because its gammaln and erf are accurate to ~1e-7,
// which is not enough for exact binomial tails near 1e-300.

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * ln Γ(x) for x > 0. Shifts x up to >= 15 with the recurrence, then uses the
 * Stirling series (error < 1e-16 relative there); Infinity for x <= 0.
 * @example Math.exp(logGamma(5)) // ≈ 24.000
 */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.POSITIVE_INFINITY;
  let shift = 0;
  let prod = 1;
  while (x < 15) {
    prod *= x;
    x += 1;
    shift += 1;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  const series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 * (1 / 1188 - inv2 * (691 / 360360))))));
  const lg = (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + series;
  return shift === 0 ? lg : lg - Math.log(prod);
}

/**
 * ln C(n, k) for integers 0 <= k <= n; -Infinity outside that range.
 * @example Math.exp(logChoose(5, 2)) // ≈ 10.000
 */
export function logChoose(n: number, k: number): number {
  if (k < 0 || k > n) return Number.NEGATIVE_INFINITY;
  if (k === 0 || k === n) return 0;
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/**
 * ln Σ exp(v): stable for values far below -745 where exp() underflows.
 * ln(1 + 3) = ln 4; and −1000 + ln 2, where exp(−1000) alone would underflow to 0:
 * @example logSumExp([Math.log(1), Math.log(3)]) // ≈ 1.3863
 * @example logSumExp([-1000, -1000]) // ≈ -999.3069
 */
export function logSumExp(values: readonly number[]): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) if (v > max) max = v;
  if (max === Number.NEGATIVE_INFINITY) return max;
  if (max === Number.POSITIVE_INFINITY) return max;
  let s = 0;
  for (const v of values) s += Math.exp(v - max);
  return max + Math.log(s);
}

const EPS = 1e-16;
const TINY = 1e-300;

/** Continued fraction for the incomplete beta (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  // Convergence takes O(sqrt(max(a, b))) steps; 10000 covers df in the millions.
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) return h;
  }
  return h;
}

/**
 * Regularized incomplete beta I_x(a, b) for a, b > 0 and x in [0, 1].
 * I_x(1, 1) = x and I_x(2, 1) = x²:
 * @example regularizedBeta(0.3, 1, 1) // ≈ 0.3000
 * @example regularizedBeta(0.5, 2, 1) // ≈ 0.2500
 */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) throw new RangeError('regularizedBeta: a and b must be > 0');
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const front = Math.exp(lnFront);
  // Evaluate the fraction on the side where it converges fast; the other side
  // is then 1 - (small), so the small tail keeps full relative precision.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/**
 * Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a), for a > 0,
 * x >= 0. Series for P when x < a + 1, continued fraction for Q otherwise.
 * Q(1, x) = e^−x:
 * @example regularizedGammaQ(1, 1) // ≈ 0.3679
 */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0)) throw new RangeError('regularizedGammaQ: a must be > 0');
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  const lnFront = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let ap = a;
    let sum = 1 / a;
    let del = sum;
    for (let n = 1; n <= 10000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    return 1 - sum * Math.exp(lnFront);
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(lnFront) * h;
}
