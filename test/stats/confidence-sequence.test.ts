// The empirical-Bernstein confidence sequence: a hand-computed case, the
// coverage promise checked by seeded simulation (uniform over all times),
// and the decision rule the score stage stops on.
import { describe, expect, it } from 'vitest';
import { csDecision, EmpiricalBernsteinCs, MarginTest, empiricalBernsteinCs, fromUnit, toUnit } from '../../src/stats/confidence-sequence.js';
import { createRng } from '../../src/stats/rng.js';

describe('empirical-Bernstein confidence sequence', () => {
  it('matches a hand-computed case: twenty 1s at α = 0.05', () => {
    // Every bet is capped at 1/2 (σ̂² is tiny), v_i = 4·(0.5/i)² = 1/i², ψ(1/2) = (ln 2 − 1/2)/4.
    let s = 0;
    for (let i = 1; i <= 20; i++) s += 1 / i ** 2;
    const half = (Math.log(40) + ((Math.LN2 - 0.5) / 4) * s) / (0.5 * 20);
    expect(half).toBeCloseTo(0.3765953, 6);
    const r = empiricalBernsteinCs(Array(20).fill(1));
    expect(r.n).toBe(20);
    expect(r.center).toBe(1);
    expect(r.lower).toBeCloseTo(1 - half, 12);
    expect(r.upper).toBe(1);
  });

  it('one observation tells little: [0, 1] stays [0, 1]', () => {
    const r = empiricalBernsteinCs([1]);
    expect([r.lower, r.upper]).toEqual([0, 1]);
  });

  it('covers the mean at every time at once in ≥ 95% of seeded runs', () => {
    const rng = createRng(20260101);
    for (const mean of [0.5, 0.2]) {
      let missed = 0;
      const runs = 1500;
      for (let r = 0; r < runs; r++) {
        const cs = new EmpiricalBernsteinCs({ alpha: 0.05 });
        for (let t = 0; t < 300; t++) {
          // Three-point data with the stated mean (bounded, not Bernoulli).
          const u = rng.next();
          cs.push(u < mean ? (u < mean / 2 ? 1 : 0.5 + mean / 2) : mean * 0.5);
          const s = cs.state();
          if (s.lower > trueMean(mean) || s.upper < trueMean(mean)) {
            missed++;
            break;
          }
        }
      }
      // α plus three simulation standard errors.
      expect(missed / runs).toBeLessThanOrEqual(0.05 + 3 * Math.sqrt((0.05 * 0.95) / runs));
    }
  });

  it('shrinks: 400 draws around 0.7 exclude 0.5', () => {
    const rng = createRng(3);
    const cs = new EmpiricalBernsteinCs();
    for (let t = 0; t < 400; t++) cs.push(rng.next() < 0.7 ? 1 : 0);
    expect(cs.state().lower).toBeGreaterThan(0.5);
  });

  it('MarginTest: all-minimum differences decide a regression at 16 (the hand case of the score stage), zeros never decide at margin 0', () => {
    const t = new MarginTest(9, 0, 0.05);
    for (let i = 1; i <= 16; i++) {
      t.push(-9, i);
      expect(t.decision).toBe(i < 16 ? null : 'regression');
    }
    expect(t.decidedAfter).toBe(16);
    const z = new MarginTest(9, 0, 0.05);
    for (let i = 1; i <= 500; i++) z.push(0, i);
    expect(z.decision).toBeNull();
    // With a margin, identical systems are eventually shown not to regress beyond it.
    const m = new MarginTest(9, 1, 0.05);
    for (let i = 1; i <= 500; i++) m.push(i % 2 ? 1 : -1, i);
    expect(m.decision).toBe('no-regression');
  });

  it('rejects observations outside [0, 1] and bad α', () => {
    expect(() => new EmpiricalBernsteinCs().push(1.5)).toThrow(RangeError);
    expect(() => new EmpiricalBernsteinCs({ alpha: 0 })).toThrow(RangeError);
  });

  it('rescales differences and decides against the margin', () => {
    expect(toUnit(-9, 9)).toBe(0);
    expect(toUnit(0, 9)).toBe(0.5);
    expect(fromUnit(toUnit(3.5, 9), 9)).toBeCloseTo(3.5, 12);
    expect(csDecision(-3, -1, 0.5)).toBe('regression');
    expect(csDecision(-0.4, 2, 0.5)).toBe('no-regression');
    expect(csDecision(-1, 1, 0.5)).toBeNull();
  });
});

// The three-point law above: P(1) = m/2, P(0.5 + m/2) = m/2, P(m/2) = 1 − m.
function trueMean(m: number): number {
  return (m / 2) * 1 + (m / 2) * (0.5 + m / 2) + (1 - m) * (m / 2);
}
