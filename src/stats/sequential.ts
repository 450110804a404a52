// Anytime-valid sequential sign test: judge comparisons one at a time and
// stop as soon as the evidence is conclusive, without inflating the false
// positive rate the way "stop when the fixed-n p-value dips below 0.05" does.
//
// The e-process is a beta-binomial mixture likelihood ratio. Under
// H0: P(win | decisive) = 1/2, for every p the ratio p^W (1−p)^L / (1/2)^(W+L)
// is a non-negative martingale with mean 1; a mixture of martingales over a
// prior on p is one too, so Ville's inequality gives P(sup_t e_t >= 1/α) <= α
// however the stopping time is chosen. The prior is Beta(a, a), symmetric
// about 1/2, which makes the test two-sided: it grows for a winner on either
// side. Closed form: e = 2^(W+L) · B(a + W, a + L) / B(a, a). Ties carry no
// information about the decisive win rate and leave e unchanged.
import { logGamma } from './special.js';

/** One comparison's outcome for the candidate: +1 win, −1 loss, 0 tie. */
export type SignOutcome = 1 | -1 | 0;

/** Default Beta(a, a) concentration: a = 1 is the uniform prior on the win rate. */
export const DEFAULT_MIXTURE_PRIOR = 1;

function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

function checkPrior(a: number): void {
  if (!(a > 0) || !Number.isFinite(a)) throw new RangeError(`sequential sign test: prior must be a finite number > 0, got ${a}`);
}

function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`sequential sign test: alpha must be in (0, 1), got ${alpha}`);
}

/**
 * ln of the beta-binomial mixture e-value after `wins` wins and `losses`
 * losses (ties excluded): (W+L)·ln 2 + ln B(a+W, a+L) − ln B(a, a).
 *
 * @example
 * Math.exp(logMixtureEValue(3, 0));  // 2    (8 · ∫p³dp = 8/4)
 * Math.exp(logMixtureEValue(1, 1));  // 0.667 (4 · ∫p(1−p)dp = 4/6)
 * Math.exp(logMixtureEValue(0, 0));  // 1
 */
export function logMixtureEValue(wins: number, losses: number, prior = DEFAULT_MIXTURE_PRIOR): number {
  checkPrior(prior);
  if (!Number.isInteger(wins) || !Number.isInteger(losses) || wins < 0 || losses < 0) {
    throw new RangeError(`logMixtureEValue: wins and losses must be non-negative integers, got ${wins}, ${losses}`);
  }
  return (wins + losses) * Math.LN2 + logBeta(prior + wins, prior + losses) - logBeta(prior, prior);
}

export interface SequentialOptions {
  /** Level of the test. Default 0.05: decide once e >= 1/α = 20. */
  alpha?: number;
  /** Beta(a, a) prior of the mixture. Default 1 (uniform). */
  prior?: number;
}

export interface SequentialSignTestResult {
  /** Outcomes read (the whole sequence; the test never stops reading early). */
  n: number;
  wins: number;
  losses: number;
  ties: number;
  /** The e-value at the end of the sequence. */
  eValue: number;
  /** ln of the running maximum of e over the sequence. */
  logMaxEValue: number;
  /** Anytime-valid p-value min(1, 1 / sup_t e_t): valid at any stopping time. */
  pAnytime: number;
  /** 1/α, the e-value at which the test decides. */
  threshold: number;
  /** Outcomes read (1-based) when e first reached 1/α; null when it never did. */
  decidedAfter: number | null;
  /** Who was ahead when the test decided; null when undecided. */
  winner: 'candidate' | 'baseline' | null;
}

/** Validate one outcome; anything but +1, −1, 0 is a caller bug. */
function verdictAt(outcomes: ArrayLike<number>, i: number): SignOutcome {
  const v = outcomes[i];
  if (v !== 1 && v !== -1 && v !== 0) throw new RangeError(`sequential sign test: outcome ${i} must be +1, -1 or 0, got ${String(v)}`);
  return v;
}

/**
 * Run the anytime-valid sequential sign test over outcomes in the order they
 * were judged.
 *
 * @example
 * // 5 straight wins: e = 2^5·B(6,1)/B(1,1) = 32/6 = 5.33 < 20, undecided.
 * sequentialSignTest([1, 1, 1, 1, 1]).decidedAfter;   // null
 * // 7 straight wins: e = 128/8 = 16; 8 wins: 256/9 = 28.4 >= 20.
 * sequentialSignTest([1, 0, 1, 1, 1, 1, 1, 1, 1]).decidedAfter; // 9
 */
export function sequentialSignTest(outcomes: ArrayLike<number>, opts: SequentialOptions = {}): SequentialSignTestResult {
  const alpha = opts.alpha ?? 0.05;
  const prior = opts.prior ?? DEFAULT_MIXTURE_PRIOR;
  checkAlpha(alpha);
  checkPrior(prior);
  const logThreshold = -Math.log(alpha);
  let wins = 0;
  let losses = 0;
  let ties = 0;
  let logE = 0;
  let logMax = 0;
  let decidedAfter: number | null = null;
  let winner: SequentialSignTestResult['winner'] = null;
  for (let i = 0; i < outcomes.length; i++) {
    const v = verdictAt(outcomes, i);
    if (v === 0) {
      ties++;
      continue;
    }
    if (v === 1) wins++;
    else losses++;
    logE = logMixtureEValue(wins, losses, prior);
    if (logE > logMax) logMax = logE;
    // A 1e-12 slack: e lands exactly on 1/α for some (W, L, α) and rounding
    // must not decide which side it falls on.
    if (decidedAfter === null && logE >= logThreshold - 1e-12) {
      decidedAfter = i + 1;
      winner = wins > losses ? 'candidate' : 'baseline';
    }
  }
  return {
    n: outcomes.length,
    wins,
    losses,
    ties,
    eValue: Math.exp(logE),
    logMaxEValue: logMax,
    pAnytime: Math.min(1, Math.exp(-logMax)),
    threshold: 1 / alpha,
    decidedAfter,
    winner,
  };
}

/**
 * Exact probability, under a decisive win rate pWin, that a sign-test rule
 * which looks at (wins, losses) after every decisive comparison has rejected
 * by the m-th decisive comparison, for m = 0..maxDecisive. Computed by
 * dynamic programming over the not-yet-rejected paths (O(maxDecisive²)); it
 * gives the exact type-I error of any peeking rule, e.g. the mixture test or
 * the naive fixed-n p < 0.05 rule, without simulation error.
 *
 * @example
 * // Reject on 2 straight wins or 2 straight losses from the start:
 * signRuleCrossing(2, (w, l) => w === 2 || l === 2); // [0, 0, 0.5]
 */
export function signRuleCrossing(maxDecisive: number, rejects: (wins: number, losses: number) => boolean, pWin = 0.5): Float64Array {
  if (!Number.isInteger(maxDecisive) || maxDecisive < 0)
    throw new RangeError(`signRuleCrossing: maxDecisive must be a non-negative integer, got ${maxDecisive}`);
  if (!(pWin >= 0 && pWin <= 1)) throw new RangeError(`signRuleCrossing: pWin must be in [0, 1], got ${pWin}`);
  const crossed = new Float64Array(maxDecisive + 1);
  // alive[w] = P(w wins after m decisive comparisons and no rejection yet).
  let alive = new Float64Array([1]);
  let total = 0;
  for (let m = 1; m <= maxDecisive; m++) {
    const next = new Float64Array(m + 1);
    for (let w = 0; w < alive.length; w++) {
      const mass = alive[w] as number;
      if (mass === 0) continue;
      next[w + 1] = (next[w + 1] as number) + mass * pWin;
      next[w] = (next[w] as number) + mass * (1 - pWin);
    }
    for (let w = 0; w <= m; w++) {
      if ((next[w] as number) > 0 && rejects(w, m - w)) {
        total += next[w] as number;
        next[w] = 0;
      }
    }
    crossed[m] = total;
    alive = next;
  }
  return crossed;
}
