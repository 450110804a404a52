// Multiple-comparison adjustment for a family of tests (e.g. one candidate
// against several baselines on several metrics).
import type { PValue } from './binomial.js';

const MIN_NORMAL = 2.2250738585072014e-308;

function toPValue(v: number | PValue): PValue {
  if (typeof v === 'number') {
    if (!(v >= 0 && v <= 1)) throw new RangeError(`p-values must be in [0, 1], got ${v}`);
    return { p: v, log10p: Math.log10(v) };
  }
  return v;
}

/** min(1, k·p) as a PValue; multiplies directly when p is representable. */
function scale(v: PValue, k: number): PValue {
  const log10p = Math.min(0, Math.log10(k) + v.log10p);
  const p = v.p >= MIN_NORMAL ? Math.min(1, k * v.p) : Math.pow(10, log10p);
  return { p, log10p };
}

/**
 * Holm–Bonferroni step-down adjusted p-values, returned in input order:
 * sorted ascending, p_adj(i) = max over j <= i of min(1, (m - j + 1)·p(j)).
 * Monotone in the sorted order and capped at 1. Ranks and compares on log10 p
 * so that underflowed p-values (p = 0, log10p = -700) still order and adjust
 * exactly: pass PValue objects to keep that precision, plain numbers otherwise.
 * Sorted 0.01, 0.03, 0.04 times 3, 2, 1 is 0.03, 0.06, 0.04; the running maximum makes the last 0.06:
 * @example holmAdjust([0.01, 0.04, 0.03]).map((v) => v.p) // ≈ [0.03, 0.06, 0.06]
 */
export function holmAdjust(pvalues: ReadonlyArray<number | PValue>): PValue[] {
  const m = pvalues.length;
  const ps = pvalues.map(toPValue);
  const order = ps.map((_, i) => i).sort((a, b) => (ps[a] as PValue).log10p - (ps[b] as PValue).log10p || a - b);
  const out: PValue[] = new Array<PValue>(m);
  let running: PValue = { p: 0, log10p: Number.NEGATIVE_INFINITY };
  order.forEach((idx, rank) => {
    const adj = scale(ps[idx] as PValue, m - rank);
    if (adj.log10p > running.log10p) running = adj;
    out[idx] = { ...running };
  });
  return out;
}

/**
 * Bonferroni adjustment min(1, m·p), for comparison with Holm.
 * @example bonferroniAdjust([0.01, 0.5]).map((v) => v.p) // ≈ [0.02, 1]
 */
export function bonferroniAdjust(pvalues: ReadonlyArray<number | PValue>): PValue[] {
  return pvalues.map((v) => scale(toPValue(v), pvalues.length));
}
