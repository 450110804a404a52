// Judge-bias diagnostics: does the judge reward length, and does it reward
// whichever answer it sees first? Inputs are structural subsets of Judgment
// and Comparison (src/types.ts), so those records can be passed directly.
import { mean, sampleStandardDeviation } from 'simple-statistics';
import type { Outcome, Verdict } from '../core/records.js';
import { pearson, spearman } from './correlation.js';
import { fitLogistic } from './logistic.js';
import { sigmoid } from './distributions.js';
import { signTest, type PValue } from './binomial.js';

export interface LengthScoreCorrelation {
  n: number;
  pearson: number | null;
  spearman: number | null;
}

/**
 * Correlation of answer length with score over judgments with a valid score.
 * @example lengthScoreCorrelation([{ answerChars: 10, score: 1 }, { answerChars: 20, score: 3 }, { answerChars: 30, score: null }]).n // 2
 * @example lengthScoreCorrelation([{ answerChars: 10, score: 1 }, { answerChars: 20, score: 3 }, { answerChars: 30, score: 4 }]).spearman // 1
 */
export function lengthScoreCorrelation(items: Iterable<{ answerChars: number; score: number | null }>): LengthScoreCorrelation {
  const len: number[] = [];
  const sc: number[] = [];
  for (const it of items) {
    if (it.score === null || !Number.isFinite(it.score) || !Number.isFinite(it.answerChars)) continue;
    len.push(it.answerChars);
    sc.push(it.score);
  }
  return { n: len.length, pearson: pearson(len, sc), spearman: spearman(len, sc) };
}

export interface LengthControlledItem {
  outcome: Outcome | null;
  candidateChars: number;
  baselineChars: number;
  /**
   * Extra covariates (same count for every item), coded so that 0 is the
   * reference level: the controlled rate is predicted at 0 for all of them.
   */
  covariates?: readonly number[];
}

export interface LengthControlledResult {
  /** Rows used (ties included only under ties: 'half'). */
  n: number;
  /** Plain mean of the verdicts (win = 1, loss = 0, tie = 0.5 under 'half'). */
  rawWinRate: number | null;
  /** σ(intercept): predicted win probability at zero length difference. */
  lcWinRate: number | null;
  /** Log-odds change per one sd of (candidate − baseline) length. */
  lengthCoef: number | null;
  lengthCoefSe: number | null;
  /** The sd (in characters) the length difference was divided by. */
  lengthScale: number | null;
  meanLengthDiff: number | null;
  converged: boolean;
}

/**
 * Length-controlled win rate: logistic regression of the verdict on the
 * length difference (candidate − baseline) divided by its sd. The difference
 * is scaled but NOT centred, so the intercept is the log-odds at equal
 * lengths, and σ(intercept) is the win rate the candidate would have if it
 * answered exactly as long as the baseline. Ties are excluded by default, or
 * enter as y = 0.5 with ties: 'half'. Failures (null outcome) are skipped.
 * When every length difference is identical the length effect cannot be
 * separated: lcWinRate is then the raw rate if that difference is 0, else null.
 * At equal length 1 win, 1 loss; 20 characters longer 3 wins, 1 loss: the raw rate
 * is 4/6, the rate at equal length (the two-group fit's intercept) is 1/2:
 * @example lengthControlledWinRate([{ outcome: 'win', candidateChars: 5, baselineChars: 5 }, { outcome: 'tie', candidateChars: 9, baselineChars: 5 }]).n // 1
 * @example lengthControlledWinRate([...['win', 'loss'].map((outcome) => ({ outcome, candidateChars: 100, baselineChars: 100 })), ...['win', 'win', 'win', 'loss'].map((outcome) => ({ outcome, candidateChars: 120, baselineChars: 100 }))]).lcWinRate // ≈ 0.5000
 */
export function lengthControlledWinRate(items: Iterable<LengthControlledItem>, opts: { ties?: 'exclude' | 'half'; l2?: number } = {}): LengthControlledResult {
  const ties = opts.ties ?? 'exclude';
  const diffs: number[] = [];
  const ys: number[] = [];
  const extra: (readonly number[])[] = [];
  for (const it of items) {
    if (it.outcome === null) continue;
    if (it.outcome === 'tie' && ties === 'exclude') continue;
    ys.push(it.outcome === 'win' ? 1 : it.outcome === 'loss' ? 0 : 0.5);
    diffs.push(it.candidateChars - it.baselineChars);
    extra.push(it.covariates ?? []);
  }
  const n = ys.length;
  const empty: LengthControlledResult = {
    n,
    rawWinRate: null,
    lcWinRate: null,
    lengthCoef: null,
    lengthCoefSe: null,
    lengthScale: null,
    meanLengthDiff: null,
    converged: false,
  };
  if (n === 0) return empty;
  const rawWinRate = mean(ys);
  const meanLengthDiff = mean(diffs);
  const scale = n >= 2 ? sampleStandardDeviation(diffs) : 0;
  if (!(scale > 0)) {
    const lc = diffs.every((d) => d === 0) ? rawWinRate : null;
    return { ...empty, rawWinRate, lcWinRate: lc, meanLengthDiff, converged: lc !== null };
  }
  const x = diffs.map((d, i) => [d / scale, ...(extra[i] as readonly number[])]);
  const fit = fitLogistic(x, ys, { l2: opts.l2 ?? 0 });
  return {
    n,
    rawWinRate,
    lcWinRate: sigmoid(fit.coef[0] as number),
    lengthCoef: fit.coef[1] as number,
    lengthCoefSe: fit.se ? (fit.se[1] as number) : null,
    lengthScale: scale,
    meanLengthDiff,
    converged: fit.converged,
  };
}

export interface PositionBiasResult {
  /** Pairs judged in both orders with a verdict each time. */
  pairs: number;
  /** Pairs whose candidate outcome is the same in AB and BA order. */
  consistent: number;
  /** consistent / pairs; null when pairs = 0. */
  consistencyRate: number | null;
  /** Non-null ordered verdicts over all pairs (each order counts once). */
  verdicts: number;
  firstWins: number;
  secondWins: number;
  ties: number;
  /** firstWins / verdicts: how often the answer shown as A wins. */
  firstPositionWinRate: number | null;
  /** firstWins / (firstWins + secondWins), 0.5 for an unbiased judge. */
  firstDecisiveRate: number | null;
  /** Sign test of first- vs second-position wins. */
  firstSignTest: PValue;
}

type Ordered = { order: 'AB' | 'BA'; verdict: Verdict | null };

function candidateOutcome(o: Ordered): Outcome | null {
  if (o.verdict === null) return null;
  if (o.verdict === 'tie') return 'tie';
  const candidateIsA = o.order === 'AB';
  return (o.verdict === 'A') === candidateIsA ? 'win' : 'loss';
}

/**
 * Position-bias diagnostics from comparisons judged in both orders
 * ("AB": candidate shown first; "BA": candidate shown second).
 * The judge picks whatever is shown first, so the candidate wins in AB and loses in BA:
 * @example positionBias([{ orders: [{ order: 'AB', verdict: 'A' }, { order: 'BA', verdict: 'A' }] }]).consistencyRate // 0
 * @example positionBias([{ orders: [{ order: 'AB', verdict: 'A' }, { order: 'BA', verdict: 'A' }] }]).firstWins // 2
 */
export function positionBias(comparisons: Iterable<{ orders: readonly Ordered[] }>): PositionBiasResult {
  let pairs = 0;
  let consistent = 0;
  let firstWins = 0;
  let secondWins = 0;
  let ties = 0;
  for (const c of comparisons) {
    for (const o of c.orders) {
      if (o.verdict === 'A') firstWins++;
      else if (o.verdict === 'B') secondWins++;
      else if (o.verdict === 'tie') ties++;
    }
    const ab = c.orders.find((o) => o.order === 'AB');
    const ba = c.orders.find((o) => o.order === 'BA');
    if (!ab || !ba) continue;
    const x = candidateOutcome(ab);
    const y = candidateOutcome(ba);
    if (x === null || y === null) continue;
    pairs++;
    if (x === y) consistent++;
  }
  const verdicts = firstWins + secondWins + ties;
  const test = signTest(firstWins, secondWins);
  return {
    pairs,
    consistent,
    consistencyRate: pairs === 0 ? null : consistent / pairs,
    verdicts,
    firstWins,
    secondWins,
    ties,
    firstPositionWinRate: verdicts === 0 ? null : firstWins / verdicts,
    firstDecisiveRate: firstWins + secondWins === 0 ? null : firstWins / (firstWins + secondWins),
    firstSignTest: { p: test.p, log10p: test.log10p },
  };
}
