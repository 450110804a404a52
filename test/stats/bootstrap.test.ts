import { describe, expect, it } from 'vitest';
import { bootstrap, bootstrapMeanCi, bootstrapMeans } from '../../src/stats/bootstrap.js';
import { createRng } from '../../src/stats/rng.js';

function normalSample(n: number, seed: number): number[] {
  const r = createRng(seed);
  return Array.from({ length: n }, () => {
    // Box–Muller: enough to produce a roughly normal test population.
    const u = 1 - r.next();
    const v = r.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  });
}

describe('bootstrapMeanCi', () => {
  it('is reproducible for a seed and changes with the seed', () => {
    const xs = normalSample(50, 3);
    expect(bootstrapMeanCi(xs, { seed: 9 })).toEqual(bootstrapMeanCi(xs, { seed: 9 }));
    expect(bootstrapMeanCi(xs, { seed: 9 })).not.toEqual(bootstrapMeanCi(xs, { seed: 10 }));
  });

  it('is close to the normal-theory interval for a large sample', () => {
    const xs = normalSample(400, 11);
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
    const half = (1.96 * sd) / Math.sqrt(xs.length);
    const [lo, hi] = bootstrapMeanCi(xs) as [number, number];
    expect(lo).toBeLessThan(m);
    expect(hi).toBeGreaterThan(m);
    expect((hi - lo) / (2 * half)).toBeGreaterThan(0.85);
    expect((hi - lo) / (2 * half)).toBeLessThan(1.15);
  });

  it('collapses for constant data and is null when empty', () => {
    expect(bootstrapMeanCi([4, 4, 4])).toEqual([4, 4]);
    expect(bootstrapMeanCi([])).toBeNull();
    expect(() => bootstrapMeanCi([1], { resamples: 0 })).toThrow(RangeError);
  });
});

describe('bootstrap (generic statistic)', () => {
  it('agrees with the specialised mean for the same seed', () => {
    const xs = normalSample(30, 5);
    const generic = bootstrap(xs, (s) => s.reduce((a, b) => a + b, 0) / s.length, { seed: 'x', resamples: 500 });
    const special = bootstrapMeanCi(xs, { seed: 'x', resamples: 500 }) as [number, number];
    expect(generic?.replicates.length).toBe(500);
    // Same stream, same summation order: the inlined generator must give identical digits.
    expect(generic?.ci).toEqual(special);
  });

  it('gives every resampled mean of the generic bootstrap, bit for bit, whatever the resample count (four at a time, then the rest)', () => {
    for (const n of [1, 2, 3, 31, 1001])
      for (const resamples of [1, 2, 3, 4, 5, 6, 7, 8, 9, 301]) {
        const xs = normalSample(n, n + resamples);
        const generic = bootstrap(xs, (s) => s.reduce((a, b) => a + b, 0) / s.length, { seed: `s${n}`, resamples })!;
        const special = bootstrapMeans(xs, resamples, `s${n}`);
        expect(special.length).toBe(resamples);
        // Object.is: the same bits, -0 and NaN included — not merely close.
        const differing = [...special].filter((m, r) => !Object.is(m, generic.replicates[r]));
        expect(differing).toEqual([]);
      }
  });

  it('agrees digit for digit at odd and even sizes (the specialised loop draws two at a time)', () => {
    for (const n of [1, 2, 3, 31, 32, 1001]) {
      const xs = normalSample(n, n);
      const generic = bootstrap(xs, (s) => s.reduce((a, b) => a + b, 0) / s.length, { seed: n, resamples: 301, level: 0.9 });
      expect(bootstrapMeanCi(xs, { seed: n, resamples: 301, level: 0.9 })).toEqual(generic?.ci);
    }
  });

  it('resamples only items that exist', () => {
    const out = bootstrap(['a', 'b'], (s) => s.filter((v) => v === 'a').length, { resamples: 200 });
    expect(out).not.toBeNull();
    const reps = [...(out?.replicates ?? [])];
    expect(Math.min(...reps)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...reps)).toBeLessThanOrEqual(2);
    expect(new Set(reps).size).toBe(3);
  });
});
