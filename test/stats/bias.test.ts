import { describe, expect, it } from 'vitest';
import { lengthControlledWinRate, lengthScoreCorrelation, positionBias } from '../../src/stats/bias.js';
import type { Outcome } from '../../src/core/records.js';

const item = (outcome: Outcome | null, diff: number, covariates?: number[]) => ({
  outcome,
  candidateChars: 100 + diff,
  baselineChars: 100,
  ...(covariates ? { covariates } : {}),
});

const rep = <T>(n: number, v: T): T[] => Array.from({ length: n }, () => v);

describe('lengthScoreCorrelation', () => {
  it('correlates length with score over valid judgments only', () => {
    const r = lengthScoreCorrelation([
      { answerChars: 10, score: 1 },
      { answerChars: 20, score: 2 },
      { answerChars: 30, score: 4 },
      { answerChars: 40, score: null },
    ]);
    expect(r.n).toBe(3);
    expect(r.spearman).toBeCloseTo(1, 14);
    expect(r.pearson as number).toBeGreaterThan(0.95);
  });
});

describe('lengthControlledWinRate', () => {
  // Two length groups: equal length (3 wins, 1 loss) and +200 chars (9 wins, 1 loss).
  // The two-group model is saturated, so σ(intercept) is the equal-length win rate.
  const data = [...rep(3, item('win', 0)), item('loss', 0), ...rep(9, item('win', 200)), item('loss', 200), item('tie', 0), item('tie', 0), item(null, 200)];

  it('predicts the win rate at zero length difference', () => {
    const r = lengthControlledWinRate(data);
    expect(r.n).toBe(14);
    expect(r.converged).toBe(true);
    expect(r.rawWinRate).toBeCloseTo(12 / 14, 14);
    expect(r.lcWinRate).toBeCloseTo(0.75, 8);
    expect(r.lengthCoef as number).toBeGreaterThan(0);
    expect(r.lengthCoefSe as number).toBeGreaterThan(0);
    expect(r.meanLengthDiff).toBeCloseTo((10 * 200) / 14, 12);
  });

  it('counts ties as half under ties: "half"', () => {
    const r = lengthControlledWinRate(data, { ties: 'half' });
    expect(r.n).toBe(16);
    // Equal-length group: 3 wins, 1 loss, 2 half-credits -> 4/6.
    expect(r.lcWinRate).toBeCloseTo(4 / 6, 8);
  });

  it('holds other covariates at 0', () => {
    // Outcome depends only on a covariate c, identically at both lengths:
    // c = 0 -> 1 of 2, c = 1 -> 9 of 10. The additive model fits exactly.
    const rows = [0, 200].flatMap((d) => [item('win', d, [0]), item('loss', d, [0]), ...rep(9, item('win', d, [1])), item('loss', d, [1])]);
    const r = lengthControlledWinRate(rows);
    expect(r.lengthCoef).toBeCloseTo(0, 8);
    expect(r.lcWinRate).toBeCloseTo(0.5, 8);
  });

  it('cannot separate length when every difference is the same', () => {
    expect(lengthControlledWinRate([item('win', 50), item('loss', 50), item('win', 50)]).lcWinRate).toBeNull();
    const same = lengthControlledWinRate([item('win', 0), item('loss', 0), item('win', 0)]);
    expect(same.lcWinRate).toBeCloseTo(2 / 3, 14);
    expect(same.lengthCoef).toBeNull();
    expect(lengthControlledWinRate([]).lcWinRate).toBeNull();
  });
});

describe('positionBias', () => {
  it('measures consistency under swap and the first-position win rate', () => {
    const r = positionBias([
      // Candidate wins in both orders: consistent.
      {
        orders: [
          { order: 'AB', verdict: 'A' },
          { order: 'BA', verdict: 'B' },
        ],
      },
      // Judge always picks A: inconsistent.
      {
        orders: [
          { order: 'AB', verdict: 'A' },
          { order: 'BA', verdict: 'A' },
        ],
      },
      // Tie both ways: consistent.
      {
        orders: [
          { order: 'AB', verdict: 'tie' },
          { order: 'BA', verdict: 'tie' },
        ],
      },
      // Second order failed: not a pair, but its first verdict counts.
      {
        orders: [
          { order: 'AB', verdict: 'B' },
          { order: 'BA', verdict: null },
        ],
      },
      // Single-order comparison.
      { orders: [{ order: 'AB', verdict: 'A' }] },
    ]);
    expect(r).toMatchObject({ pairs: 3, consistent: 2, verdicts: 8, firstWins: 4, secondWins: 2, ties: 2 });
    expect(r.consistencyRate).toBeCloseTo(2 / 3, 15);
    expect(r.firstPositionWinRate).toBe(0.5);
    expect(r.firstDecisiveRate).toBeCloseTo(4 / 6, 15);
    // 4 vs 2: 2 · (15 + 6 + 1) / 64.
    expect(r.firstSignTest.p).toBeCloseTo(44 / 64, 14);
  });

  it('returns nulls with no data', () => {
    const r = positionBias([]);
    expect(r.consistencyRate).toBeNull();
    expect(r.firstPositionWinRate).toBeNull();
    expect(r.firstSignTest.p).toBe(1);
  });
});
