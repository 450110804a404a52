import { describe, expect, it } from 'vitest';
import { studentTQuantile } from '../../src/stats/t-quantile.js';
import { studentTCdf } from '../../src/stats/distributions.js';

// Reference values: scipy.stats.t.ppf(p, df) (SciPy 1.17.1), typed in.
const SCIPY: Array<[number, number, number]> = [
  [0.975, 1, 12.706204736174694],
  [0.975, 2, 4.302652729749462],
  [0.975, 4, 2.7764451051977934],
  [0.95, 10, 1.8124611228116756],
  [0.999, 3, 10.214531852407383],
  [0.6, 7, 0.2631668613520229],
  [0.01, 5, -3.364929998907218],
  [0.975, 1000, 1.9623390808264083],
  [0.975, 59, 2.000995378088267],
  [0.8, 59, 0.8477559493813871],
  [0.975, 2.5, 3.5746548420036817],
];

describe('studentTQuantile', () => {
  it('matches SciPy', () => {
    for (const [p, df, ref] of SCIPY) expect(studentTQuantile(p, df)).toBeCloseTo(ref, 10);
  });

  it('matches the closed forms for df = 1 (Cauchy) and df = 2', () => {
    // df = 1: tan(π(p − 1/2)); df = 2: (2p − 1)·sqrt(2 / (4p(1 − p))).
    for (const p of [0.001, 0.2, 0.9, 0.9999]) {
      expect(studentTQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 8);
      expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) * Math.sqrt(2 / (4 * p * (1 - p))), 9);
    }
  });

  it('inverts the CDF and handles the edges', () => {
    for (const df of [0.5, 3, 30]) {
      for (const p of [1e-8, 0.3, 0.75]) expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 12);
    }
    expect(studentTQuantile(0.5, 4)).toBe(0);
    expect(studentTQuantile(0, 4)).toBe(-Infinity);
    expect(studentTQuantile(1, 4)).toBe(Infinity);
    expect(() => studentTQuantile(1.2, 4)).toThrow(RangeError);
    expect(() => studentTQuantile(0.5, 0)).toThrow(RangeError);
  });
});
