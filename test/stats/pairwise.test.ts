import { describe, expect, it } from 'vitest';
import { countOutcomes, creditSummary, pairwiseSummary } from '../../src/stats/pairwise.js';
import { fmtP, fmtPct, fmtSigned } from '../../src/core/format.js';

describe('pairwiseSummary', () => {
  it('matches the published check: 257/134/109 of 500', () => {
    const s = pairwiseSummary({ win: 257, loss: 134, tie: 109 });
    expect(s.n).toBe(500);
    expect([fmtPct(s.winPct), fmtPct(s.lossPct), fmtPct(s.tiePct)]).toEqual(['51.4', '26.8', '21.8']);
    expect(fmtSigned(s.net)).toBe('+24.6');
    expect(fmtPct(s.decisivePct)).toBe('65.7');
    expect(s.decisive).toBeCloseTo(257 / 391, 15);
    expect(fmtP(s.p, s.log10p)).toBe('4.96e-10');
  });

  it('gives a Wilson interval (in percent) around the decisive rate', () => {
    const s = pairwiseSummary({ win: 81, loss: 182, tie: 5 });
    const [lo, hi] = s.decisiveCi95 as [number, number];
    expect(lo).toBeCloseTo(25.53, 2);
    expect(hi).toBeCloseTo(36.62, 2);
  });

  it('handles no decisive comparisons and no comparisons', () => {
    const ties = pairwiseSummary({ win: 0, loss: 0, tie: 4 });
    expect(ties).toMatchObject({ decisive: null, decisivePct: null, decisiveCi95: null, p: 1, tiePct: 100, net: 0 });
    const none = pairwiseSummary({ win: 0, loss: 0, tie: 0 });
    expect(none).toMatchObject({ n: 0, winPct: null, net: null, p: 1 });
  });

  it('is negative for a losing candidate', () => {
    const s = pairwiseSummary({ win: 0, loss: 5, tie: 0 });
    expect(s.net).toBe(-100);
    expect(s.p).toBeCloseTo(0.0625, 15);
  });

  it('rejects invalid counts', () => {
    expect(() => pairwiseSummary({ win: -1, loss: 0, tie: 0 })).toThrow(RangeError);
  });
});

describe('countOutcomes', () => {
  it('counts outcomes and skips failures', () => {
    expect(countOutcomes(['win', 'loss', null, 'tie', 'win', undefined])).toEqual({ win: 2, loss: 1, tie: 1 });
  });
});

describe('creditSummary (half rule)', () => {
  it('reports mean credit and sign-tests per-sample credit against 1/2', () => {
    const s = creditSummary([1, 1, 0.5, 0, 0.75, null], { seed: 2 });
    expect(s.n).toBe(5);
    expect(s.meanCredit).toBeCloseTo(0.65, 15);
    expect(s.creditPct).toBeCloseTo(65, 12);
    expect({ w: s.wins, l: s.losses, t: s.ties }).toEqual({ w: 3, l: 1, t: 1 });
    // 3 wins vs 1 loss: 2 · P(X >= 3 | 4, 1/2) = 2 · 5/16.
    expect(s.p).toBeCloseTo(0.625, 14);
    const [lo, hi] = s.creditCi95 as [number, number];
    expect(lo).toBeLessThanOrEqual(65);
    expect(hi).toBeGreaterThanOrEqual(65);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(100);
  });

  it('is empty-safe and validates credits', () => {
    expect(creditSummary([null]).meanCredit).toBeNull();
    expect(creditSummary([]).creditCi95).toBeNull();
    expect(() => creditSummary([1.5])).toThrow(RangeError);
  });
});
