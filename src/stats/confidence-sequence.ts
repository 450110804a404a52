// Anytime-valid confidence sequence for the mean of bounded observations:
// the predictable plug-in empirical-Bernstein (PrPl-EB) sequence of
// Waudby-Smith & Ramdas (2023, JRSS-B, "Estimating means of bounded random
// variables by betting", Theorem 2). With probability ≥ 1 − α the interval
// holds the mean at every t simultaneously, so judging may stop whenever it
// excludes a threshold — the reason `score --until-decided` uses it instead of
// a t interval, which is only valid at a sample size fixed in advance.
//
// Observations must lie in [0, 1] (rescale first: a paired score difference d
// on a scale of width R maps to (d + R) / 2R). With λ_i a bet fixed before
// X_i is seen (from X_1..X_{i−1} only), the interval at t is
//   Σ λ_i X_i / Σ λ_i  ±  (ln(2/α) + Σ v_i ψ(λ_i)) / Σ λ_i,
//   v_i = 4 (X_i − μ̂_{i−1})²,  ψ(λ) = (−ln(1 − λ) − λ) / 4,
//   μ̂_t = (1/2 + Σ_{i≤t} X_i) / (t + 1),  σ̂²_t = (1/4 + Σ_{i≤t} (X_i − μ̂_i)²) / (t + 1),
//   λ_t = min(c, √(2 ln(2/α) / (σ̂²_{t−1} · t · ln(1 + t)))),  c = 1/2.
// Conventions: the running intersection is reported (still valid, never
// wider than before) and clipped to [0, 1]; before any data it is [0, 1].

export interface ConfidenceSequenceOptions {
  /** Miscoverage over all times together, two-sided. Default 0.05. */
  alpha?: number;
  /** Largest bet c in (0, 1). Default 1/2, the paper's choice. */
  truncation?: number;
}

export interface CsState {
  n: number;
  /** The weighted mean Σλx/Σλ (0.5 before data). */
  center: number;
  lower: number;
  upper: number;
}

/** The PrPl-EB confidence sequence, fed one observation at a time. */
export class EmpiricalBernsteinCs {
  readonly alpha: number;
  readonly truncation: number;
  private readonly logTerm: number;
  private t = 0;
  private sumX = 0;
  private sumSq = 0;
  private sumLambda = 0;
  private sumLambdaX = 0;
  private sumPenalty = 0;
  private lo = 0;
  private hi = 1;

  constructor(opts: ConfidenceSequenceOptions = {}) {
    this.alpha = opts.alpha ?? 0.05;
    this.truncation = opts.truncation ?? 0.5;
    if (!(this.alpha > 0 && this.alpha < 1)) throw new RangeError(`confidence sequence: alpha must be in (0, 1), got ${this.alpha}`);
    if (!(this.truncation > 0 && this.truncation < 1)) throw new RangeError(`confidence sequence: truncation must be in (0, 1), got ${this.truncation}`);
    this.logTerm = Math.log(2 / this.alpha);
  }

  /** Add X_t ∈ [0, 1]. */
  push(x: number): void {
    if (!(x >= 0 && x <= 1)) throw new RangeError(`confidence sequence: observation must be in [0, 1], got ${x}`);
    const t = this.t + 1;
    // The bet and the centre use only the past: this is what makes the
    // capital process a supermartingale and the sequence valid at any time.
    const muPrev = (0.5 + this.sumX) / t;
    const varPrev = (0.25 + this.sumSq) / t;
    const lambda = Math.min(this.truncation, Math.sqrt((2 * this.logTerm) / (varPrev * t * Math.log(1 + t))));
    const v = 4 * (x - muPrev) ** 2;
    this.sumLambda += lambda;
    this.sumLambdaX += lambda * x;
    this.sumPenalty += v * ((-Math.log(1 - lambda) - lambda) / 4);
    this.t = t;
    this.sumX += x;
    const mu = (0.5 + this.sumX) / (t + 1);
    this.sumSq += (x - mu) ** 2;
    const center = this.sumLambdaX / this.sumLambda;
    const half = (this.logTerm + this.sumPenalty) / this.sumLambda;
    this.lo = Math.max(this.lo, center - half);
    this.hi = Math.min(this.hi, center + half);
    // An empty running intersection can only happen on the α event; keep a point, not an inverted interval.
    if (this.lo > this.hi) this.lo = this.hi = center;
  }

  state(): CsState {
    return { n: this.t, center: this.t ? this.sumLambdaX / this.sumLambda : 0.5, lower: this.lo, upper: this.hi };
  }
}

/**
 * The sequence's interval after all of `xs` (each in [0, 1]).
 *
 * @example
 * // Twenty 1s at α = 0.05: every bet is the cap 1/2 and v_i = 1/i², so the
 * // lower bound is 1 − (ln 40 + ψ(1/2)·Σ1/i²) / 10 = 1 − 0.37660 = 0.62340.
 * empiricalBernsteinCs(Array(20).fill(1)).lower; // 0.6234047
 * empiricalBernsteinCs([]).upper;                // 1
 */
export function empiricalBernsteinCs(xs: ArrayLike<number>, opts: ConfidenceSequenceOptions = {}): CsState {
  const cs = new EmpiricalBernsteinCs(opts);
  for (let i = 0; i < xs.length; i++) cs.push(xs[i] as number);
  return cs.state();
}

/** A paired difference d ∈ [−width, width] (scores on a scale of that width) mapped into [0, 1]. */
export const toUnit = (d: number, width: number): number => Math.min(1, Math.max(0, (d + width) / (2 * width)));

/** The inverse of toUnit: a [0, 1] bound back in score units. */
export const fromUnit = (u: number, width: number): number => u * 2 * width - width;

export type CsDecision = 'regression' | 'no-regression' | null;

/**
 * The gate's question on a difference interval [lower, upper] (score units):
 * a drop larger than the margin is shown when the interval lies wholly below
 * −margin, its absence when wholly above; otherwise undecided.
 *
 * @example
 * csDecision(-3, -1, 0.5); // 'regression'
 * csDecision(-0.4, 2, 0.5); // 'no-regression'
 * csDecision(-1, 1, 0.5); // null
 */
export function csDecision(lower: number, upper: number, margin: number): CsDecision {
  if (upper < -margin) return 'regression';
  if (lower > -margin) return 'no-regression';
  return null;
}

/**
 * The stopping test of `score --until-decided` for one (candidate, baseline,
 * metric, judge): paired differences on a scale of `width` fed in order, a
 * confidence sequence at `alpha`, decided the first time it lies wholly on one
 * side of −margin. The running intersection only shrinks, so a decision once
 * made stays.
 *
 * @example
 * const t = new MarginTest(9, 0, 0.05);
 * for (let i = 1; i <= 16; i++) t.push(-9, i);
 * t.decision; // 'regression' (first at sample 16)
 */
export class MarginTest {
  readonly cs: EmpiricalBernsteinCs;
  n = 0;
  sum = 0;
  decidedAfter: number | null = null;
  decision: CsDecision = null;

  constructor(
    readonly width: number,
    readonly margin: number,
    alpha: number,
  ) {
    if (!(width > 0)) throw new RangeError(`MarginTest: the scale width must be > 0, got ${width}`);
    this.cs = new EmpiricalBernsteinCs({ alpha });
  }

  /** One paired difference (score units), read at position `at` of the order. */
  push(diff: number, at: number): void {
    this.cs.push(toUnit(diff, this.width));
    this.n++;
    this.sum += diff;
    const [lo, hi] = this.interval();
    const d = csDecision(lo, hi, this.margin);
    if (d && this.decidedAfter === null) {
      this.decidedAfter = at;
      this.decision = d;
    }
  }

  /** The sequence's current interval in score units. */
  interval(): [number, number] {
    const s = this.cs.state();
    return [fromUnit(s.lower, this.width), fromUnit(s.upper, this.width)];
  }
}
