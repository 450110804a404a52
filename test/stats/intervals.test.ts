import { describe, expect, it } from 'vitest';
import { percentileInterval, quantileSorted, wilsonInterval } from '../../src/stats/intervals.js';

const r4 = (ci: [number, number] | null): [number, number] | null => (ci ? [Number(ci[0].toFixed(4)), Number(ci[1].toFixed(4))] : null);

describe('wilsonInterval', () => {
  it('reproduces Newcombe (1998) method 3 examples', () => {
    expect(r4(wilsonInterval(81, 263))).toEqual([0.2553, 0.3662]);
    expect(r4(wilsonInterval(15, 148))).toEqual([0.0624, 0.1605]);
    expect(r4(wilsonInterval(0, 20))).toEqual([0, 0.1611]);
  });

  it('is symmetric under swapping successes and failures', () => {
    const a = wilsonInterval(3, 17) as [number, number];
    const b = wilsonInterval(14, 17) as [number, number];
    expect(a[0]).toBeCloseTo(1 - b[1], 14);
    expect(a[1]).toBeCloseTo(1 - b[0], 14);
    expect((wilsonInterval(20, 20) as [number, number])[1]).toBe(1);
  });

  it('widens with the confidence level and is null for n = 0', () => {
    const w95 = wilsonInterval(30, 100) as [number, number];
    const w99 = wilsonInterval(30, 100, 0.99) as [number, number];
    expect(w99[0]).toBeLessThan(w95[0]);
    expect(w99[1]).toBeGreaterThan(w95[1]);
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(() => wilsonInterval(5, 3)).toThrow(RangeError);
  });
});

describe('quantiles', () => {
  it('interpolate linearly between order statistics (type 7)', () => {
    const s = [1, 2, 3, 4, 10];
    expect(quantileSorted(s, 0)).toBe(1);
    expect(quantileSorted(s, 1)).toBe(10);
    expect(quantileSorted(s, 0.5)).toBe(3);
    expect(quantileSorted(s, 0.9)).toBeCloseTo(7.6, 12);
    expect(() => quantileSorted([], 0.5)).toThrow(RangeError);
  });

  it('give central percentile intervals of unsorted input', () => {
    const values = Array.from({ length: 101 }, (_, i) => 100 - i);
    expect(percentileInterval(values, 0.9)).toEqual([5, 95]);
  });
});
