// Bradley–Terry with ties, Davidson (1970): for systems i and j with
// strengths π_i, π_j and tie parameter ν >= 0,
//   P(i wins) = π_i / D,  P(j wins) = π_j / D,  P(tie) = ν·√(π_i π_j) / D,
//   D = π_i + π_j + ν·√(π_i π_j).
// A tie is its own outcome rather than half a win, and ν says how tie-prone
// the judge is (P(tie) = ν/(2 + ν) between equal systems).
//
// Fitted by Newton–Raphson on θ = ln π (last system fixed at 0 while
// fitting, centred to mean 0 after) and λ = ln ν. In these coordinates the
// model is an exponential family, so the log-likelihood is concave and the
// observed Fisher information equals the expected one, Σ n_ij·Cov(outcome
// features); its inverse gives Wald intervals on the log scale:
// θ_i ± z·se_i (z the normal quantile), exponentiated for the strengths.
import type { BtComparison } from './bradley-terry.js';
import { normalQuantile } from './distributions.js';
import type { Interval } from './intervals.js';
import { invert, solve } from './linalg.js';
import { logSumExp } from './special.js';

export interface DavidsonSystem {
  name: string;
  /** π_i, normalised to geometric mean 1 over the systems. */
  strength: number;
  /** ln π_i, mean 0 over the systems. */
  logStrength: number;
  /** Standard error of logStrength (observed information, after centring). */
  logStrengthSe: number;
  /** Wald interval of the strength: exp(logStrength ± z·se). */
  ci: Interval;
  wins: number;
  losses: number;
  ties: number;
}

export interface DavidsonFit {
  /** Strongest first (name breaks exact ties). */
  systems: DavidsonSystem[];
  /** ν. */
  tieParameter: number;
  /** Standard error of ln ν. */
  logTieParameterSe: number;
  /** Wald interval of ν: exp(ln ν ± z·se). */
  tieParameterCi: Interval;
  level: number;
  logLikelihood: number;
  iterations: number;
}

interface PairCounts {
  i: number;
  j: number;
  wi: number;
  wj: number;
  t: number;
}

function pairCounts(comparisons: readonly BtComparison[], index: Map<string, number>): PairCounts[] {
  const byKey = new Map<string, PairCounts>();
  for (const c of comparisons) {
    const a = index.get(c.a);
    const b = index.get(c.b);
    if (a === undefined || b === undefined || a === b) throw new RangeError(`davidson: bad comparison ${c.a} vs ${c.b}`);
    if (c.score !== 1 && c.score !== 0 && c.score !== 0.5) {
      throw new RangeError(`davidson: score must be 1 (a won), 0 (b won) or 0.5 (tie), got ${c.score}`);
    }
    const [i, j] = a < b ? [a, b] : [b, a];
    const key = `${i}/${j}`;
    const p = byKey.get(key) ?? { i, j, wi: 0, wj: 0, t: 0 };
    if (c.score === 0.5) p.t++;
    else if ((c.score === 1) === (a === i)) p.wi++;
    else p.wj++;
    byKey.set(key, p);
  }
  return [...byKey.values()];
}

/** Every system reaches every other through "won or tied against" edges. */
function stronglyConnected(k: number, pairs: readonly PairCounts[]): boolean {
  const out = Array.from({ length: k }, () => new Set<number>());
  for (const p of pairs) {
    if (p.wi + p.t > 0) out[p.i]?.add(p.j);
    if (p.wj + p.t > 0) out[p.j]?.add(p.i);
  }
  const reach = (edges: (i: number) => Iterable<number>): number => {
    const seen = new Set([0]);
    const stack = [0];
    while (stack.length) {
      for (const j of edges(stack.pop() as number)) {
        if (seen.has(j)) continue;
        seen.add(j);
        stack.push(j);
      }
    }
    return seen.size;
  };
  const inEdges = (j: number): number[] => [...out.keys()].filter((i) => out[i]?.has(j));
  return reach((i) => out[i] as Set<number>) === k && reach(inEdges) === k;
}

/**
 * Log-likelihood, gradient and information of the Davidson model at
 * (θ, λ) = x, with x of length k + 1 (λ last).
 */
function evaluate(x: readonly number[], pairs: readonly PairCounts[]): { ll: number; grad: number[]; info: number[][] } {
  const k = x.length - 1;
  const lam = x[k] as number;
  const grad = new Array<number>(k + 1).fill(0);
  const info = Array.from({ length: k + 1 }, () => new Array<number>(k + 1).fill(0));
  let ll = 0;
  for (const { i, j, wi, wj, t } of pairs) {
    const ti = x[i] as number;
    const tj = x[j] as number;
    const tieLog = lam + (ti + tj) / 2;
    const lD = logSumExp([ti, tj, tieLog]);
    const n = wi + wj + t;
    ll += wi * ti + wj * tj + t * tieLog - n * lD;
    const a = Math.exp(ti - lD);
    const b = Math.exp(tj - lD);
    const c = Math.exp(tieLog - lD);
    // Outcome features in (θ_i, θ_j, λ): i wins (1,0,0), j wins (0,1,0), tie (½,½,1).
    const mean = [a + c / 2, b + c / 2, c];
    const idx = [i, j, k];
    const obs = [wi + t / 2, wj + t / 2, t];
    const second = [
      [a + c / 4, c / 4, c / 2],
      [c / 4, b + c / 4, c / 2],
      [c / 2, c / 2, c],
    ];
    for (let r = 0; r < 3; r++) {
      const R = idx[r] as number;
      grad[R] = (grad[R] as number) + (obs[r] as number) - n * (mean[r] as number);
      for (let s = 0; s < 3; s++) {
        const S = idx[s] as number;
        const cov = ((second[r] as number[])[s] as number) - (mean[r] as number) * (mean[s] as number);
        (info[R] as number[])[S] = ((info[R] as number[])[S] as number) + n * cov;
      }
    }
  }
  return { ll, grad, info };
}

/** Drop coordinate k − 1 (the reference system, fixed at θ = 0). */
function reduce<T>(v: readonly T[], k: number): T[] {
  return v.filter((_, r) => r !== k - 1);
}

/**
 * Fit the Davidson model by maximum likelihood.
 *
 * @example
 * // Two systems, 6 wins for x, 3 for y, 2 ties: the saturated fit gives
 * // π_x/π_y = 6/3 and ν = 2/√(6·3) = 0.4714.
 * const fit = davidson([...Array(6).fill({ a: 'x', b: 'y', score: 1 }),
 *   ...Array(3).fill({ a: 'x', b: 'y', score: 0 }), ...Array(2).fill({ a: 'x', b: 'y', score: 0.5 })]);
 * fit.systems[0].strength / fit.systems[1].strength; // 2
 * fit.tieParameter;                                  // 0.4714
 */
export function davidson(comparisons: readonly BtComparison[], opts: { systems?: readonly string[]; level?: number; maxIter?: number } = {}): DavidsonFit {
  const level = opts.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new RangeError(`davidson: level must be in (0, 1), got ${level}`);
  const names = opts.systems ? [...opts.systems] : [...new Set(comparisons.flatMap((c) => [c.a, c.b]))].sort();
  const k = names.length;
  if (k < 2) throw new RangeError('davidson: need at least two systems');
  const index = new Map(names.map((s, i) => [s, i]));
  const pairs = pairCounts(comparisons, index);
  const ties = pairs.reduce((s, p) => s + p.t, 0);
  const total = pairs.reduce((s, p) => s + p.wi + p.wj + p.t, 0);
  if (ties === 0) throw new RangeError('davidson: no ties, so the tie parameter has no finite estimate (its MLE is 0); use bradleyTerry');
  if (ties === total) throw new RangeError('davidson: every comparison is a tie, so the tie parameter has no finite estimate');
  if (!stronglyConnected(k, pairs)) {
    throw new RangeError('davidson: no finite maximum-likelihood fit (some group of systems never wins or ties against the rest)');
  }
  // Start at equal strengths with ν matching the observed tie share.
  const share = ties / total;
  let x = [...new Array<number>(k).fill(0), Math.log((2 * share) / (1 - share))];
  let cur = evaluate(x, pairs);
  const maxIter = opts.maxIter ?? 200;
  let iterations = 0;
  let converged = false;
  while (iterations < maxIter && !converged) {
    iterations++;
    const step = solve(
      reduce(cur.info, k).map((row) => reduce(row, k)),
      reduce(cur.grad, k),
    );
    if (!step) throw new RangeError('davidson: singular information matrix; the data do not identify the strengths');
    const full = [...step.slice(0, k - 1), 0, step[k - 1] as number];
    // Step halving keeps every iterate an improvement (the surface is concave,
    // so a full Newton step is almost always taken).
    let scale = 1;
    let next = x.map((v, r) => v + (full[r] as number));
    let trial = evaluate(next, pairs);
    while (trial.ll < cur.ll - 1e-12 && scale > 1e-8) {
      scale /= 2;
      next = x.map((v, r) => v + scale * (full[r] as number));
      trial = evaluate(next, pairs);
    }
    converged = Math.max(...full.map(Math.abs)) * scale < 1e-11;
    x = next;
    cur = trial;
  }
  if (!converged || x.some((v) => !Number.isFinite(v) || Math.abs(v) > 50)) {
    throw new RangeError('davidson: Newton iterations did not converge to a finite fit');
  }
  const cov = invert(reduce(cur.info, k).map((row) => reduce(row, k)));
  if (!cov) throw new RangeError('davidson: singular information matrix at the fit');
  // Embed the reduced covariance (reference θ fixed at 0), then centre: Cov(Mθ) = M Σ Mᵀ, M = I − 11ᵀ/k.
  const covTheta = (r: number, s: number): number => (r === k - 1 || s === k - 1 ? 0 : ((cov[r] as number[])[s] as number));
  const rowMean = names.map((_, r) => names.reduce((acc, __, s) => acc + covTheta(r, s), 0) / k);
  const grand = rowMean.reduce((a, b) => a + b, 0) / k;
  const z = normalQuantile(1 - (1 - level) / 2);
  const centre = x.slice(0, k).reduce((a, b) => a + b, 0) / k;
  const record = (i: number): { wins: number; losses: number; ties: number } => {
    let wins = 0;
    let losses = 0;
    let t = 0;
    for (const p of pairs) {
      if (p.i !== i && p.j !== i) continue;
      wins += p.i === i ? p.wi : p.wj;
      losses += p.i === i ? p.wj : p.wi;
      t += p.t;
    }
    return { wins, losses, ties: t };
  };
  const systems = names.map((name, i) => {
    const logStrength = (x[i] as number) - centre;
    const se = Math.sqrt(Math.max(0, covTheta(i, i) - 2 * (rowMean[i] as number) + grand));
    const ci: Interval = [Math.exp(logStrength - z * se), Math.exp(logStrength + z * se)];
    return { name, strength: Math.exp(logStrength), logStrength, logStrengthSe: se, ci, ...record(i) };
  });
  systems.sort((p, q) => q.logStrength - p.logStrength || (p.name < q.name ? -1 : p.name > q.name ? 1 : 0));
  const lam = x[k] as number;
  const lamSe = Math.sqrt((cov[k - 1] as number[])[k - 1] as number);
  return {
    systems,
    tieParameter: Math.exp(lam),
    logTieParameterSe: lamSe,
    tieParameterCi: [Math.exp(lam - z * lamSe), Math.exp(lam + z * lamSe)],
    level,
    logLikelihood: cur.ll,
    iterations,
  };
}

/**
 * Outcome probabilities between two fitted systems.
 *
 * @example
 * // With π_x/π_y = 2 and ν = 0.4714 (the davidson example): D ∝ 2 + 1 + 0.4714·√2 = 11/3,
 * // so x wins 6/11, y wins 3/11, tie 2/11 — the observed shares.
 * davidsonProbabilities(fit, 'x', 'y'); // { aWins: 0.545, bWins: 0.273, tie: 0.182 }
 */
export function davidsonProbabilities(fit: DavidsonFit, a: string, b: string): { aWins: number; bWins: number; tie: number } {
  const sa = fit.systems.find((s) => s.name === a);
  const sb = fit.systems.find((s) => s.name === b);
  if (!sa || !sb) throw new RangeError(`davidsonProbabilities: unknown system ${!sa ? a : b}`);
  const tie = fit.tieParameter * Math.sqrt(sa.strength * sb.strength);
  const d = sa.strength + sb.strength + tie;
  return { aWins: sa.strength / d, bWins: sb.strength / d, tie: tie / d };
}
