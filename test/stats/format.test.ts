import { describe, expect, it } from 'vitest';
import { fmtCi, fmtP, fmtPct, fmtScore, fmtSigned } from '../../src/stats/format.js';
import { signTest } from '../../src/stats/binomial.js';

describe('fmtScore / fmtPct / fmtSigned', () => {
  it('print fixed decimals without locale and without negative zero', () => {
    expect(fmtScore(61.234)).toBe('61.23');
    expect(fmtScore(1234567.891)).toBe('1234567.89');
    expect(fmtScore(-0.001)).toBe('0.00');
    expect(fmtScore(-1.5)).toBe('-1.50');
    expect(fmtPct(51.4)).toBe('51.4');
    expect(fmtPct(100)).toBe('100.0');
    expect(fmtSigned(24.6)).toBe('+24.6');
    expect(fmtSigned(-3)).toBe('-3.0');
    expect(fmtSigned(0)).toBe('0.0');
    expect(fmtSigned(-0.01)).toBe('0.0');
    expect(fmtSigned(0.125, 2)).toBe('+0.13');
  });

  it('print n/a for missing values', () => {
    expect(fmtScore(null)).toBe('n/a');
    expect(fmtPct(undefined)).toBe('n/a');
    expect(fmtSigned(Number.NaN)).toBe('n/a');
    expect(fmtCi(null)).toBe('n/a');
  });

  it('format intervals', () => {
    expect(fmtCi([0.2553, 0.3662])).toBe('[0.26, 0.37]');
    expect(fmtCi([25.53, 36.62], fmtPct)).toBe('[25.5, 36.6]');
  });
});

describe('fmtP', () => {
  it('prints 3 significant digits with a two-digit exponent', () => {
    expect(fmtP(4.960505016104609e-10)).toBe('4.96e-10');
    expect(fmtP(1)).toBe('1.00e+00');
    expect(fmtP(0.05)).toBe('5.00e-02');
    expect(fmtP(0.99999)).toBe('1.00e+00');
    expect(fmtP(1.866527237006463e-301)).toBe('1.87e-301');
  });

  it('prints underflowed p-values from log10p', () => {
    const t = signTest(2000, 0);
    expect(t.p).toBe(0);
    expect(fmtP(t.p, t.log10p)).toBe('1.74e-602');
    // Mantissa rounding up to 10 carries into the exponent.
    expect(fmtP(0, -2.0000001)).toBe('1.00e-02');
    expect(fmtP(0)).toBe('<2.23e-308');
    expect(fmtP(null)).toBe('n/a');
  });

  it('agrees between the p and log10p paths when both are usable', () => {
    const t = signTest(257, 134);
    expect(fmtP(t.p)).toBe(fmtP(Number.NaN, t.log10p));
  });
});
