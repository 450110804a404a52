// Number formatting shared by every report writer, so the CSV, Markdown,
// LaTeX and HTML files print the same figure the same way. Only
// Number.prototype.toFixed/toExponential are used: they ignore the locale,
// so a report rendered in Berlin is byte-identical to one rendered in Tokyo.

/** En dash: what the tables show for a missing value. */
export const MISSING = '\u2013';

const SMALLEST_NORMAL = 2.2250738585072014e-308;

function present(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

// toFixed keeps the sign of values that round to zero ("-0.00"); a table
// showing "-0.00" next to "0.00" suggests a difference that is not there.
function fixed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/**
 * Score (metric mean, Avg): two decimals.
 * @example fmtScore(3.14159) // '3.14'
 * @example fmtScore(null) // '–'
 */
export function fmtScore(x: number | null | undefined, missing = MISSING): string {
  return present(x) ? fixed(x, 2) : missing;
}

/**
 * A value already in percent (0–100): one decimal, no % sign.
 * @example fmtPct(24.56) // '24.6'
 */
export function fmtPct(x: number | null | undefined, missing = MISSING): string {
  return present(x) ? fixed(x, 1) : missing;
}

/**
 * A fraction (0–1) shown as a percentage with one decimal.
 * @example fmtShare(0.25) // '25.0'
 */
export function fmtShare(x: number | null | undefined, missing = MISSING): string {
  return present(x) ? fixed(100 * x, 1) : missing;
}

/**
 * Signed difference, e.g. net win rate "+24.6" / "-3.0"; zero has no sign.
 * @example fmtSigned(24.6) // '+24.6'
 * @example fmtSigned(-0.01) // '0.0'
 */
export function fmtSigned(x: number | null | undefined, digits = 1, missing = MISSING): string {
  if (!present(x)) return missing;
  const s = fixed(x, digits);
  return s.startsWith('-') || /^0(\.0*)?$/.test(s) ? s : `+${s}`;
}

/**
 * Fixed decimals for other statistics (alpha, correlations, coefficients).
 * @example fmtFixed(0.71234, 3) // '0.712'
 */
export function fmtFixed(x: number | null | undefined, digits: number, missing = MISSING): string {
  return present(x) ? fixed(x, digits) : missing;
}

/**
 * Integer with comma thousands separators ("1,234,567"), whatever the locale.
 * @example fmtInt(1234567) // '1,234,567'
 */
export function fmtInt(x: number | null | undefined, missing = MISSING): string {
  if (!present(x)) return missing;
  const s = fixed(x, 0);
  return s.replace(/\B(?=(\d{3})+$)/g, ',');
}

/**
 * p-value in scientific notation with three significant digits ("4.96e-10",
 * "1.00e+0"). A p below the smallest normal double has lost precision or
 * underflowed to 0, so it is printed from log10p instead ("1.87e-602").
 * @example fmtP(0.000123) // '1.23e-4'
 * @example fmtP(0, -602.5) // '3.16e-603'
 */
export function fmtP(p: number | null | undefined, log10p?: number | null, missing = MISSING): string {
  if (present(p) && p >= SMALLEST_NORMAL) return p.toExponential(2);
  if (present(log10p)) return fromLog10(log10p);
  if (p === 0) return '0.00e+0';
  return missing;
}

function fromLog10(log10p: number): string {
  let exp = Math.floor(log10p);
  let mantissa = Number(Math.pow(10, log10p - exp).toFixed(2));
  // 10^0.99999 rounds to 10.00: carry into the exponent like toExponential does.
  if (mantissa >= 10) {
    mantissa = 1;
    exp += 1;
  }
  return `${mantissa.toFixed(2)}e${exp < 0 ? '-' : '+'}${Math.abs(exp)}`;
}
