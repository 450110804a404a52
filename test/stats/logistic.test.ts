import { describe, expect, it } from 'vitest';
import { fitLogistic } from '../../src/stats/logistic.js';
import { sigmoid } from '../../src/stats/distributions.js';
import { invert, solve } from '../../src/stats/linalg.js';

describe('linear algebra helpers', () => {
  it('solves and inverts small systems, and reports singular ones', () => {
    expect(
      solve(
        [
          [2, 1],
          [1, 3],
        ],
        [3, 5],
      )?.map((v) => Number(v.toFixed(12))),
    ).toEqual([0.8, 1.4]);
    const inv = invert([
      [4, 7],
      [2, 6],
    ]) as number[][];
    expect(inv[0]?.[0]).toBeCloseTo(0.6, 14);
    expect(inv[0]?.[1]).toBeCloseTo(-0.7, 14);
    expect(inv[1]?.[0]).toBeCloseTo(-0.2, 14);
    expect(inv[1]?.[1]).toBeCloseTo(0.4, 14);
    expect(
      solve(
        [
          [1, 2],
          [2, 4],
        ],
        [1, 2],
      ),
    ).toBeNull();
  });
});

describe('fitLogistic', () => {
  it('reproduces the closed form of a saturated binary-covariate model', () => {
    // x = 0: 3 of 4 successes; x = 1: 1 of 5.
    const x = [[0], [0], [0], [0], [1], [1], [1], [1], [1]];
    const y = [1, 1, 1, 0, 1, 0, 0, 0, 0];
    const fit = fitLogistic(x, y);
    expect(fit.converged).toBe(true);
    expect(fit.coef[0]).toBeCloseTo(Math.log(3), 9);
    expect(fit.coef[1]).toBeCloseTo(Math.log(0.25) - Math.log(3), 9);
    // Var(intercept) = 1 / (n p (1 − p)) for the x = 0 group.
    expect(fit.se?.[0]).toBeCloseTo(Math.sqrt(1 / (4 * 0.75 * 0.25)), 8);
  });

  it('solves the score equations for a continuous covariate', () => {
    const x = [-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5].map((v) => [v]);
    const y = [0, 0, 1, 0, 0, 1, 1, 0, 1, 1];
    const fit = fitLogistic(x, y);
    expect(fit.converged).toBe(true);
    let g0 = 0;
    let g1 = 0;
    x.forEach((row, i) => {
      const r = (y[i] as number) - sigmoid((fit.coef[0] as number) + (fit.coef[1] as number) * (row[0] as number));
      g0 += r;
      g1 += r * (row[0] as number);
    });
    expect(Math.abs(g0)).toBeLessThan(1e-9);
    expect(Math.abs(g1)).toBeLessThan(1e-9);
    expect(fit.coef[1]).toBeGreaterThan(0);
  });

  it('treats a weight of 2 like a duplicated row, and accepts fractional y', () => {
    const x = [[0], [1], [2], [3]];
    const a = fitLogistic(x, [0, 1, 0, 1], { weights: [1, 2, 1, 1] });
    const b = fitLogistic([[0], [1], [1], [2], [3]], [0, 1, 1, 0, 1]);
    expect(a.coef[0]).toBeCloseTo(b.coef[0] as number, 8);
    expect(a.coef[1]).toBeCloseTo(b.coef[1] as number, 8);
    const half = fitLogistic([[0], [0]], [0.5, 0.5]);
    expect(half.coef[0]).toBeCloseTo(0, 10);
  });

  it('reports non-convergence under perfect separation', () => {
    const fit = fitLogistic([[-1], [-0.5], [0.5], [1]], [0, 0, 1, 1], { maxIter: 30 });
    expect(fit.converged).toBe(false);
    expect(fit.coef[1]).toBeGreaterThan(5);
  });

  it('shrinks slopes with an L2 penalty and validates input', () => {
    const x = [[-1], [0], [1], [2]];
    const y = [0, 1, 0, 1];
    const plain = fitLogistic(x, y);
    const ridge = fitLogistic(x, y, { l2: 5 });
    expect(Math.abs(ridge.coef[1] as number)).toBeLessThan(Math.abs(plain.coef[1] as number));
    expect(() => fitLogistic([[1]], [2])).toThrow(RangeError);
    expect(() => fitLogistic([[1], [1, 2]], [0, 1])).toThrow(RangeError);
  });
});
