// Intraclass correlation and Kish's design effect, the textbook companion to
// the variance-ratio design effect in cluster.ts. Kish's formula assumes a
// common ICC and roughly equal cluster sizes; the variance ratio does not,
// so reports should lead with designEffect() and may show this beside it.
import { clusterTotals, type ClusterId } from './cluster.js';

export interface IntraclassCorrelation {
  /** ICC(1) from the one-way ANOVA: (MSB − MSW) / (MSB + (n₀ − 1)·MSW). May be negative. */
  icc: number;
  /** Between-cluster mean square, SSB / (G − 1). */
  msBetween: number;
  /** Within-cluster mean square, SSW / (N − G). */
  msWithin: number;
  /** Effective cluster size n₀ = (N − Σ n_g² / N) / (G − 1); the common size when sizes are equal. */
  n0: number;
  /** Kish's design effect 1 + (m̄ − 1)·ICC with m̄ = N / G. */
  kishDesignEffect: number;
  clusters: number;
  items: number;
}

/**
 * One-way ANOVA intraclass correlation of values grouped by cluster, and
 * Kish's design effect from it. Null when it is not estimable: fewer than 2
 * clusters, no cluster with 2 or more items (N = G), or both mean squares 0.
 *
 * @example
 * // Clusters {1, 2}, {3, 4}, {5, 9}: MSB = 31/2, MSW = 9/3, n₀ = 2:
 * // ICC = (15.5 − 3)/(15.5 + 3) = 0.6757, Kish = 1 + 1·0.6757 = 1.6757.
 * intraclassCorrelation([1, 2, 3, 4, 5, 9], ['a', 'a', 'b', 'b', 'c', 'c']).icc; // 0.6757
 */
export function intraclassCorrelation(values: ArrayLike<number>, clusters: ArrayLike<ClusterId>): IntraclassCorrelation | null {
  const totals = clusterTotals(values, clusters);
  const g = totals.length;
  const n = values.length;
  if (g < 2 || n === g) return null;
  const grand = totals.reduce((s, c) => s + c.sum, 0) / n;
  const means = new Map(totals.map((c) => [c.id, c.sum / c.size]));
  let ssw = 0;
  for (let i = 0; i < n; i++) ssw += ((values[i] as number) - (means.get(String(clusters[i])) as number)) ** 2;
  let ssb = 0;
  let sumSq = 0;
  for (const c of totals) {
    ssb += c.size * (c.sum / c.size - grand) ** 2;
    sumSq += c.size * c.size;
  }
  const msBetween = ssb / (g - 1);
  const msWithin = ssw / (n - g);
  const n0 = (n - sumSq / n) / (g - 1);
  const denom = msBetween + (n0 - 1) * msWithin;
  if (!(denom > 0)) return null;
  const icc = (msBetween - msWithin) / denom;
  return { icc, msBetween, msWithin, n0, kishDesignEffect: 1 + (n / g - 1) * icc, clusters: g, items: n };
}
