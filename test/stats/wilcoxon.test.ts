import { describe, expect, it } from 'vitest';
import { wilcoxonSignedRank } from '../../src/stats/wilcoxon.js';
import { averageRanks, tieGroupSizes } from '../../src/stats/ranks.js';
import { normalCdf } from '../../src/stats/distributions.js';

/** Two-sided p by enumerating all 2^n sign patterns of the given ranks. */
function bruteForceP(ranks: number[], wPlus: number): number {
  const n = ranks.length;
  let lower = 0;
  let upper = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    let s = 0;
    for (let i = 0; i < n; i++) if (mask & (1 << i)) s += ranks[i] as number;
    if (s <= wPlus + 1e-9) lower++;
    if (s >= wPlus - 1e-9) upper++;
  }
  return Math.min(1, (2 * Math.min(lower, upper)) / 2 ** n);
}

describe('averageRanks', () => {
  it('gives tied values the mean of their ranks', () => {
    expect(averageRanks([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4]);
    expect(averageRanks([3, 1, 2])).toEqual([3, 1, 2]);
    expect(averageRanks([5, 5, 5])).toEqual([2, 2, 2]);
    expect(tieGroupSizes([1, 2, 2, 3, 3, 3])).toEqual([2, 3]);
  });
});

describe('wilcoxonSignedRank', () => {
  it('is exact for small n without ties', () => {
    const r = wilcoxonSignedRank([1, -2, 3, 4, 5, 6, -7, 8]);
    expect(r).toMatchObject({ n: 8, wPlus: 27, method: 'exact' });
    expect(r.p).toBeCloseTo(bruteForceP([1, 2, 3, 4, 5, 6, 7, 8], 27), 14);
    // All five positive: 2 · (1/2)^5.
    expect(wilcoxonSignedRank([1, 2, 3, 4, 5]).p).toBeCloseTo(0.0625, 15);
  });

  it('is exact with tied |d| (average ranks) and drops zeros', () => {
    // Non-zero |d|: 1, 2, 2, 3, 3, 3, 4 -> ranks 1, 2.5, 2.5, 5, 5, 5, 7.
    const r = wilcoxonSignedRank([1, -2, 2, 3, -3, 3, 0, 4]);
    expect(r.n).toBe(7);
    expect(r.wPlus).toBe(1 + 2.5 + 5 + 5 + 7);
    expect(r.p).toBeCloseTo(bruteForceP([1, 2.5, 2.5, 5, 5, 5, 7], r.wPlus), 14);
  });

  it('returns p = 1 with no non-zero difference', () => {
    expect(wilcoxonSignedRank([0, 0])).toEqual({ n: 0, wPlus: 0, p: 1, method: 'exact' });
  });

  it('uses a normal approximation for large n that is close to the exact value', () => {
    // 60 distinct |d| = 1..60; negative signs on the odd ranks 1..49
    // (sum 625), so W+ = 1830 − 625 and p is moderate (~0.03).
    const diffs = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 && i < 49 ? -(i + 1) : i + 1));
    const r = wilcoxonSignedRank(diffs);
    expect(r.method).toBe('normal');
    expect(r.wPlus).toBe(1830 - 625);
    // Exact reference by counting subsets of {1..60} with a given sum.
    const max = 1830;
    let counts = new Array<number>(max + 1).fill(0);
    counts[0] = 1;
    for (let k = 1; k <= 60; k++) {
      const next = counts.slice();
      for (let s = 0; s + k <= max; s++) next[s + k] = (next[s + k] as number) + (counts[s] as number);
      counts = next;
    }
    let upper = 0;
    for (let s = r.wPlus; s <= max; s++) upper += counts[s] as number;
    const exact = (2 * upper) / 2 ** 60;
    expect(exact).toBeGreaterThan(0.01);
    expect(exact).toBeLessThan(0.1);
    expect(Math.abs(r.p - exact) / exact).toBeLessThan(0.05);
  });

  it('applies the tie correction in the normal approximation', () => {
    // 60 differences with heavy ties; the tie-corrected variance is smaller.
    const diffs = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? -1 : 1) * (1 + (i % 4)));
    const r = wilcoxonSignedRank(diffs);
    const n = 60;
    const mu = (n * (n + 1)) / 4;
    const plain = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24);
    // |d| takes the values 1..4, fifteen times each.
    const corrected = Math.sqrt(plain * plain - (4 * (15 ** 3 - 15)) / 48);
    const z = (Math.abs(r.wPlus - mu) - 0.5) / corrected;
    const zPlain = (Math.abs(r.wPlus - mu) - 0.5) / plain;
    expect(z).toBeGreaterThan(zPlain);
    expect(r.p).toBeCloseTo(2 * normalCdf(-z), 14);
    expect(r.p).toBeLessThan(2 * normalCdf(-zPlain));
  });
});
