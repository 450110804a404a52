import { describe, expect, it } from 'vitest';
import { pairedMde, pairedMdeT, pairedRequiredN, signTestCriticalWins, signTestMde, signTestPower } from '../../src/stats/power.js';

function choose(n: number, k: number): number {
  let c = 1;
  for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1);
  return c;
}

/** Reference power by plain pmf summation (fine for small n). */
function bruteForcePower(n: number, c: number, p: number): number {
  let s = 0;
  for (let k = 0; k <= n; k++) {
    if (k >= c || k <= n - c) s += choose(n, k) * p ** k * (1 - p) ** (n - k);
  }
  return s;
}

describe('signTestCriticalWins', () => {
  it('matches hand-computed critical values', () => {
    // n = 10: 2·P(X >= 9) = 22/1024 <= 0.05 but 2·P(X >= 8) = 112/1024 > 0.05.
    expect(signTestCriticalWins(10)).toBe(9);
    // n = 20: 2·21700/2^20 = 0.0414; adding k = 14 gives 0.1153.
    expect(signTestCriticalWins(20)).toBe(15);
    // n = 6: only 6–0 is significant (p = 0.03125).
    expect(signTestCriticalWins(6)).toBe(6);
    // n = 5: even 5–0 has p = 0.0625.
    expect(signTestCriticalWins(5)).toBeNull();
  });

  it('is consistent with larger n (big n runs in linear time)', () => {
    const c = signTestCriticalWins(5000) as number;
    expect(c).toBeGreaterThan(2500);
    expect(signTestPower(5000, 0.5)).toBeLessThanOrEqual(0.05);
  });
});

describe('signTestMde', () => {
  it('finds the smallest win rate with the requested exact power', () => {
    const r = signTestMde(20) as NonNullable<ReturnType<typeof signTestMde>>;
    expect(r.criticalWins).toBe(15);
    expect(r.p1).toBeGreaterThan(0.5);
    expect(bruteForcePower(20, 15, r.p1)).toBeGreaterThanOrEqual(0.8);
    expect(bruteForcePower(20, 15, r.p1 - 1e-6)).toBeLessThan(0.8);
    expect(r.achievedPower).toBeCloseTo(bruteForcePower(20, 15, r.p1), 12);
    expect(r.actualAlpha).toBeCloseTo((2 * 21700) / 2 ** 20, 14);
  });

  it('shrinks with n and grows with the power target', () => {
    const small = signTestMde(100)?.p1 as number;
    const large = signTestMde(1000)?.p1 as number;
    expect(large).toBeLessThan(small);
    expect(signTestMde(100, 0.05, 0.9)?.p1 as number).toBeGreaterThan(small);
    expect(signTestMde(4)).toBeNull();
    expect(() => signTestMde(10, 0, 0.8)).toThrow(RangeError);
  });
});

describe('paired mean difference planning', () => {
  it('uses (z_{1−α/2} + z_power) · sd / √n', () => {
    expect(pairedMde(1, 100)).toBeCloseTo((1.959963984540054 + 0.8416212335729143) / 10, 12);
    expect(pairedMde(2, 25, 0.01, 0.9)).toBeCloseTo(((2.5758293035489 + 1.2815515655446004) * 2) / 5, 10);
  });

  it('inverts to a required sample size', () => {
    // (2.8016 / 0.5)^2 = 31.4 -> 32 samples.
    expect(pairedRequiredN(1, 0.5)).toBe(32);
    expect(pairedMde(1, 32)).toBeLessThanOrEqual(0.5);
    expect(pairedMde(1, 31)).toBeGreaterThan(0.5);
    expect(() => pairedRequiredN(1, 0)).toThrow(RangeError);
  });
});

describe('t-based minimum detectable difference', () => {
  // The pair: at n = 60 the normal approximation says 6.31 and the t
  // version 6.42. The sd that gives exactly 6.31 under the normal formula is
  // 6.31·√60 / (z_0.975 + z_0.8) = 17.446212063489952; the t version is then
  // (t_0.975,59 + t_0.8,59)·sd/√60 with SciPy's t.ppf values 2.000995378088267
  // and 0.8477559493813871, i.e. 6.416232053237755.
  const sd = (6.31 * Math.sqrt(60)) / (1.959963984540054 + 0.8416212335729143);

  it('reproduces 6.31 (normal) against 6.42 (t) at n = 60', () => {
    expect(sd).toBeCloseTo(17.446212063489952, 10);
    expect(pairedMde(sd, 60)).toBeCloseTo(6.31, 10);
    expect(pairedMdeT(sd, 60) as number).toBeCloseTo(6.416232053237755, 9);
    expect((pairedMdeT(sd, 60) as number).toFixed(2)).toBe('6.42');
  });

  it('matches a small-n hand computation and approaches the normal value for large n', () => {
    // n = 5, sd = 1: (t_0.975,4 + t_0.8,4)/√5 = (2.7764451051977934 + 0.9409645772351816)/√5.
    expect(pairedMdeT(1, 5) as number).toBeCloseTo((2.7764451051977934 + 0.9409645772351816) / Math.sqrt(5), 9);
    const big = pairedMdeT(1, 100000) as number;
    expect(big / pairedMde(1, 100000)).toBeCloseTo(1, 4);
    expect(big).toBeGreaterThan(pairedMde(1, 100000));
  });

  it('is not estimable when sd = 0 or n < 2', () => {
    expect(pairedMdeT(0, 60)).toBeNull();
    expect(pairedMdeT(3, 1)).toBeNull();
    expect(pairedMdeT(3, 0)).toBeNull();
    expect(() => pairedMdeT(-1, 10)).toThrow(RangeError);
    expect(() => pairedMdeT(Number.NaN, 10)).toThrow(RangeError);
    expect(() => pairedMdeT(1, 10, 0.05, 1)).toThrow(RangeError);
  });
});
