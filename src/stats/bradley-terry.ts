// Bradley–Terry ranking of more than two systems from pairwise verdicts:
// P(i beats j) = p_i / (p_i + p_j). Fitted with Hunter's (2004) MM algorithm,
// which increases the likelihood every step and needs no step size.
import { createRng, type Seed } from './rng.js';
import { quantileSorted, type Interval } from './intervals.js';

/** One comparison; `score` is a's credit: 1 = a won, 0 = b won, 0.5 = tie. */
export interface BtComparison {
  a: string;
  b: string;
  score: number;
}

export interface BtOptions {
  /**
   * Virtual comparisons added between every pair of systems, scored as ties.
   * Guarantees a finite fit when a system never wins or never loses, at the
   * cost of a slight pull towards equal strengths. Default 0.1; 0 gives the
   * plain maximum-likelihood fit, which exists only when the win graph is
   * strongly connected (a RangeError is thrown otherwise).
   */
  prior?: number;
  /** Systems to rank (default: every name seen, sorted). */
  systems?: readonly string[];
  maxIter?: number;
  tol?: number;
}

export interface BtSystem {
  name: string;
  /** Strength, normalised to geometric mean 1 over the systems. */
  strength: number;
  /** ln strength; mean 0 over the systems. */
  logStrength: number;
  /** Credit earned in real comparisons (ties count half). */
  wins: number;
  /** Real comparisons the system took part in. */
  comparisons: number;
}

export interface BtFit {
  /** Sorted by strength, strongest first (name breaks exact ties). */
  systems: BtSystem[];
  iterations: number;
  converged: boolean;
}

function systemsOf(comparisons: readonly BtComparison[], given?: readonly string[]): string[] {
  if (given) return [...given];
  const names = new Set<string>();
  for (const c of comparisons) {
    names.add(c.a);
    names.add(c.b);
  }
  return [...names].sort();
}

/** Every system reachable from every other through "earned credit against" edges. */
function stronglyConnected(win: number[][]): boolean {
  const k = win.length;
  const reach = (forward: boolean): number => {
    const seen = new Array<boolean>(k).fill(false);
    const stack = [0];
    seen[0] = true;
    while (stack.length > 0) {
      const i = stack.pop() as number;
      for (let j = 0; j < k; j++) {
        const w = forward ? (win[i] as number[])[j] : (win[j] as number[])[i];
        if (!seen[j] && (w as number) > 0) {
          seen[j] = true;
          stack.push(j);
        }
      }
    }
    return seen.filter(Boolean).length;
  };
  return k <= 1 || (reach(true) === k && reach(false) === k);
}

/**
 * Fit Bradley–Terry strengths.
 * x beat y 2 times in 3: strengths 2 : 1, scaled to geometric mean 1, give √2 and 1/√2:
 * @example bradleyTerry([{ a: 'x', b: 'y', score: 1 }, { a: 'x', b: 'y', score: 1 }, { a: 'x', b: 'y', score: 0 }], { prior: 0 }).systems[0].strength // ≈ 1.4142
 * @example bradleyTerry([{ a: 'y', b: 'x', score: 0 }]).systems.map((s) => s.name) // ['x', 'y']
 */
export function bradleyTerry(comparisons: readonly BtComparison[], opts: BtOptions = {}): BtFit {
  const names = systemsOf(comparisons, opts.systems);
  const k = names.length;
  const index = new Map(names.map((s, i) => [s, i]));
  const prior = opts.prior ?? 0.1;
  if (!(prior >= 0)) throw new RangeError(`bradleyTerry: prior must be >= 0, got ${prior}`);
  const maxIter = opts.maxIter ?? 10000;
  const tol = opts.tol ?? 1e-10;
  // win[i][j] = credit i earned against j; games[i][j] = comparisons of i and j.
  const win = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const games = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const realWins = new Array<number>(k).fill(0);
  const realGames = new Array<number>(k).fill(0);
  for (const c of comparisons) {
    const i = index.get(c.a);
    const j = index.get(c.b);
    if (i === undefined || j === undefined || i === j) {
      throw new RangeError(`bradleyTerry: bad comparison ${c.a} vs ${c.b}`);
    }
    if (!(c.score >= 0 && c.score <= 1)) throw new RangeError(`bradleyTerry: score must be in [0, 1], got ${c.score}`);
    (win[i] as number[])[j] = ((win[i] as number[])[j] as number) + c.score;
    (win[j] as number[])[i] = ((win[j] as number[])[i] as number) + 1 - c.score;
    (games[i] as number[])[j] = ((games[i] as number[])[j] as number) + 1;
    (games[j] as number[])[i] = ((games[j] as number[])[i] as number) + 1;
    realWins[i] = (realWins[i] as number) + c.score;
    realWins[j] = (realWins[j] as number) + 1 - c.score;
    realGames[i] = (realGames[i] as number) + 1;
    realGames[j] = (realGames[j] as number) + 1;
  }
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      if (i === j) continue;
      (win[i] as number[])[j] = ((win[i] as number[])[j] as number) + prior / 2;
      (games[i] as number[])[j] = ((games[i] as number[])[j] as number) + prior;
    }
  }
  if (!stronglyConnected(win)) {
    throw new RangeError('bradleyTerry: no finite maximum-likelihood fit (some group of systems never loses to the rest); use prior > 0');
  }
  if (k < 2) {
    const systems = names.map((name, i) => ({
      name,
      strength: 1,
      logStrength: 0,
      wins: realWins[i] as number,
      comparisons: realGames[i] as number,
    }));
    return { systems, iterations: 0, converged: true };
  }
  const totalWins = win.map((row) => row.reduce((s, v) => s + v, 0));
  let logP = new Array<number>(k).fill(0);
  let converged = false;
  let iterations = 0;
  for (iterations = 1; iterations <= maxIter; iterations++) {
    const p = logP.map(Math.exp);
    const next = p.map((pi, i) => {
      let denom = 0;
      for (let j = 0; j < k; j++) {
        const nij = (games[i] as number[])[j] as number;
        if (j !== i && nij > 0) denom += nij / (pi + (p[j] as number));
      }
      return Math.log(totalWins[i] as number) - Math.log(denom);
    });
    const centre = next.reduce((s, v) => s + v, 0) / k;
    const normalised = next.map((v) => v - centre);
    const change = Math.max(...normalised.map((v, i) => Math.abs(v - (logP[i] as number))));
    logP = normalised;
    if (change < tol) {
      converged = true;
      break;
    }
  }
  const systems = names.map((name, i) => ({
    name,
    strength: Math.exp(logP[i] as number),
    logStrength: logP[i] as number,
    wins: realWins[i] as number,
    comparisons: realGames[i] as number,
  }));
  systems.sort((x, y) => y.logStrength - x.logStrength || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return { systems, iterations: Math.min(iterations, maxIter), converged };
}

export interface BtSystemWithCi extends BtSystem {
  /** Percentile-bootstrap 95% interval of the strength. */
  ci95: Interval;
  /** Percentile-bootstrap 95% interval of the rank (1 = strongest). */
  rankCi95: Interval;
}

export interface BtBootstrapFit {
  systems: BtSystemWithCi[];
  iterations: number;
  converged: boolean;
  resamples: number;
}

/**
 * Bradley–Terry fit with seeded bootstrap intervals: comparisons are
 * resampled with replacement and refitted. prior must be > 0 here because a
 * resample can easily leave a system without a win.
 * @example bradleyTerryBootstrap([{ a: 'x', b: 'y', score: 1 }, { a: 'x', b: 'y', score: 0.5 }], { resamples: 20 }).systems[0].wins // 1.5
 */
export function bradleyTerryBootstrap(
  comparisons: readonly BtComparison[],
  opts: BtOptions & { resamples?: number; seed?: Seed; level?: number } = {},
): BtBootstrapFit {
  const resamples = opts.resamples ?? 1000;
  const level = opts.level ?? 0.95;
  const prior = opts.prior ?? 0.1;
  if (!(prior > 0)) throw new RangeError('bradleyTerryBootstrap: prior must be > 0');
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError('bradleyTerryBootstrap: resamples must be a positive integer');
  const systemsList = systemsOf(comparisons, opts.systems);
  const base = bradleyTerry(comparisons, { ...opts, prior, systems: systemsList });
  const rng = createRng(opts.seed ?? 1);
  const logs = new Map(systemsList.map((s) => [s, new Float64Array(resamples)]));
  const ranks = new Map(systemsList.map((s) => [s, new Float64Array(resamples)]));
  const n = comparisons.length;
  const buf = new Array<BtComparison>(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) buf[i] = comparisons[rng.int(n)] as BtComparison;
    const fit = bradleyTerry(buf, { ...opts, prior, systems: systemsList });
    fit.systems.forEach((s, rank) => {
      (logs.get(s.name) as Float64Array)[r] = s.logStrength;
      (ranks.get(s.name) as Float64Array)[r] = rank + 1;
    });
  }
  const a = (1 - level) / 2;
  const interval = (v: Float64Array): Interval => {
    const sorted = Float64Array.from(v).sort();
    return [quantileSorted(sorted, a), quantileSorted(sorted, 1 - a)];
  };
  return {
    systems: base.systems.map((s) => {
      const [lo, hi] = interval(logs.get(s.name) as Float64Array);
      return { ...s, ci95: [Math.exp(lo), Math.exp(hi)], rankCi95: interval(ranks.get(s.name) as Float64Array) };
    }),
    iterations: base.iterations,
    converged: base.converged,
    resamples,
  };
}
