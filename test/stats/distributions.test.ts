import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile, normalSf, sigmoid, studentTCdf, studentTTwoSidedP } from '../../src/stats/distributions.js';

describe('normal distribution', () => {
  it('gives the textbook values', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 14);
    // Far tail, relative accuracy: Φ(−10) = 7.619853024160527e-24.
    expect(normalCdf(-10) / 7.619853024160527e-24).toBeCloseTo(1, 10);
    expect(normalSf(10)).toBe(normalCdf(-10));
  });

  it('inverts to ~1e-9 or better, including the far tails', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.8)).toBeCloseTo(0.8416212335729143, 12);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 14);
    for (const p of [1e-300, 1e-20, 1e-6, 0.01, 0.02425, 0.3, 0.7, 0.97575, 0.999]) {
      const z = normalQuantile(p);
      expect(Math.abs(normalCdf(z) - p) / Math.min(p, 1 - p)).toBeLessThan(1e-9);
    }
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(() => normalQuantile(1.5)).toThrow(RangeError);
  });
});

describe('Student t distribution', () => {
  it('matches the Cauchy closed form for df = 1', () => {
    for (const t of [-3, -0.5, 0, 1, 12.7062047361747]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
    }
  });

  it('matches the closed form for df = 2', () => {
    for (const t of [-4, -1, 0.3, 2, 9]) {
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 12);
    }
  });

  it('reproduces table critical values and tends to the normal for large df', () => {
    expect(studentTTwoSidedP(2.228138851986274, 10)).toBeCloseTo(0.05, 10);
    expect(studentTTwoSidedP(2.0, 1e6)).toBeCloseTo(2 * normalCdf(-2), 6);
    expect(studentTTwoSidedP(Infinity, 5)).toBe(0);
    expect(() => studentTCdf(1, 0)).toThrow(RangeError);
  });
});

describe('sigmoid', () => {
  it('is stable at extreme inputs', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(800)).toBe(1);
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(2) + sigmoid(-2)).toBeCloseTo(1, 15);
  });
});
