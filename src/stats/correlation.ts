// Correlations between judge scores and human ratings (or answer length).
// All return null when the coefficient is undefined (n < 2 or a constant
// variable) rather than NaN, so reports can print "n/a" deliberately.
import { sampleCorrelation } from 'simple-statistics';
import { averageRanks } from './ranks.js';

function check(x: readonly number[], y: readonly number[]): void {
  if (x.length !== y.length) throw new RangeError(`correlation: length mismatch ${x.length} vs ${y.length}`);
  for (const v of x) if (!Number.isFinite(v)) throw new RangeError('correlation: values must be finite');
  for (const v of y) if (!Number.isFinite(v)) throw new RangeError('correlation: values must be finite');
}

function isConstant(v: readonly number[]): boolean {
  return v.every((a) => a === v[0]);
}

/**
 * Keep only the positions where both values are finite numbers — e.g. human
 * ratings with gaps against judge scores with failures.
 * @example completePairs([1, null, 3], [4, 5, undefined]) // [[1], [4]]
 */
export function completePairs(x: ReadonlyArray<number | null | undefined>, y: ReadonlyArray<number | null | undefined>): [number[], number[]] {
  if (x.length !== y.length) throw new RangeError(`completePairs: length mismatch ${x.length} vs ${y.length}`);
  const xs: number[] = [];
  const ys: number[] = [];
  x.forEach((a, i) => {
    const b = y[i];
    if (typeof a === 'number' && typeof b === 'number' && Number.isFinite(a) && Number.isFinite(b)) {
      xs.push(a);
      ys.push(b);
    }
  });
  return [xs, ys];
}

/**
 * Pearson product-moment correlation.
 * @example pearson([1, 2, 3], [2, 4, 6]) // ≈ 1.0000
 * @example pearson([1, 2, 3], [5, 5, 5]) // null
 */
export function pearson(x: readonly number[], y: readonly number[]): number | null {
  check(x, y);
  if (x.length < 2 || isConstant(x) || isConstant(y)) return null;
  const r = sampleCorrelation(x, y);
  return Math.max(-1, Math.min(1, r));
}

/**
 * Spearman rank correlation: Pearson on average ranks (ties share their mean rank).
 * @example spearman([1, 2, 3], [1, 4, 9]) // 1
 */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  check(x, y);
  if (x.length < 2) return null;
  return pearson(averageRanks(x), averageRanks(y));
}

/**
 * Kendall's tau-b, corrected for ties in either variable:
 * (C − D) / sqrt((n0 − n1)(n0 − n2)), n0 = n(n−1)/2, n1/n2 = tied pairs in x/y.
 * O(n²), fine for the few thousand rated samples this is used on.
 * Of the 3 pairs, 2 are concordant and 1 discordant: (2 − 1)/3:
 * @example kendallTauB([1, 2, 3], [1, 3, 2]) // ≈ 0.3333
 */
export function kendallTauB(x: readonly number[], y: readonly number[]): number | null {
  check(x, y);
  const n = x.length;
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number;
    const yi = y[i] as number;
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(xi - (x[j] as number));
      const dy = Math.sign(yi - (y[j] as number));
      if (dx === 0) tiesX++;
      if (dy === 0) tiesY++;
      if (dx !== 0 && dy !== 0) {
        if (dx === dy) concordant++;
        else discordant++;
      }
    }
  }
  const n0 = (n * (n - 1)) / 2;
  const denom = Math.sqrt((n0 - tiesX) * (n0 - tiesY));
  return denom === 0 ? null : (concordant - discordant) / denom;
}
