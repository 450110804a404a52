// Wilcoxon signed-rank test on paired differences.
import { averageRanks, tieGroupSizes } from './ranks.js';
import { normalCdf } from './distributions.js';

export interface WilcoxonResult {
  /** Non-zero differences used (zeros are dropped, Wilcoxon's convention). */
  n: number;
  /** Sum of ranks of the positive differences. */
  wPlus: number;
  /** Two-sided p-value. */
  p: number;
  method: 'exact' | 'normal';
}

/** Largest n for which the exact null distribution is enumerated. */
export const WILCOXON_EXACT_MAX_N = 50;

/**
 * Two-sided Wilcoxon signed-rank test of the differences against 0.
 * Zero differences are dropped; tied |d| get average ranks. For n <= 50 the
 * exact permutation distribution is computed (on doubled ranks, so average
 * ranks stay integers; this is exact with ties too). Above that, the normal
 * approximation with tie-corrected variance and a 0.5 continuity correction.
 * p = min(1, 2·min(P(W+ <= w), P(W+ >= w))). With no non-zero difference,
 * p = 1.
 * All of 1, 2, 3 positive: W+ = 6, reached by 1 of the 8 sign patterns, p = 2/8;
 * with −2 the positive ranks are 1 and 3:
 * @example wilcoxonSignedRank([1, 2, 3]).p // 0.25
 * @example wilcoxonSignedRank([1, -2, 3]).wPlus // 4
 * @example wilcoxonSignedRank([0, 0]).p // 1
 */
export function wilcoxonSignedRank(diffs: readonly number[]): WilcoxonResult {
  const d = diffs.filter((x) => {
    if (!Number.isFinite(x)) throw new RangeError('wilcoxonSignedRank: differences must be finite');
    return x !== 0;
  });
  const n = d.length;
  if (n === 0) return { n: 0, wPlus: 0, p: 1, method: 'exact' };
  const abs = d.map(Math.abs);
  const ranks = averageRanks(abs);
  let wPlus = 0;
  d.forEach((x, i) => {
    if (x > 0) wPlus += ranks[i] as number;
  });
  if (n <= WILCOXON_EXACT_MAX_N) {
    return { n, wPlus, p: exactP(ranks, wPlus), method: 'exact' };
  }
  const mu = (n * (n + 1)) / 4;
  const tieAdj = tieGroupSizes(abs).reduce((s, t) => s + (t * t * t - t), 0) / 48;
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieAdj);
  if (sigma === 0) return { n, wPlus, p: 1, method: 'normal' };
  const z = Math.max(0, Math.abs(wPlus - mu) - 0.5) / sigma;
  return { n, wPlus, p: Math.min(1, 2 * normalCdf(-z)), method: 'normal' };
}

function exactP(ranks: readonly number[], wPlus: number): number {
  const doubled = ranks.map((r) => Math.round(2 * r));
  const total = doubled.reduce((s, r) => s + r, 0);
  // dist[s] = P(sum of doubled ranks of positive signs = s); each sign is a
  // fair coin under H0, so probabilities are halved per rank (no overflow).
  let dist = new Float64Array(total + 1);
  dist[0] = 1;
  let reach = 0;
  for (const r of doubled) {
    const next = new Float64Array(total + 1);
    for (let s = 0; s <= reach; s++) {
      const v = (dist[s] as number) / 2;
      if (v === 0) continue;
      next[s] = (next[s] as number) + v;
      next[s + r] = (next[s + r] as number) + v;
    }
    reach += r;
    dist = next;
  }
  const w = Math.round(2 * wPlus);
  let lower = 0;
  let upper = 0;
  for (let s = 0; s <= total; s++) {
    const v = dist[s] as number;
    if (s <= w) lower += v;
    if (s >= w) upper += v;
  }
  return Math.min(1, 2 * Math.min(lower, upper));
}
