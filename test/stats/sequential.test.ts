import { describe, expect, it } from 'vitest';
import { logMixtureEValue, sequentialSignTest, signRuleCrossing } from '../../src/stats/sequential.js';
import { sequentialSignTestFamily } from '../../src/stats/sequential-family.js';
import { signTestCriticalWins } from '../../src/stats/power.js';

const e = (w: number, l: number, a?: number): number => Math.exp(logMixtureEValue(w, l, a));

describe('beta-binomial mixture e-value', () => {
  it('matches hand-computed integrals', () => {
    // Uniform prior: e = 2^(W+L) ∫ p^W (1−p)^L dp.
    expect(e(0, 0)).toBeCloseTo(1, 14);
    expect(e(3, 0)).toBeCloseTo(8 / 4, 12); // 8 · 1/4
    expect(e(1, 1)).toBeCloseTo(4 / 6, 12); // 4 · 1/6
    expect(e(2, 1)).toBeCloseTo(8 / 12, 12); // 8 · B(3,2) = 8 · 1/12
    // Beta(2,2) prior: e(2, 0) = 4·E[p²] = 4·(Var + mean²) = 4·(1/20 + 1/4) = 1.2.
    expect(e(2, 0, 2)).toBeCloseTo(1.2, 12);
    expect(e(7, 2)).toBeCloseTo(e(2, 7), 12); // two-sided: symmetric in W and L
  });

  it('is a martingale under H0: the average of the two next values is the current one', () => {
    for (const a of [0.5, 1, 3]) {
      for (const [w, l] of [
        [0, 0],
        [4, 1],
        [10, 30],
        [200, 180],
      ] as const) {
        const avg = 0.5 * e(w + 1, l, a) + 0.5 * e(w, l + 1, a);
        expect(avg / e(w, l, a)).toBeCloseTo(1, 10);
      }
    }
  });

  it('rejects bad counts and priors', () => {
    expect(() => logMixtureEValue(-1, 0)).toThrow(RangeError);
    expect(() => logMixtureEValue(1.5, 0)).toThrow(RangeError);
    expect(() => logMixtureEValue(1, 0, 0)).toThrow(RangeError);
  });
});

describe('sequentialSignTest', () => {
  it('decides at the first verdict where e >= 1/alpha, ignoring ties', () => {
    // 7 wins: e = 2^7/8 = 16 < 20; 8 wins: 2^8/9 = 28.44 >= 20.
    const r = sequentialSignTest([1, 0, 1, 1, 1, 1, 1, 1, 1, 0, -1]);
    expect(r.decidedAfter).toBe(9);
    expect(r.winner).toBe('candidate');
    expect(r).toMatchObject({ n: 11, wins: 8, losses: 1, ties: 2, threshold: 20 });
    // Final e after 8 wins and 1 loss: 2^9·B(9,2) = 512/90.
    expect(r.eValue).toBeCloseTo(512 / 90, 10);
    expect(r.logMaxEValue).toBeCloseTo(Math.log(256 / 9), 10);
    expect(r.pAnytime).toBeCloseTo(9 / 256, 12);
  });

  it('decides for the baseline symmetrically and stays undecided on balanced data', () => {
    const r = sequentialSignTest(Array(8).fill(-1));
    expect(r.decidedAfter).toBe(8);
    expect(r.winner).toBe('baseline');
    const flat = sequentialSignTest([1, -1, 1, -1, 0, 0, 1, -1]);
    expect(flat.decidedAfter).toBeNull();
    expect(flat.winner).toBeNull();
    expect(flat.pAnytime).toBeCloseTo(1, 12); // e(1, 0) = 1 exactly is its maximum here
    // alpha = 0.01 needs e >= 100: 2^n/(n+1) first reaches it at n = 10 (1024/11 = 93 < 100), n = 11 (2048/12 = 171).
    expect(sequentialSignTest(Array(20).fill(1), { alpha: 0.01 }).decidedAfter).toBe(11);
  });

  it('refuses malformed outcomes', () => {
    expect(() => sequentialSignTest([1, 2])).toThrow(RangeError);
    expect(() => sequentialSignTest([1, 0.5])).toThrow(RangeError);
    expect(() => sequentialSignTest([1], { alpha: 0 })).toThrow(RangeError);
  });
});

describe('signRuleCrossing', () => {
  /** Brute force: every one of the 2^m win/loss sequences, with its probability. */
  function bruteCrossing(m: number, rejects: (w: number, l: number) => boolean, p: number): number {
    let total = 0;
    for (let mask = 0; mask < 2 ** m; mask++) {
      let w = 0;
      let prob = 1;
      let hit = false;
      for (let i = 0; i < m; i++) {
        const win = (mask >> i) & 1;
        w += win;
        prob *= win ? p : 1 - p;
        if (!hit && rejects(w, i + 1 - w)) hit = true;
      }
      if (hit) total += prob;
    }
    return total;
  }

  it('equals brute-force enumeration for short sequences', () => {
    const rule = (w: number, l: number): boolean => Math.abs(w - l) >= 3;
    const dp = signRuleCrossing(12, rule, 0.6);
    for (const m of [3, 7, 12]) expect(dp[m]).toBeCloseTo(bruteCrossing(m, rule, 0.6), 12);
    expect(Array.from(signRuleCrossing(2, (w, l) => w === 2 || l === 2))).toEqual([0, 0, 0.5]);
  });

  it('shows the mixture test keeps its size under continuous peeking and the naive rule does not', () => {
    const threshold = Math.log(20);
    const mixture = signRuleCrossing(500, (w, l) => logMixtureEValue(w, l) >= threshold - 1e-12);
    // Ville's inequality bounds the crossing probability by alpha at every horizon.
    expect(mixture[500] as number).toBeLessThanOrEqual(0.05);
    expect(mixture[500] as number).toBeGreaterThan(0.01);
    const crit = Array.from({ length: 501 }, (_, m) => (m === 0 ? null : signTestCriticalWins(m, 0.05)));
    const naive = signRuleCrossing(500, (w, l) => {
      const c = crit[w + l];
      return c !== null && c !== undefined && (w >= c || l >= c);
    });
    expect(naive[500] as number).toBeGreaterThan(0.2);
  });
});

describe('sequentialSignTestFamily', () => {
  it('splits alpha by Holm: the second comparison needs e >= 20 once the first is decided', () => {
    const first = Array(10).fill(1);
    const second = [...Array(8).fill(1), 0, 0];
    const holm = sequentialSignTestFamily([first, second]);
    // First needs e >= 40: 2^8/9 = 28.4 after 8 wins, 2^9/10 = 51.2 after 9.
    expect(holm.members[0]?.decidedAfter).toBe(9);
    // Second holds e = 28.4 from sample 8 on; Holm lets it through at sample 9.
    expect(holm.members[1]?.decidedAfter).toBe(9);
    expect(holm.allDecidedAfter).toBe(9);
    const bonf = sequentialSignTestFamily([first, second], { split: 'bonferroni' });
    expect(bonf.members[0]?.decidedAfter).toBe(9);
    expect(bonf.members[1]?.decidedAfter).toBeNull();
    expect(bonf.allDecidedAfter).toBeNull();
    expect(bonf.members[1]?.pAnytime).toBeCloseTo(9 / 256, 12);
  });

  it('agrees with the single test for one comparison and handles ragged streams', () => {
    const s = [1, 1, 0, 1, 1, 1, 1, 1, 1, -1, 1];
    const single = sequentialSignTest(s);
    const fam = sequentialSignTestFamily([s]);
    expect(fam.members[0]?.decidedAfter).toBe(single.decidedAfter);
    expect(fam.members[0]?.pAnytime).toBeCloseTo(single.pAnytime, 14);
    const ragged = sequentialSignTestFamily([
      [1, 1],
      [1, 1, 1, 1, 1, 1, 1, 1, 1],
    ]);
    expect(ragged.n).toBe(9);
    expect(ragged.members[0]).toMatchObject({ wins: 2, decidedAfter: null });
    expect(() => sequentialSignTestFamily([[3]])).toThrow(RangeError);
  });
});
