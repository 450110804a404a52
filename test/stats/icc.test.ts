import { describe, expect, it } from 'vitest';
import { intraclassCorrelation } from '../../src/stats/icc.js';

describe('intraclassCorrelation', () => {
  it('matches the hand-computed one-way ANOVA', () => {
    // Grand mean 4; cluster means 1.5, 3.5, 7: SSB = 2·(6.25 + 0.25 + 9) = 31, MSB = 15.5;
    // SSW = 0.5 + 0.5 + 8 = 9, MSW = 9/3 = 3; n₀ = (6 − 12/6)/2 = 2.
    const r = intraclassCorrelation([1, 2, 3, 4, 5, 9], ['a', 'a', 'b', 'b', 'c', 'c']);
    expect(r?.msBetween).toBeCloseTo(15.5, 12);
    expect(r?.msWithin).toBeCloseTo(3, 12);
    expect(r?.n0).toBeCloseTo(2, 12);
    expect(r?.icc).toBeCloseTo(12.5 / 18.5, 12);
    expect(r?.kishDesignEffect).toBeCloseTo(1 + 12.5 / 18.5, 12);
  });

  it('handles unequal sizes with n₀ and goes negative when clusters are more alike than chance', () => {
    // Sizes 1, 2, 3: n₀ = (6 − 14/6)/2 = 11/6.
    // Values: {4}, {2, 6}, {0, 4, 8}: every cluster mean is 4, so SSB = 0 and ICC < 0.
    const r = intraclassCorrelation([4, 2, 6, 0, 4, 8], ['a', 'b', 'b', 'c', 'c', 'c']);
    expect(r?.n0).toBeCloseTo(11 / 6, 12);
    expect(r?.msBetween).toBeCloseTo(0, 12);
    // SSW = 8 + 32 = 40 over N − G = 3: MSW = 40/3; ICC = −MSW/((n₀ − 1)·MSW) = −1/(5/6) = −1.2.
    expect(r?.icc).toBeCloseTo(-1.2, 12);
  });

  it('is null when not estimable', () => {
    expect(intraclassCorrelation([1, 2, 3], ['a', 'b', 'c'])).toBeNull(); // no cluster with 2 items
    expect(intraclassCorrelation([1, 2], ['a', 'a'])).toBeNull(); // one cluster
    expect(intraclassCorrelation([5, 5, 5, 5], ['a', 'a', 'b', 'b'])).toBeNull(); // no variation
  });
});
