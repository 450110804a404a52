import { describe, expect, it } from 'vitest';
import { logChoose, logGamma, logSumExp, regularizedBeta, regularizedGammaQ } from '../../src/stats/special.js';

describe('logGamma', () => {
  it('matches log factorials computed by summation', () => {
    for (const n of [1, 2, 5, 10, 14, 15, 16, 50, 170]) {
      let lf = 0;
      for (let i = 2; i < n; i++) lf += Math.log(i);
      expect(logGamma(n)).toBeCloseTo(lf, 10);
    }
  });

  it('matches Γ(1/2) = √π and Γ(3/2) = √π / 2', () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(logGamma(1.5)).toBeCloseTo(0.5 * Math.log(Math.PI) - Math.LN2, 13);
  });

  it('is accurate for large arguments (ln 1000! to 1e-9 relative)', () => {
    let lf = 0;
    for (let i = 2; i <= 1000; i++) lf += Math.log(i);
    expect(Math.abs(logGamma(1001) - lf) / lf).toBeLessThan(1e-12);
  });

  it('returns Infinity outside the domain', () => {
    expect(logGamma(0)).toBe(Infinity);
    expect(logGamma(-1)).toBe(Infinity);
  });
});

describe('logChoose', () => {
  it('matches small binomial coefficients', () => {
    expect(Math.exp(logChoose(10, 3))).toBeCloseTo(120, 9);
    expect(Math.exp(logChoose(52, 5))).toBeCloseTo(2598960, 4);
    expect(logChoose(7, 0)).toBe(0);
    expect(logChoose(7, 7)).toBe(0);
    expect(logChoose(7, 8)).toBe(-Infinity);
  });
});

describe('logSumExp', () => {
  it('adds numbers far below exp underflow', () => {
    expect(logSumExp([-1000, -1000])).toBeCloseTo(-1000 + Math.LN2, 12);
    expect(logSumExp([Math.log(2), Math.log(3)])).toBeCloseTo(Math.log(5), 14);
    expect(logSumExp([])).toBe(-Infinity);
  });
});

describe('regularizedBeta', () => {
  it('matches closed forms I_x(1, b) = 1 − (1 − x)^b and I_x(a, 1) = x^a', () => {
    for (const x of [0.01, 0.3, 0.5, 0.9]) {
      expect(regularizedBeta(x, 1, 4)).toBeCloseTo(1 - (1 - x) ** 4, 13);
      expect(regularizedBeta(x, 3, 1)).toBeCloseTo(x ** 3, 13);
    }
  });

  it('is 1/2 at x = 1/2 for a = b and satisfies the reflection I_x(a,b) = 1 − I_{1−x}(b,a)', () => {
    expect(regularizedBeta(0.5, 7.5, 7.5)).toBeCloseTo(0.5, 13);
    expect(regularizedBeta(0.3, 2.5, 6)).toBeCloseTo(1 - regularizedBeta(0.7, 6, 2.5), 13);
  });

  it('handles the ends of [0, 1]', () => {
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
    expect(() => regularizedBeta(0.5, 0, 1)).toThrow(RangeError);
  });
});

describe('regularizedGammaQ', () => {
  it('matches Q(1, x) = e^−x on both evaluation branches', () => {
    for (const x of [0.1, 1, 1.9, 2.5, 10, 50]) {
      expect(regularizedGammaQ(1, x) / Math.exp(-x)).toBeCloseTo(1, 12);
    }
  });

  it('matches Q(2, x) = (1 + x) e^−x', () => {
    for (const x of [0.5, 3, 20]) expect(regularizedGammaQ(2, x) / ((1 + x) * Math.exp(-x))).toBeCloseTo(1, 12);
  });
});
