import { describe, expect, it } from 'vitest';
import { davidson, davidsonProbabilities } from '../../src/stats/davidson.js';
import { bradleyTerry, type BtComparison } from '../../src/stats/bradley-terry.js';

const games = (a: string, b: string, aWins: number, bWins: number, ties = 0): BtComparison[] => [
  ...Array.from({ length: aWins }, () => ({ a, b, score: 1 })),
  ...Array.from({ length: bWins }, () => ({ a, b, score: 0 })),
  ...Array.from({ length: ties }, () => ({ a, b, score: 0.5 })),
];

describe('davidson', () => {
  it('gives the saturated closed form for two systems, with closed-form standard errors', () => {
    // Two systems: the model is the full multinomial, so p̂ = (6, 3, 2)/11:
    // π_x/π_y = 6/3, ν = 2/√(6·3). Delta method on the multinomial:
    // Var(ln π_x − ln π_y) = 1/6 + 1/3 (centred θ_x is half of it: se = √(1/2)/2);
    // Var(ln ν) = 1/t + 1/(4w_x) + 1/(4w_y) = 1/2 + 1/24 + 1/12.
    const fit = davidson(games('x', 'y', 6, 3, 2));
    const [x, y] = fit.systems;
    expect(x?.name).toBe('x');
    expect((x?.strength as number) / (y?.strength as number)).toBeCloseTo(2, 9);
    expect(fit.tieParameter).toBeCloseTo(2 / Math.sqrt(18), 9);
    expect(x?.logStrengthSe).toBeCloseTo(Math.sqrt(0.5) / 2, 8);
    expect(y?.logStrengthSe).toBeCloseTo(Math.sqrt(0.5) / 2, 8);
    expect(fit.logTieParameterSe).toBeCloseTo(Math.sqrt(1 / 2 + 1 / 24 + 1 / 12), 8);
    const z = 1.959963984540054;
    expect(fit.tieParameterCi[0]).toBeCloseTo(Math.exp(Math.log(fit.tieParameter) - z * fit.logTieParameterSe), 12);
    expect(x).toMatchObject({ wins: 6, losses: 3, ties: 2 });
    const p = davidsonProbabilities(fit, 'x', 'y');
    expect(p.aWins).toBeCloseTo(6 / 11, 9);
    expect(p.tie).toBeCloseTo(2 / 11, 9);
  });

  // Three systems with ties; reference by SciPy: scipy.optimize.minimize (BFGS,
  // gtol 1e-12) on the same negative log-likelihood written independently in
  // NumPy, and standard errors from a central-difference Hessian of it.
  const THREE = [...games('A', 'B', 6, 4, 2), ...games('B', 'C', 7, 3, 1), ...games('C', 'A', 2, 8, 3)];

  it('matches an independent SciPy fit for three systems', () => {
    const fit = davidson(THREE);
    const by = new Map(fit.systems.map((s) => [s.name, s]));
    expect(by.get('A')?.logStrength).toBeCloseTo(0.548607348565727, 6);
    expect(by.get('B')?.logStrength).toBeCloseTo(0.17185695694278247, 6);
    expect(by.get('C')?.logStrength).toBeCloseTo(-0.7204643055085094, 6);
    expect(fit.tieParameter).toBeCloseTo(0.4429154173524531, 6);
    expect(fit.logLikelihood).toBeCloseTo(-34.16738653675266, 8);
    expect(by.get('A')?.logStrengthSe).toBeCloseTo(0.3212637082529667, 5);
    expect(by.get('B')?.logStrengthSe).toBeCloseTo(0.32057860024995266, 5);
    expect(by.get('C')?.logStrengthSe).toBeCloseTo(0.3400613535734474, 5);
    expect(fit.logTieParameterSe).toBeCloseTo(0.45551568135440273, 5);
    expect(fit.systems.map((s) => s.name)).toEqual(['A', 'B', 'C']);
  });

  it('satisfies the likelihood equations: expected credit and ties equal the observed', () => {
    const fit = davidson(THREE);
    const expectedTies = [
      ['A', 'B', 12],
      ['B', 'C', 11],
      ['C', 'A', 13],
    ].reduce((s, [a, b, n]) => s + (n as number) * davidsonProbabilities(fit, a as string, b as string).tie, 0);
    expect(expectedTies).toBeCloseTo(6, 8);
    // A's wins plus half its ties: 6 + 8 + (2 + 3)/2.
    const pab = davidsonProbabilities(fit, 'A', 'B');
    const pac = davidsonProbabilities(fit, 'A', 'C');
    expect(12 * (pab.aWins + pab.tie / 2) + 13 * (pac.aWins + pac.tie / 2)).toBeCloseTo(16.5, 8);
  });

  it('leaves the existing Bradley–Terry fit unchanged beside it', () => {
    const bt = bradleyTerry(THREE, { prior: 0 });
    expect(bt.systems.map((s) => s.name)).toEqual(['A', 'B', 'C']);
    expect(bt.systems[0]?.wins).toBe(16.5);
  });

  it('refuses data with no finite fit or malformed comparisons', () => {
    expect(() => davidson(games('x', 'y', 3, 2))).toThrow(/no ties/);
    expect(() => davidson(games('x', 'y', 0, 0, 4))).toThrow(/every comparison is a tie/);
    expect(() => davidson([...games('x', 'y', 3, 0, 1), ...games('y', 'z', 2, 2, 0), ...games('x', 'z', 2, 0, 0)])).not.toThrow();
    expect(() => davidson([...games('x', 'y', 3, 0, 0), ...games('y', 'z', 2, 2, 1)])).toThrow(/no finite/);
    expect(() => davidson([{ a: 'x', b: 'y', score: 0.3 }])).toThrow(RangeError);
    expect(() => davidson([{ a: 'x', b: 'x', score: 1 }])).toThrow(RangeError);
  });
});
