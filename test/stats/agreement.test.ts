import { describe, expect, it } from 'vitest';
import { icc, krippendorffAlpha } from '../../src/stats/agreement.js';

// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": four
// observers, twelve units, missing data. Published: nominal α = 0.743,
// interval α = 0.849. Rows are units, columns observers A–D.
const KRIPP = [
  [1, 1, null, 1],
  [2, 2, 3, 2],
  [3, 3, 3, 3],
  [3, 3, 3, 3],
  [2, 2, 2, 2],
  [1, 2, 3, 4],
  [4, 4, 4, 4],
  [1, 1, 2, 1],
  [2, 2, 2, 2],
  [null, 5, 5, 5],
  [null, null, 1, 1],
  [null, 3, null, null],
];

describe('krippendorffAlpha', () => {
  it('reproduces the published example (nominal 0.743, interval 0.849)', () => {
    const nominal = krippendorffAlpha(KRIPP, 'nominal');
    const interval = krippendorffAlpha(KRIPP, 'interval');
    expect(Number((nominal.alpha as number).toFixed(3))).toBe(0.743);
    expect(Number((interval.alpha as number).toFixed(3))).toBe(0.849);
    // Unit 12 has a single value and is not pairable.
    expect(interval).toMatchObject({ n: 40, units: 11 });
  });

  it('is 1 under perfect agreement with variation, and null with no variation at all', () => {
    expect(
      krippendorffAlpha([
        [1, 1],
        [5, 5, null],
        [3, 3, 3],
      ]).alpha,
    ).toBe(1);
    expect(
      krippendorffAlpha([
        [2, 2],
        [2, 2],
      ]).alpha,
    ).toBeNull();
    expect(krippendorffAlpha([[1], [2]]).alpha).toBeNull();
  });

  it('is negative when raters disagree more than chance (hand-computed case)', () => {
    // Units (1, 2) and (2, 1): each unit has 2 ordered pairs with δ = 1,
    // so D_o = (2/1 + 2/1) / 4 = 1. Pooled {1, 2, 2, 1}: 8 of 12 ordered
    // pairs differ, D_e = 8/12. alpha = 1 − 1 / (2/3) = −0.5.
    expect(
      krippendorffAlpha([
        [1, 2],
        [2, 1],
      ]).alpha,
    ).toBeCloseTo(-0.5, 14);
  });

  it('rejects non-finite ratings', () => {
    expect(() => krippendorffAlpha([[1, Number.NaN]])).toThrow(RangeError);
  });
});

describe('icc', () => {
  // Shrout & Fleiss (1979), Table 2: six targets rated by four judges.
  // Published: ICC(1,1) = .17, ICC(2,1) = .29, ICC(3,1) = .71.
  const SF = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
  ];

  it('reproduces Shrout & Fleiss', () => {
    const r = icc(SF);
    expect(r.n).toBe(6);
    expect(r.k).toBe(4);
    expect(Number((r.icc1 as number).toFixed(2))).toBe(0.17);
    expect(Number((r.icc21 as number).toFixed(2))).toBe(0.29);
    expect(Number((r.icc31 as number).toFixed(2))).toBe(0.71);
  });

  it('is 1 for identical raters and drops incomplete rows', () => {
    const r = icc([
      [1, 1],
      [4, 4],
      [2, 2],
      [3, null],
    ]);
    expect(r.n).toBe(3);
    expect(r.icc21).toBeCloseTo(1, 14);
  });

  it('penalises a constant offset in ICC(2,1) but not in ICC(3,1)', () => {
    const r = icc([
      [1, 3],
      [2, 4],
      [5, 7],
      [3, 5],
    ]);
    expect(r.icc31).toBeCloseTo(1, 14);
    expect(r.icc21 as number).toBeLessThan(0.9);
  });

  it('returns nulls when undefined', () => {
    expect(icc([[1, 2]]).icc21).toBeNull();
    expect(
      icc([
        [3, 3],
        [3, 3],
      ]).icc21,
    ).toBeNull();
  });
});
