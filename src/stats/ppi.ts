// Prediction-powered inference (Angelopoulos et al., Science 2023): correct
// a judge's estimate with a few human labels. The judge scores the N
// unlabelled samples; on n samples humans scored too, the mean of
// human − judge (the "rectifier") measures the judge's bias and is added
// back. The interval stays valid whatever the judge's bias, and is narrower
// than a human-only interval when the judge tracks the humans.
//
// Conventions (notation of the paper: n labelled, N unlabelled, disjoint):
// - estimate = mean(judge on the N unlabelled) + mean(human − judge on the n labelled);
// - variance = var(judge on the unlabelled)/N + var(human − judge)/n, with
//   sample variances (denominator count − 1), the two parts independent
//   because the samples are disjoint; the labelled set must be a uniform
//   random subset of the split for the correction to be unbiased;
// - interval = estimate ± z_{1−(1−level)/2}·se (normal quantile).
// Fewer than 2 samples on either side gives null: no variance to estimate.
import { normalQuantile } from './distributions.js';
import type { Interval } from './intervals.js';

export interface PpiEstimate {
  /** Prediction-powered estimate. */
  estimate: number;
  se: number;
  ci: Interval;
  level: number;
  /** The uncorrected judge estimate on the unlabelled samples (null: judge gave no decisive verdict). */
  judgeEstimate: number | null;
  /** estimate − judgeEstimate: how much the human labels moved it. */
  correction: number | null;
  /**
   * Human-only estimate on the labelled samples with its normal interval, for
   * comparison (null: humans gave no decisive verdict).
   */
  humanOnly: { estimate: number; se: number; ci: Interval } | null;
  unlabelled: number;
  labelled: number;
}

function mean(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] as number;
  return s / v.length;
}

function sampleVariance(v: ArrayLike<number>): number {
  const m = mean(v);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += ((v[i] as number) - m) ** 2;
  return s / (v.length - 1);
}

function checkFinite(v: ArrayLike<number>, what: string): void {
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) throw new RangeError(`ppi: ${what}[${i}] is not a finite number (${String(v[i])})`);
  }
}

function checkLevel(level: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`ppi: level must be in (0, 1), got ${level}`);
  return normalQuantile(1 - (1 - level) / 2);
}

/**
 * What both estimators check before computing: the level, matching labelled
 * lengths, every value through `check`; null when either side has fewer than
 * 2 values (no variance to estimate). One place, so both refuse alike.
 */
function prepare(
  fn: string,
  unit: string,
  judgeUnlabelled: ArrayLike<number>,
  judgeLabelled: ArrayLike<number>,
  humanLabelled: ArrayLike<number>,
  level: number,
  check: (v: ArrayLike<number>, what: string) => void,
): { z: number; bigN: number; n: number } | null {
  const z = checkLevel(level);
  if (judgeLabelled.length !== humanLabelled.length) {
    throw new RangeError(`${fn}: ${judgeLabelled.length} judge ${unit} but ${humanLabelled.length} human ${unit} on the labelled samples`);
  }
  check(judgeUnlabelled, 'judgeUnlabelled');
  check(judgeLabelled, 'judgeLabelled');
  check(humanLabelled, 'humanLabelled');
  const bigN = judgeUnlabelled.length;
  const n = judgeLabelled.length;
  return bigN < 2 || n < 2 ? null : { z, bigN, n };
}

/**
 * Prediction-powered estimate of a model's mean score.
 *
 * @example
 * // Unlabelled judge scores 6 7 8 5 9 (mean 7, var 2.5); on 4 labelled
 * // samples judge 7 6 8 5, human 6 6 7 3 (human − judge: −1 0 −1 −2, mean −1,
 * // var 2/3). Estimate 7 − 1 = 6; se = sqrt(2.5/5 + (2/3)/4) = 0.8165;
 * // 95% interval 6 ± 1.6003.
 * ppiMean([6, 7, 8, 5, 9], [7, 6, 8, 5], [6, 6, 7, 3]).estimate; // 6
 */
export function ppiMean(
  judgeUnlabelled: ArrayLike<number>,
  judgeLabelled: ArrayLike<number>,
  humanLabelled: ArrayLike<number>,
  level = 0.95,
): PpiEstimate | null {
  const ok = prepare('ppiMean', 'scores', judgeUnlabelled, judgeLabelled, humanLabelled, level, checkFinite);
  if (!ok) return null;
  const { z, bigN, n } = ok;
  const rectifier = Array.from({ length: n }, (_, i) => (humanLabelled[i] as number) - (judgeLabelled[i] as number));
  const judgeEstimate = mean(judgeUnlabelled);
  const estimate = judgeEstimate + mean(rectifier);
  const se = Math.sqrt(sampleVariance(judgeUnlabelled) / bigN + sampleVariance(rectifier) / n);
  const humanMean = mean(humanLabelled);
  const humanSe = Math.sqrt(sampleVariance(humanLabelled) / n);
  return {
    estimate,
    se,
    ci: [estimate - z * se, estimate + z * se],
    level,
    judgeEstimate,
    correction: estimate - judgeEstimate,
    humanOnly: { estimate: humanMean, se: humanSe, ci: [humanMean - z * humanSe, humanMean + z * humanSe] },
    unlabelled: bigN,
    labelled: n,
  };
}

function checkVerdicts(v: ArrayLike<number>, what: string): void {
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== 1 && x !== -1 && x !== 0) throw new RangeError(`ppiDecisiveWinRate: ${what}[${i}] must be +1, -1 or 0, got ${String(x)}`);
  }
}

/**
 * Prediction-powered decisive win rate P(win | decisive) from verdicts
 * (+1 candidate win, −1 loss, 0 tie): judge verdicts on N unlabelled
 * comparisons, judge and human verdicts on n labelled ones.
 *
 * The rate is a ratio of two means, θ = E[win]/E[decisive]; each mean gets
 * its own PPI estimate (Ŵ, D̂, as in ppiMean) and θ̂ = Ŵ/D̂. Its variance is
 * the delta method's: with z = win − θ̂·decisive on the unlabelled judge
 * verdicts and r = (win_h − win_j) − θ̂·(decisive_h − decisive_j) on the
 * labelled ones, var θ̂ = (var z / N + var r / n) / D̂². The interval is
 * θ̂ ± z_{1−(1−level)/2}·se, clipped to [0, 1] (the rate's range).
 * Null when either side has fewer than 2 comparisons or D̂ <= 0.
 *
 * @example
 * // Unlabelled judge: + + − 0 + − (Ŵ part 3/6, D̂ part 5/6); labelled judge
 * // + 0 − +, human + + − −: rectifiers win 0 1 0 −1 (mean 0), decisive 0 1 0 0
 * // (mean 1/4). θ̂ = (1/2)/(13/12) = 6/13.
 * ppiDecisiveWinRate([1, 1, -1, 0, 1, -1], [1, 0, -1, 1], [1, 1, -1, -1]).estimate; // 0.4615
 */
export function ppiDecisiveWinRate(
  judgeUnlabelled: ArrayLike<number>,
  judgeLabelled: ArrayLike<number>,
  humanLabelled: ArrayLike<number>,
  level = 0.95,
): PpiEstimate | null {
  const ok = prepare('ppiDecisiveWinRate', 'verdicts', judgeUnlabelled, judgeLabelled, humanLabelled, level, checkVerdicts);
  if (!ok) return null;
  const { z, bigN, n } = ok;
  const win = (v: number): number => (v === 1 ? 1 : 0);
  const dec = (v: number): number => (v === 0 ? 0 : 1);
  const wu = Array.from({ length: bigN }, (_, i) => win(judgeUnlabelled[i] as number));
  const du = Array.from({ length: bigN }, (_, i) => dec(judgeUnlabelled[i] as number));
  const rw = Array.from({ length: n }, (_, i) => win(humanLabelled[i] as number) - win(judgeLabelled[i] as number));
  const rd = Array.from({ length: n }, (_, i) => dec(humanLabelled[i] as number) - dec(judgeLabelled[i] as number));
  const wHat = mean(wu) + mean(rw);
  const dHat = mean(du) + mean(rd);
  if (!(dHat > 0)) return null;
  const theta = wHat / dHat;
  const zu = wu.map((w, i) => w - theta * (du[i] as number));
  const zl = rw.map((w, i) => w - theta * (rd[i] as number));
  const se = Math.sqrt(sampleVariance(zu) / bigN + sampleVariance(zl) / n) / dHat;
  const judgeEstimate = mean(du) > 0 ? mean(wu) / mean(du) : null;
  const clip = (x: number): number => Math.min(1, Math.max(0, x));
  // Human-only decisive win rate on the labelled comparisons (delta-method se, same form).
  const wh = Array.from({ length: n }, (_, i) => win(humanLabelled[i] as number));
  const dh = Array.from({ length: n }, (_, i) => dec(humanLabelled[i] as number));
  const dhMean = mean(dh);
  let humanOnly: PpiEstimate['humanOnly'] = null;
  if (dhMean > 0) {
    const rate = mean(wh) / dhMean;
    const hse = Math.sqrt(sampleVariance(wh.map((w, i) => w - rate * (dh[i] as number))) / n) / dhMean;
    humanOnly = { estimate: rate, se: hse, ci: [clip(rate - z * hse), clip(rate + z * hse)] };
  }
  return {
    estimate: theta,
    se,
    ci: [clip(theta - z * se), clip(theta + z * se)],
    level,
    judgeEstimate,
    correction: judgeEstimate === null ? null : theta - judgeEstimate,
    humanOnly,
    unlabelled: bigN,
    labelled: n,
  };
}
