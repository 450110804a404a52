// Number formatting shared by every report, so the same value prints the same
// everywhere. Only toFixed/toExponential are used (locale-independent);
// missing or non-finite values print as "n/a"; negative zero prints as zero.
import type { Interval } from './intervals.js';

export const NA = 'n/a';

const MIN_NORMAL = 2.2250738585072014e-308;

function fixed(x: number | null | undefined, digits: number): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return NA;
  const s = x.toFixed(digits);
  // "-0.00" comes from tiny negatives; it is zero at the printed precision.
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** A score with 2 decimals: 61.234 -> "61.23". */
export function fmtScore(x: number | null | undefined): string {
  return fixed(x, 2);
}

/** A value already in percent, 1 decimal: 51.4 -> "51.4" (no % sign). */
export function fmtPct(percent: number | null | undefined): string {
  return fixed(percent, 1);
}

/** A signed difference (e.g. net win rate in points): 24.6 -> "+24.6", -3 -> "-3.0", 0 -> "0.0". */
export function fmtSigned(x: number | null | undefined, digits = 1): string {
  const s = fixed(x, digits);
  if (s === NA || s.startsWith('-') || Number(s) === 0) return s;
  return `+${s}`;
}

/** An interval as "[lo, hi]" with the given formatter for each end. */
export function fmtCi(ci: Interval | null | undefined, f: (x: number) => string = fmtScore): string {
  return ci ? `[${f(ci[0])}, ${f(ci[1])}]` : NA;
}

function sci(mantissa: string, exponent: number): string {
  const sign = exponent < 0 ? '-' : '+';
  const digits = String(Math.abs(exponent)).padStart(2, '0');
  return `${mantissa}e${sign}${digits}`;
}

/**
 * A p-value in scientific notation with 3 significant digits and at least two
 * exponent digits: 4.96e-10, 1.00e+00, 1.87e-602. When p is 0 or subnormal
 * (below ~2.2e-308, where doubles lose digits) it is printed from log10p;
 * without log10p such a p prints as "<2.23e-308".
 */
export function fmtP(p: number | null | undefined, log10p?: number | null): string {
  const haveLog = log10p !== null && log10p !== undefined && Number.isFinite(log10p);
  if (p !== null && p !== undefined && Number.isFinite(p) && p >= MIN_NORMAL) {
    const [m, e] = p.toExponential(2).split('e');
    return sci(m as string, Number(e));
  }
  if (haveLog) {
    let e = Math.floor(log10p);
    let m = Math.pow(10, log10p - e).toFixed(2);
    if (m === '10.00') {
      m = '1.00';
      e += 1;
    }
    return sci(m, e);
  }
  if (p === 0) return '<2.23e-308';
  if (p !== null && p !== undefined && p > 0 && p < MIN_NORMAL) {
    const [m, e] = p.toExponential(2).split('e');
    return sci(m as string, Number(e));
  }
  return NA;
}
