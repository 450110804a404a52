import { describe, expect, it } from 'vitest';
import { pairedComparison, pairedTTest } from '../../src/stats/paired.js';

describe('pairedTTest', () => {
  it('matches the df = 2 closed form P(|T| > t) = 1 − t / √(2 + t²)', () => {
    const r = pairedTTest([1, 2, 4]);
    const m = 7 / 3;
    const sd = Math.sqrt(42 / 18);
    const t = m / (sd / Math.sqrt(3));
    expect(r?.df).toBe(2);
    expect(r?.t).toBeCloseTo(t, 12);
    expect(r?.p).toBeCloseTo(1 - t / Math.sqrt(2 + t * t), 12);
  });

  it('is symmetric in the sign of the differences', () => {
    const a = pairedTTest([0.5, -1, 2, 3, 1.5]);
    const b = pairedTTest([-0.5, 1, -2, -3, -1.5]);
    expect(b?.t).toBeCloseTo(-(a?.t as number), 12);
    expect(b?.p).toBeCloseTo(a?.p as number, 14);
  });

  it('handles degenerate inputs', () => {
    expect(pairedTTest([1])).toBeNull();
    expect(pairedTTest([0, 0, 0])).toEqual({ t: 0, df: 2, p: 1 });
    expect(pairedTTest([2, 2, 2])).toEqual({ t: Infinity, df: 2, p: 0 });
  });
});

describe('pairedComparison', () => {
  const a = new Map([
    ['s1', 70],
    ['s2', 65],
    ['s3', 80],
    ['s4', 72],
    ['s5', 60],
    ['only-a', 99],
  ]);
  const b = new Map([
    ['s5', 58],
    ['s4', 70],
    ['s3', 75],
    ['s2', 66],
    ['s1', 66],
    ['only-b', 1],
  ]);

  it('uses only shared samples and reports a − b', () => {
    const r = pairedComparison(a, b, { seed: 4 });
    // Differences: 4, −1, 5, 2, 2.
    expect(r.n).toBe(5);
    expect(r.meanDiff).toBeCloseTo(2.4, 12);
    expect(r.sdDiff).toBeCloseTo(Math.sqrt((1.6 ** 2 + 3.4 ** 2 + 2.6 ** 2 + 0.16 + 0.16) / 4), 12);
    expect(r.tTest?.df).toBe(4);
    expect(r.wilcoxon?.n).toBe(5);
    const [lo, hi] = r.ci95 as [number, number];
    expect(lo).toBeLessThanOrEqual(2.4);
    expect(hi).toBeGreaterThanOrEqual(2.4);
    expect(lo).toBeGreaterThanOrEqual(-1);
    expect(hi).toBeLessThanOrEqual(5);
  });

  it('does not depend on map insertion order for a given seed', () => {
    const reversed = new Map([...a.entries()].reverse());
    expect(pairedComparison(reversed, b, { seed: 4 })).toEqual(pairedComparison(a, b, { seed: 4 }));
  });

  it('detects a consistent shift', () => {
    const x = new Map(Array.from({ length: 30 }, (_, i) => [`s${i}`, 50 + (i % 7)] as [string, number]));
    const y = new Map(Array.from({ length: 30 }, (_, i) => [`s${i}`, 47 + ((i * 3) % 5)] as [string, number]));
    const r = pairedComparison(x, y);
    expect(r.meanDiff).toBeGreaterThan(0);
    expect(r.tTest?.p).toBeLessThan(0.001);
    expect(r.wilcoxon?.p).toBeLessThan(0.001);
    expect((r.ci95 as [number, number])[0]).toBeGreaterThan(0);
  });

  it('returns nulls when nothing is shared', () => {
    const r = pairedComparison(new Map([['a', 1]]), new Map([['b', 1]]));
    expect(r).toEqual({ n: 0, meanDiff: null, sdDiff: null, ci95: null, tTest: null, wilcoxon: null });
  });
});
