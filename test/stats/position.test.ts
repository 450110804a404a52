import { describe, expect, it } from 'vitest';
import { firstPositionWinRate, type PositionOutcome } from '../../src/stats/position.js';

const many = (first: number, second: number, ties: number): PositionOutcome[] => [
  ...Array<PositionOutcome>(first).fill('first'),
  ...Array<PositionOutcome>(second).fill('second'),
  ...Array<PositionOutcome>(ties).fill('tie'),
];

describe('firstPositionWinRate', () => {
  it('leaves ties out of the rate and reports their share', () => {
    // The case: a position-neutral judge whose tie-counting rate was 0.404.
    const r = firstPositionWinRate(many(40, 40, 19));
    expect(r.firstWinRate).toBe(0.5);
    expect(r.firstWins / r.verdicts).toBeCloseTo(0.404, 3);
    expect(r.tieShare).toBeCloseTo(19 / 99, 14);
    expect(r.p).toBe(1);
    expect(r).toMatchObject({ firstWins: 40, secondWins: 40, ties: 19, verdicts: 99 });
  });

  it('tests a biased judge exactly and gives a Wilson interval', () => {
    // 9 first, 1 second: two-sided sign test p = 2·11/1024.
    const r = firstPositionWinRate(many(9, 1, 5));
    expect(r.firstWinRate).toBe(0.9);
    expect(r.p).toBeCloseTo(22 / 1024, 14);
    // Wilson 95% for 9/10 by hand: centre (0.9 + z²/20)/(1 + z²/10), z = 1.959964:
    // [0.5958, 0.9821].
    expect(r.ci95?.[0]).toBeCloseTo(0.5958, 4);
    expect(r.ci95?.[1]).toBeCloseTo(0.9821, 4);
  });

  it('returns nulls rather than numbers when there is nothing to divide', () => {
    const none = firstPositionWinRate([]);
    expect(none).toMatchObject({ firstWinRate: null, tieShare: null, ci95: null, verdicts: 0 });
    const onlyTies = firstPositionWinRate(many(0, 0, 3));
    expect(onlyTies.firstWinRate).toBeNull();
    expect(onlyTies.tieShare).toBe(1);
    expect(() => firstPositionWinRate(['first', 'A' as PositionOutcome])).toThrow(RangeError);
  });
});
