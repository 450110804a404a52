import { describe, expect, it } from 'vitest';
import { alphaFromMoments, createRng, krippendorffAlpha } from '../../src/stats/index.js';

const moments = (row: Array<number | null>) => {
  const v = row.filter((x): x is number => x !== null);
  return { n: v.length, sum: v.reduce((a, b) => a + b, 0), sumSq: v.reduce((a, b) => a + b * b, 0) };
};

describe('alphaFromMoments', () => {
  it('equals the matrix form of interval alpha, missing values included', () => {
    const rng = createRng(7);
    const matrix = Array.from({ length: 40 }, () => {
      const truth = rng.int(10);
      return Array.from({ length: 3 }, () => (rng.next() < 0.15 ? null : truth + rng.int(3) - 1));
    });
    const expected = krippendorffAlpha(matrix, 'interval');
    const got = alphaFromMoments(matrix.map(moments));
    expect(got.n).toBe(expected.n);
    expect(got.alpha).not.toBeNull();
    expect(got.alpha!).toBeCloseTo(expected.alpha!, 12);
  });

  it('is 1 for perfect agreement and null without pairable units', () => {
    expect(alphaFromMoments([moments([3, 3]), moments([7, 7, 7])]).alpha).toBe(1);
    expect(alphaFromMoments([moments([3]), moments([5])]).alpha).toBeNull();
  });
});
