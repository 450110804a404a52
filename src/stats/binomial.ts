// Exact binomial tails and the sign test, all in log space: with 1000+
// decisive comparisons the p-values of a clear winner are far below the
// smallest double (~1e-308), and reports must still print them.
import { logChoose, logSumExp } from './special.js';

const LN10 = Math.LN10;

/**
 * ln P(X = k) for X ~ Bin(n, p).
 * C(4, 2)/16 = 6/16:
 * @example Math.exp(logBinomPmf(2, 4, 0.5)) // ≈ 0.3750
 */
export function logBinomPmf(k: number, n: number, p: number): number {
  if (!Number.isInteger(k) || k < 0 || k > n) return Number.NEGATIVE_INFINITY;
  if (p === 0) return k === 0 ? 0 : Number.NEGATIVE_INFINITY;
  if (p === 1) return k === n ? 0 : Number.NEGATIVE_INFINITY;
  return logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p);
}

function checkN(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`binomial: n must be a non-negative integer, got ${n}`);
}

/**
 * ln P(lo <= X <= hi) by direct summation of the pmf terms in log space.
 * Summing the terms themselves (never 1 - other tail) keeps full relative
 * precision for tiny tails. O(hi - lo).
 * P(1 <= X <= 2) for Bin(3, ½) = 3/8 + 3/8:
 * @example Math.exp(logBinomRange(1, 2, 3, 0.5)) // ≈ 0.7500
 */
export function logBinomRange(lo: number, hi: number, n: number, p: number): number {
  checkN(n);
  const a = Math.max(0, Math.ceil(lo));
  const b = Math.min(n, Math.floor(hi));
  if (a > b) return Number.NEGATIVE_INFINITY;
  const terms: number[] = [];
  for (let k = a; k <= b; k++) terms.push(logBinomPmf(k, n, p));
  return logSumExp(terms);
}

/**
 * ln P(X <= k).
 * @example Math.exp(logBinomCdf(0, 3, 0.5)) // ≈ 0.1250
 */
export function logBinomCdf(k: number, n: number, p: number): number {
  return logBinomRange(0, k, n, p);
}

/**
 * ln P(X >= k).
 * @example Math.exp(logBinomSf(3, 3, 0.5)) // ≈ 0.1250
 */
export function logBinomSf(k: number, n: number, p: number): number {
  return logBinomRange(k, n, n, p);
}

/** A p-value with its base-10 logarithm, for values that underflow to 0. */
export interface PValue {
  /** The p-value; 0 only when it is below the smallest double. */
  p: number;
  /** log10(p); always finite for tests in this module. */
  log10p: number;
}

/**
 * Build a PValue from ln p, capping at 1.
 * @example pValueFromLn(Math.log(0.01)).log10p // ≈ -2.0000
 * @example pValueFromLn(1).p // 1
 */
export function pValueFromLn(lnP: number): PValue {
  const ln = Math.min(0, lnP);
  return { p: Math.exp(ln), log10p: ln / LN10 };
}

/** Result of the exact two-sided sign test. */
export interface SignTest extends PValue {
  /** Decisive comparisons (wins + losses); ties are excluded. */
  n: number;
  wins: number;
  losses: number;
}

/**
 * Exact two-sided binomial sign test of wins against losses, ties excluded:
 * p = min(1, 2·min(P(X <= w), P(X >= w))) with X ~ Bin(w + l, 1/2).
 * Convention: w == l (including 0 == 0) gives p = 1, which the formula
 * yields anyway because both tails are >= 1/2; so does |w − l| = 1.
 * 3–0: both all-win and all-loss patterns of 3 count, 2/8; 10–0: 2/1024:
 * @example signTest(3, 0).p // ≈ 0.2500
 * @example signTest(10, 0).p // ≈ 0.001953
 * @example signTest(2, 1).p // 1
 */
export function signTest(wins: number, losses: number): SignTest {
  if (!Number.isInteger(wins) || !Number.isInteger(losses) || wins < 0 || losses < 0) {
    throw new RangeError(`signTest: wins and losses must be non-negative integers, got ${wins}, ${losses}`);
  }
  const n = wins + losses;
  // |w − l| <= 1 means the observed count sits at the centre of a symmetric
  // distribution, so one tail is exactly 1/2 and p is exactly 1; answering it
  // here avoids returning 0.999999999999995 from rounding in the log sums.
  if (Math.abs(wins - losses) <= 1) return { n, wins, losses, p: 1, log10p: 0 };
  // The smaller tail is the one on the side of the observed count away from n/2.
  const lnTail = wins > losses ? logBinomSf(wins, n, 0.5) : logBinomCdf(wins, n, 0.5);
  return { n, wins, losses, ...pValueFromLn(Math.LN2 + lnTail) };
}
