import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed, hashString, seedToUint32 } from '../../src/stats/rng.js';

const draw = (seed: number | string, k: number): number[] => {
  const r = createRng(seed);
  return Array.from({ length: k }, () => r.next());
};

describe('createRng', () => {
  it('repeats the same stream for the same seed', () => {
    expect(draw(42, 20)).toEqual(draw(42, 20));
    expect(draw('run-1', 20)).toEqual(draw('run-1', 20));
  });

  it('gives different streams for different seeds, including 7 vs "7"', () => {
    expect(draw(1, 5)).not.toEqual(draw(2, 5));
    expect(draw(7, 5)).not.toEqual(draw('7', 5));
    expect(draw('s1', 5)).not.toEqual(draw('s2', 5));
  });

  it('draws uniform floats in [0, 1)', () => {
    const xs = draw(123, 20000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(m).toBeGreaterThan(0.49);
    expect(m).toBeLessThan(0.51);
    // Each decile gets about a tenth.
    const bins = new Array(10).fill(0);
    for (const x of xs) bins[Math.floor(x * 10)]++;
    for (const b of bins) expect(Math.abs(b - 2000)).toBeLessThan(200);
  });

  it('draws integers in [0, n) covering every value', () => {
    const r = createRng('ints');
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(r.int(7));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(() => r.int(0)).toThrow(RangeError);
    expect(() => r.int(2.5)).toThrow(RangeError);
  });
});

describe('seeds', () => {
  it('uses small non-negative integers as they are and hashes the rest', () => {
    expect(seedToUint32(5)).toBe(5);
    expect(seedToUint32(-5)).not.toBe(seedToUint32(5));
    expect(seedToUint32(1.5)).toBe(seedToUint32(1.5));
    expect(Number.isInteger(seedToUint32('abc'))).toBe(true);
  });

  it('hashes strings to 32-bit values, distinct for near-identical strings', () => {
    const h = hashString('sample-1');
    expect(h).toBeGreaterThanOrEqual(0);
    expect(h).toBeLessThan(2 ** 32);
    expect(hashString('sample-1')).not.toBe(hashString('sample-2'));
  });

  it('derives independent, reproducible sub-seeds per label', () => {
    expect(deriveSeed(1, 'modelA')).toBe(deriveSeed(1, 'modelA'));
    expect(deriveSeed(1, 'modelA')).not.toBe(deriveSeed(1, 'modelB'));
    expect(deriveSeed(1, 'modelA')).not.toBe(deriveSeed(2, 'modelA'));
  });
});
