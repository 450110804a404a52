// Krippendorff's interval alpha from per-unit moments (count, sum, sum of
// squares). Equivalent to krippendorffAlpha(matrix, 'interval') but needs no
// matrix: a report can fold millions of judgments into one Moments per unit.
//   Σ_{i≠j} (v_i − v_j)² within a unit = 2 (m Σv² − (Σv)²)
export interface Moments {
  n: number;
  sum: number;
  sumSq: number;
}

/**
 * Interval alpha from per-unit (n, Σv, Σv²); units with n < 2 are skipped.
 * The moments of [[1, 2], [2, 1]] give krippendorffAlpha's −0.5:
 * @example alphaFromMoments([{ n: 2, sum: 3, sumSq: 5 }, { n: 2, sum: 3, sumSq: 5 }]).alpha // ≈ -0.500
 * @example alphaFromMoments([{ n: 2, sum: 2, sumSq: 2 }, { n: 2, sum: 6, sumSq: 18 }, { n: 1, sum: 9, sumSq: 81 }]).units // 2
 */
export function alphaFromMoments(units: Iterable<Moments>): { alpha: number | null; n: number; units: number } {
  let n = 0;
  let count = 0;
  let within = 0;
  let sum = 0;
  let sumSq = 0;
  for (const u of units) {
    if (u.n < 2) continue; // unpairable: a lone value carries no agreement information
    count++;
    n += u.n;
    sum += u.sum;
    sumSq += u.sumSq;
    within += (2 * (u.n * u.sumSq - u.sum * u.sum)) / (u.n - 1);
  }
  if (n < 2) return { alpha: null, n, units: count };
  const dObserved = within / n;
  const dExpected = (2 * (n * sumSq - sum * sum)) / (n * (n - 1));
  if (!(dExpected > 0)) return { alpha: null, n, units: count };
  return { alpha: 1 - dObserved / dExpected, n, units: count };
}
