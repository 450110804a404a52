import { describe, expect, it } from 'vitest';
import { completePairs, kendallTauB, pearson, spearman } from '../../src/stats/correlation.js';

describe('pearson', () => {
  it('is ±1 for exact linear relations and matches a hand computation', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 14);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 14);
    // dx = (−1, 0, 1), dy = (−1, 1, 0): r = 1 / √(2 · 2).
    expect(pearson([1, 2, 3], [1, 3, 2])).toBeCloseTo(0.5, 14);
  });

  it('is null when undefined', () => {
    expect(pearson([1], [2])).toBeNull();
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(() => pearson([1, 2], [1])).toThrow(RangeError);
  });
});

describe('spearman', () => {
  it('uses average ranks for ties', () => {
    // Ranks x: 1, 2.5, 2.5, 4; y: 1, 3, 2, 4 -> 4.5 / √(4.5 · 5).
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(4.5 / Math.sqrt(22.5), 14);
  });

  it('is 1 for any monotone increasing relation', () => {
    expect(spearman([1, 2, 3, 4, 5], [1, 8, 27, 64, 125])).toBeCloseTo(1, 14);
  });
});

describe('kendallTauB', () => {
  it('matches the tie-corrected reference value −0.4714', () => {
    const tau = kendallTauB([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]);
    expect(Number((tau as number).toFixed(4))).toBe(-0.4714);
  });

  it('is ±1 for concordant/discordant orderings and null for a constant variable', () => {
    expect(kendallTauB([1, 2, 3, 4], [10, 20, 30, 40])).toBe(1);
    expect(kendallTauB([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
    expect(kendallTauB([1, 1, 1], [1, 2, 3])).toBeNull();
  });
});

describe('completePairs', () => {
  it('drops positions missing on either side', () => {
    expect(completePairs([1, null, 3, 4, Number.NaN], [5, 6, undefined, 8, 9])).toEqual([
      [1, 4],
      [5, 8],
    ]);
  });
});
