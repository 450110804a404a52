import { describe, expect, it } from 'vitest';
import { combineOrders, outcomeFor } from '../../../src/judge/protocol/combine.js';

describe('outcomeFor', () => {
  it('maps positional verdicts to the candidate view', () => {
    expect(outcomeFor('A', 'AB')).toBe('win');
    expect(outcomeFor('A', 'BA')).toBe('loss');
    expect(outcomeFor('B', 'BA')).toBe('win');
    expect(outcomeFor('tie', 'BA')).toBe('tie');
    expect(outcomeFor(null, 'AB')).toBeNull();
  });
});

describe('combineOrders', () => {
  it('strict: any disagreement is a tie', () => {
    expect(combineOrders(['win', 'win'], 'strict')).toEqual({ outcome: 'win', credit: 1 });
    expect(combineOrders(['win', 'tie'], 'strict')).toEqual({ outcome: 'tie', credit: 0.5 });
    expect(combineOrders(['win', 'loss'], 'strict')).toEqual({ outcome: 'tie', credit: 0.5 });
    expect(combineOrders(['loss', 'loss'], 'strict')).toEqual({ outcome: 'loss', credit: 0 });
  });

  it('ebm: a tie and a win is the win; opposite wins are a tie', () => {
    expect(combineOrders(['tie', 'win'], 'ebm')).toEqual({ outcome: 'win', credit: 1 });
    expect(combineOrders(['loss', 'tie'], 'ebm')).toEqual({ outcome: 'loss', credit: 0 });
    expect(combineOrders(['win', 'loss'], 'ebm')).toEqual({ outcome: 'tie', credit: 0.5 });
    expect(combineOrders(['tie', 'tie'], 'ebm')).toEqual({ outcome: 'tie', credit: 0.5 });
  });

  it('half: each order is half a vote', () => {
    expect(combineOrders(['win', 'tie'], 'half')).toEqual({ outcome: 'win', credit: 0.75 });
    expect(combineOrders(['loss', 'tie'], 'half')).toEqual({ outcome: 'loss', credit: 0.25 });
    expect(combineOrders(['win', 'loss'], 'half')).toEqual({ outcome: 'tie', credit: 0.5 });
    expect(combineOrders(['win', 'win'], 'half')).toEqual({ outcome: 'win', credit: 1 });
  });

  it('with one order failed, the other decides under every rule', () => {
    for (const rule of ['strict', 'ebm', 'half'] as const) {
      expect(combineOrders([null, 'win'], rule)).toEqual({ outcome: 'win', credit: 1 });
      expect(combineOrders(['tie', null], rule)).toEqual({ outcome: 'tie', credit: 0.5 });
      expect(combineOrders([null, null], rule)).toEqual({ outcome: null, credit: null });
    }
    expect(combineOrders([], 'ebm')).toEqual({ outcome: null, credit: null });
  });

  it('rejects more than two orders', () => {
    expect(() => combineOrders(['win', 'win', 'win'], 'ebm')).toThrow(/at most two/);
  });
});
