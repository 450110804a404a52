import { describe, expect, it } from 'vitest';
import { bradleyTerry, bradleyTerryBootstrap, type BtComparison } from '../../src/stats/bradley-terry.js';

const games = (a: string, b: string, aWins: number, bWins: number, ties = 0): BtComparison[] => [
  ...Array.from({ length: aWins }, () => ({ a, b, score: 1 })),
  ...Array.from({ length: bWins }, () => ({ a, b, score: 0 })),
  ...Array.from({ length: ties }, () => ({ a, b, score: 0.5 })),
];

const THREE = [...games('A', 'B', 6, 4, 1), ...games('B', 'C', 7, 3), ...games('C', 'A', 2, 8)];

describe('bradleyTerry', () => {
  it('gives the closed form for two systems: strength ratio = win ratio', () => {
    const fit = bradleyTerry(games('x', 'y', 3, 1), { prior: 0 });
    const [first, second] = fit.systems;
    expect(first?.name).toBe('x');
    expect((first?.strength as number) / (second?.strength as number)).toBeCloseTo(3, 8);
    expect(first?.logStrength).toBeCloseTo(Math.log(3) / 2, 8);
    expect(fit.converged).toBe(true);
  });

  it('satisfies the likelihood equations W_i = Σ_j n_ij p_i / (p_i + p_j)', () => {
    const fit = bradleyTerry(THREE, { prior: 0 });
    const p = new Map(fit.systems.map((s) => [s.name, s.strength]));
    const expected = new Map<string, number>();
    for (const c of THREE) {
      const pa = p.get(c.a) as number;
      const pb = p.get(c.b) as number;
      expected.set(c.a, (expected.get(c.a) ?? 0) + pa / (pa + pb));
      expected.set(c.b, (expected.get(c.b) ?? 0) + pb / (pa + pb));
    }
    for (const s of fit.systems) expect(expected.get(s.name)).toBeCloseTo(s.wins, 7);
    expect(fit.systems.map((s) => s.name)).toEqual(['A', 'B', 'C']);
    // Normalisation: log-strengths average 0 (geometric mean 1).
    expect(fit.systems.reduce((s, x) => s + x.logStrength, 0)).toBeCloseTo(0, 10);
    // A: 6 + 0.5 + 8 credit over 21 comparisons.
    expect(fit.systems[0]).toMatchObject({ wins: 14.5, comparisons: 21 });
  });

  it('needs a prior when a system never loses, and stays finite with one', () => {
    const unbeaten = [...games('A', 'B', 5, 0), ...games('B', 'C', 3, 2)];
    expect(() => bradleyTerry(unbeaten, { prior: 0 })).toThrow(RangeError);
    const fit = bradleyTerry(unbeaten);
    expect(fit.systems[0]?.name).toBe('A');
    for (const s of fit.systems) expect(Number.isFinite(s.logStrength)).toBe(true);
  });

  it('rejects malformed comparisons', () => {
    expect(() => bradleyTerry([{ a: 'x', b: 'x', score: 1 }])).toThrow(RangeError);
    expect(() => bradleyTerry([{ a: 'x', b: 'y', score: 2 }])).toThrow(RangeError);
    expect(bradleyTerry([], { systems: ['solo'] }).systems[0]?.strength).toBe(1);
  });
});

describe('bradleyTerryBootstrap', () => {
  it('brackets the point estimates and is reproducible', () => {
    const a = bradleyTerryBootstrap(THREE, { resamples: 200, seed: 5 });
    const b = bradleyTerryBootstrap(THREE, { resamples: 200, seed: 5 });
    expect(a).toEqual(b);
    for (const s of a.systems) {
      expect(s.ci95[0]).toBeLessThanOrEqual(s.strength);
      expect(s.ci95[1]).toBeGreaterThanOrEqual(s.strength);
      expect(s.rankCi95[0]).toBeGreaterThanOrEqual(1);
      expect(s.rankCi95[1]).toBeLessThanOrEqual(3);
    }
    expect(a.systems[0]?.name).toBe('A');
    expect(a.resamples).toBe(200);
  });

  it('gives a clearly dominant system rank 1 throughout', () => {
    const data = [...games('top', 'mid', 40, 2), ...games('top', 'low', 45, 1), ...games('mid', 'low', 25, 15)];
    const fit = bradleyTerryBootstrap(data, { resamples: 100, seed: 'rank' });
    expect(fit.systems[0]?.name).toBe('top');
    expect(fit.systems[0]?.rankCi95).toEqual([1, 1]);
  });

  it('requires a positive prior', () => {
    expect(() => bradleyTerryBootstrap(THREE, { prior: 0 })).toThrow(RangeError);
  });
});
