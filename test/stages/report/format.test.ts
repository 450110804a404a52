import { describe, expect, it } from 'vitest';
import { fmtFixed, fmtInt, fmtP, fmtPct, fmtScore, fmtShare, fmtSigned, MISSING } from '../../../src/core/format.js';

describe('fixed-decimal formats', () => {
  it('rounds scores to 2 and percentages to 1 decimal', () => {
    expect(fmtScore(Math.PI)).toBe('3.14');
    expect(fmtScore(7)).toBe('7.00');
    expect(fmtPct(51.44)).toBe('51.4');
    expect(fmtPct(0)).toBe('0.0');
    expect(fmtShare(257 / 391)).toBe('65.7');
    expect(fmtFixed(0.71234, 3)).toBe('0.712');
  });

  it('never prints a negative zero', () => {
    expect(fmtScore(-0.001)).toBe('0.00');
    expect(fmtPct(-0.04)).toBe('0.0');
    expect(fmtSigned(-0.04)).toBe('0.0');
    expect(fmtFixed(-0, 2)).toBe('0.00');
  });

  it('signs differences', () => {
    expect(fmtSigned(24.6)).toBe('+24.6');
    expect(fmtSigned(-3)).toBe('-3.0');
    expect(fmtSigned(0)).toBe('0.0');
    expect(fmtSigned(1.234, 2)).toBe('+1.23');
  });

  it('shows missing and non-finite values with the marker given', () => {
    expect(fmtScore(null)).toBe(MISSING);
    expect(fmtPct(undefined, '')).toBe('');
    expect(fmtSigned(Number.NaN, 1, 'n/a')).toBe('n/a');
    expect(fmtScore(Number.POSITIVE_INFINITY, '--')).toBe('--');
  });

  it('groups thousands without the locale', () => {
    expect(fmtInt(12345678)).toBe('12,345,678');
    expect(fmtInt(999)).toBe('999');
    expect(fmtInt(-1234)).toBe('-1,234');
    expect(fmtInt(0)).toBe('0');
  });
});

describe('fmtP', () => {
  it('prints three significant digits in scientific notation', () => {
    expect(fmtP(4.9612e-10, Math.log10(4.9612e-10))).toBe('4.96e-10');
    expect(fmtP(0.04999)).toBe('5.00e-2');
    expect(fmtP(1, 0)).toBe('1.00e+0');
  });

  it('prints p-values that underflow a double from log10p', () => {
    expect(fmtP(0, Math.log10(1.87) - 602)).toBe('1.87e-602');
    expect(fmtP(0, -602.3)).toBe('5.01e-603');
    // Subnormal: p itself has lost precision, log10p has not.
    expect(fmtP(1.2345e-310, Math.log10(1.2345) - 310)).toBe('1.23e-310');
  });

  it('carries a mantissa that rounds up to 10 into the exponent', () => {
    expect(fmtP(0, -5.0000001)).toBe('1.00e-5');
    // 10^0.9999 = 9.9977 → "10.00" → 1.00e-700, not "10.00e-701".
    expect(fmtP(0, -700.0001)).toBe('1.00e-700');
    expect(fmtP(0, -700.001)).toBe('9.98e-701');
  });

  it('falls back sensibly without log10p', () => {
    expect(fmtP(0)).toBe('0.00e+0');
    expect(fmtP(null)).toBe(MISSING);
    expect(fmtP(Number.NaN, null, '')).toBe('');
  });
});
