import { describe, expect, it } from 'vitest';
import { bonferroniAdjust, holmAdjust } from '../../src/stats/multiple.js';
import { signTest } from '../../src/stats/binomial.js';

describe('holmAdjust', () => {
  it('matches a hand-computed family (input order kept)', () => {
    // Sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 -> max(0.06, 0.04).
    const adj = holmAdjust([0.01, 0.04, 0.03, 0.005]).map((v) => v.p);
    expect(adj[0]).toBeCloseTo(0.03, 15);
    expect(adj[1]).toBeCloseTo(0.06, 15);
    expect(adj[2]).toBeCloseTo(0.06, 15);
    expect(adj[3]).toBeCloseTo(0.02, 15);
  });

  it('is monotone in the raw order, never below the raw p, and capped at 1', () => {
    const raw = [0.2, 0.5, 0.01, 0.3, 0.9];
    const adj = holmAdjust(raw);
    const order = raw.map((_, i) => i).sort((a, b) => (raw[a] as number) - (raw[b] as number));
    for (let i = 1; i < order.length; i++) {
      expect(adj[order[i] as number]?.p).toBeGreaterThanOrEqual(adj[order[i - 1] as number]?.p as number);
    }
    adj.forEach((v, i) => {
      expect(v.p).toBeGreaterThanOrEqual(raw[i] as number);
      expect(v.p).toBeLessThanOrEqual(1);
    });
    expect(adj[4]?.p).toBe(1);
  });

  it('adjusts underflowed p-values through log10p', () => {
    const tiny = signTest(2000, 0); // p = 0 as a double
    const adj = holmAdjust([tiny, 0.04]);
    expect(adj[0]?.log10p).toBeCloseTo(tiny.log10p + Math.log10(2), 9);
    expect(adj[1]?.p).toBeCloseTo(0.04, 15);
  });

  it('returns an empty family unchanged', () => {
    expect(holmAdjust([])).toEqual([]);
  });
});

describe('bonferroniAdjust', () => {
  it('multiplies by the family size and caps at 1', () => {
    expect(bonferroniAdjust([0.01, 0.5]).map((v) => v.p)).toEqual([0.02, 1]);
    expect(() => bonferroniAdjust([1.2])).toThrow(RangeError);
  });
});
