import { describe, expect, it } from 'vitest';
import { logBinomCdf, logBinomPmf, logBinomSf, pValueFromLn, signTest } from '../../src/stats/binomial.js';

// Exact reference by big-integer arithmetic: log10 of Σ_{j>=k} C(n, j) / 2^n.
function bigChooseRow(n: number): bigint[] {
  const row: bigint[] = [1n];
  for (let j = 1; j <= n; j++) row.push(((row[j - 1] as bigint) * BigInt(n - j + 1)) / BigInt(j));
  return row;
}
function log10Big(x: bigint): number {
  const s = x.toString();
  const head = Number(s.slice(0, 17));
  return Math.log10(head) + (s.length - Math.min(17, s.length));
}
function exactLog10UpperHalf(n: number, k: number): number {
  const row = bigChooseRow(n);
  let sum = 0n;
  for (let j = k; j <= n; j++) sum += row[j] as bigint;
  return log10Big(sum) - n * Math.log10(2);
}

describe('binomial tails', () => {
  it('match exact big-integer sums, including tails near 1e-37', () => {
    for (const [n, k] of [
      [30, 20],
      [30, 16],
      [1000, 600],
      [1000, 700],
    ] as const) {
      const log10 = logBinomSf(k, n, 0.5) / Math.LN10;
      expect(Math.abs(log10 - exactLog10UpperHalf(n, k))).toBeLessThan(1e-10);
    }
  });

  it('sum the pmf to 1 and split correctly into lower and upper tails', () => {
    const n = 25;
    const p = 0.3;
    let s = 0;
    for (let k = 0; k <= n; k++) s += Math.exp(logBinomPmf(k, n, p));
    expect(s).toBeCloseTo(1, 12);
    expect(Math.exp(logBinomCdf(9, n, p)) + Math.exp(logBinomSf(10, n, p))).toBeCloseTo(1, 12);
    expect(logBinomPmf(3, 5, 0)).toBe(-Infinity);
    expect(logBinomPmf(0, 5, 0)).toBe(0);
    expect(logBinomPmf(5, 5, 1)).toBe(0);
    expect(logBinomPmf(6, 5, 0.5)).toBe(-Infinity);
  });
});

describe('signTest', () => {
  it('gives hand-computed small cases', () => {
    // 5–0: 2 · (1/2)^5.
    expect(signTest(5, 0).p).toBeCloseTo(0.0625, 15);
    expect(signTest(0, 5).p).toBeCloseTo(0.0625, 15);
    // 8–2: 2 · (1 + 10 + 45) / 1024.
    expect(signTest(8, 2).p).toBeCloseTo(112 / 1024, 14);
    // 6–1 on 7 trials: 2 · (1 + 7) / 128.
    expect(signTest(1, 6).p).toBeCloseTo(16 / 128, 14);
  });

  it('returns p = 1 when wins equal losses, including no decisive comparison', () => {
    expect(signTest(3, 3)).toMatchObject({ p: 1, log10p: 0, n: 6 });
    expect(signTest(0, 0)).toMatchObject({ p: 1, log10p: 0, n: 0 });
    // Near-even splits cap at 1 instead of exceeding it.
    expect(signTest(4, 3).p).toBe(1);
  });

  it('matches the published check 257 wins vs 134 losses: p = 4.96e-10', () => {
    const t = signTest(257, 134);
    expect(t.n).toBe(391);
    expect(Number(t.p.toPrecision(3))).toBe(4.96e-10);
    expect(t.log10p).toBeCloseTo(Math.log10(t.p), 12);
  });

  it('stays accurate far below 1e-30 without underflow: 1000–0 = 2 · 0.5^1000', () => {
    const t = signTest(1000, 0);
    expect(t.p).toBeGreaterThan(0);
    expect(t.p / Math.pow(2, -999)).toBeCloseTo(1, 11);
    expect(Number(t.p.toPrecision(4))).toBe(1.867e-301);
  });

  it('reports log10p when p underflows: 2000–0 has log10 p = −1999 · log10 2', () => {
    const t = signTest(2000, 0);
    expect(Number.isFinite(t.log10p)).toBe(true);
    expect(t.log10p).toBeCloseTo(-1999 * Math.log10(2), 9);
    expect(t.p).toBe(Math.pow(10, t.log10p));
  });

  it('rejects non-integer or negative counts', () => {
    expect(() => signTest(1.5, 2)).toThrow(RangeError);
    expect(() => signTest(-1, 2)).toThrow(RangeError);
  });

  it('caps p at 1 in pValueFromLn', () => {
    expect(pValueFromLn(0.3)).toEqual({ p: 1, log10p: 0 });
  });
});
