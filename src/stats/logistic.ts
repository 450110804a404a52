// Logistic regression by Newton–Raphson (equivalently IRLS), for the
// length-controlled win rate. A handful of covariates, a few hundred to a few
// thousand rows: a dense Newton step per iteration is the simplest thing that
// converges in ~6 iterations.
import { sigmoid } from './distributions.js';
import { invert, solve } from './linalg.js';

export interface LogisticOptions {
  /** Row weights (default 1). */
  weights?: readonly number[];
  /** L2 penalty on the slopes (not the intercept). Default 0. */
  l2?: number;
  /** Default 100. */
  maxIter?: number;
  /** Convergence threshold on the largest coefficient change. Default 1e-10. */
  tol?: number;
}

export interface LogisticFit {
  /** Coefficients, intercept first, then one per covariate column. */
  coef: number[];
  /** Standard errors from the inverse observed information; null if singular. */
  se: number[] | null;
  /** False on non-convergence, e.g. perfect separation (coefficients then drift to ±large). */
  converged: boolean;
  iterations: number;
  logLik: number;
}

function logLik(rows: number[][], y: readonly number[], w: readonly number[], beta: readonly number[], l2: number): number {
  let ll = 0;
  rows.forEach((x, i) => {
    let eta = 0;
    x.forEach((v, j) => (eta += v * (beta[j] as number)));
    const yi = y[i] as number;
    // log σ(η) = −log(1 + e^−η), written to avoid overflow either way.
    const logP = -(Math.max(0, -eta) + Math.log1p(Math.exp(-Math.abs(eta))));
    const logQ = -(Math.max(0, eta) + Math.log1p(Math.exp(-Math.abs(eta))));
    ll += (w[i] as number) * (yi * logP + (1 - yi) * logQ);
  });
  for (let j = 1; j < beta.length; j++) ll -= 0.5 * l2 * (beta[j] as number) ** 2;
  return ll;
}

/**
 * Fit P(y = 1) = σ(b0 + Σ b_j x_j). `covariates` has one row per
 * observation (no intercept column). y may be fractional in [0, 1] (e.g. 0.5
 * for a tie counted as half), which gives the quasi-likelihood fit.
 * Intercept only, 3 of 4: logit(3/4) = ln 3. One 0/1 covariate, 1 of 2 at 0 and 3 of 4
 * at 1: slope = logit(3/4) − logit(1/2) = ln 3:
 * @example fitLogistic([[], [], [], []], [1, 1, 1, 0]).coef[0] // ≈ 1.0986
 * @example fitLogistic([[0], [0], [1], [1], [1], [1]], [1, 0, 1, 1, 1, 0]).coef[1] // ≈ 1.0986
 */
export function fitLogistic(covariates: readonly (readonly number[])[], y: readonly number[], opts: LogisticOptions = {}): LogisticFit {
  const n = y.length;
  if (covariates.length !== n) throw new RangeError('fitLogistic: covariates and y differ in length');
  const p = (covariates[0]?.length ?? 0) + 1;
  const rows = covariates.map((r) => {
    if (r.length !== p - 1) throw new RangeError('fitLogistic: ragged covariate rows');
    return [1, ...r];
  });
  for (const v of y) if (!(v >= 0 && v <= 1)) throw new RangeError(`fitLogistic: y must be in [0, 1], got ${v}`);
  const w = opts.weights ?? new Array<number>(n).fill(1);
  const l2 = opts.l2 ?? 0;
  const maxIter = opts.maxIter ?? 100;
  const tol = opts.tol ?? 1e-10;

  let beta = new Array<number>(p).fill(0);
  let ll = logLik(rows, y, w, beta, l2);
  let converged = false;
  let iterations = 0;
  const information = (b: readonly number[]): { g: number[]; h: number[][] } => {
    const g = new Array<number>(p).fill(0);
    const h = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    rows.forEach((x, i) => {
      let eta = 0;
      x.forEach((v, j) => (eta += v * (b[j] as number)));
      const mu = sigmoid(eta);
      const wi = w[i] as number;
      const r = wi * ((y[i] as number) - mu);
      const v = wi * mu * (1 - mu);
      for (let a = 0; a < p; a++) {
        g[a] = (g[a] as number) + r * (x[a] as number);
        const ha = h[a] as number[];
        for (let c = 0; c < p; c++) ha[c] = (ha[c] as number) + v * (x[a] as number) * (x[c] as number);
      }
    });
    for (let j = 1; j < p; j++) {
      g[j] = (g[j] as number) - l2 * (b[j] as number);
      (h[j] as number[])[j] = ((h[j] as number[])[j] as number) + l2;
    }
    return { g, h };
  };

  for (iterations = 1; iterations <= maxIter; iterations++) {
    const { g, h } = information(beta);
    const step = solve(h, g);
    if (!step) break;
    // Step halving keeps each iteration an ascent step, which matters near
    // separation where the full Newton step overshoots.
    let t = 1;
    let candidate = beta.map((b, j) => b + t * (step[j] as number));
    let llNew = logLik(rows, y, w, candidate, l2);
    while (llNew < ll - 1e-12 && t > 1e-8) {
      t /= 2;
      candidate = beta.map((b, j) => b + t * (step[j] as number));
      llNew = logLik(rows, y, w, candidate, l2);
    }
    const change = Math.max(...step.map((s) => Math.abs(t * s)));
    beta = candidate;
    ll = llNew;
    if (change < tol) {
      converged = true;
      break;
    }
  }
  const inv = invert(information(beta).h);
  const se = inv ? inv.map((row, j) => Math.sqrt(Math.max(0, row[j] as number))) : null;
  return { coef: beta, se, converged, iterations: Math.min(iterations, maxIter), logLik: ll };
}
