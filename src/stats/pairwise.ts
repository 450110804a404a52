// Pairwise (candidate vs baseline) summaries.
// Units: every *Pct field and `net` are percentages (0–100, net in percentage
// points); `decisive` is a fraction (0–1) and `decisiveCi95` is in percent.
// fmtPct in src/report/format.ts takes percentages, so these print directly.
import { signTest, type PValue } from './binomial.js';
import { wilsonInterval, type Interval } from './intervals.js';
import { bootstrapMeanCi, type BootstrapOptions } from './bootstrap.js';

export interface PairwiseCounts {
  win: number;
  loss: number;
  tie: number;
}

export interface PairwiseSummary extends PValue {
  n: number;
  wins: number;
  losses: number;
  ties: number;
  winPct: number | null;
  lossPct: number | null;
  tiePct: number | null;
  /** winPct − lossPct, in percentage points. */
  net: number | null;
  /** wins / (wins + losses); null when there is no decisive comparison. */
  decisive: number | null;
  /** 100 × decisive. */
  decisivePct: number | null;
  /** Wilson 95% interval of the decisive rate, in percent. */
  decisiveCi95: Interval | null;
}

function checkCount(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0) throw new RangeError(`pairwise: ${name} must be a non-negative integer, got ${v}`);
}

/**
 * Summary of win/loss/tie counts with the exact two-sided sign test on wins
 * vs losses (ties excluded) and a Wilson interval for the decisive rate.
 * With n = 0 every rate is null and p = 1.
 * @example pairwiseSummary({ win: 3, loss: 0, tie: 1 }).p // ≈ 0.2500
 * @example pairwiseSummary({ win: 3, loss: 0, tie: 1 }).net // 75
 */
export function pairwiseSummary(counts: PairwiseCounts): PairwiseSummary {
  const { win, loss, tie } = counts;
  checkCount('win', win);
  checkCount('loss', loss);
  checkCount('tie', tie);
  const n = win + loss + tie;
  const pct = (k: number): number | null => (n === 0 ? null : (100 * k) / n);
  const decisiveN = win + loss;
  const decisive = decisiveN === 0 ? null : win / decisiveN;
  const ci = wilsonInterval(win, decisiveN);
  const test = signTest(win, loss);
  return {
    n,
    wins: win,
    losses: loss,
    ties: tie,
    winPct: pct(win),
    lossPct: pct(loss),
    tiePct: pct(tie),
    net: n === 0 ? null : (100 * (win - loss)) / n,
    decisive,
    decisivePct: decisive === null ? null : 100 * decisive,
    decisiveCi95: ci ? [100 * ci[0], 100 * ci[1]] : null,
    p: test.p,
    log10p: test.log10p,
  };
}

/**
 * Count outcomes ('win' | 'loss' | 'tie'); null outcomes (failures) are skipped.
 * @example countOutcomes(['win', 'tie', null, 'win']) // { win: 2, loss: 0, tie: 1 }
 */
export function countOutcomes(outcomes: Iterable<'win' | 'loss' | 'tie' | null | undefined>): PairwiseCounts {
  const c: PairwiseCounts = { win: 0, loss: 0, tie: 0 };
  for (const o of outcomes) if (o) c[o] += 1;
  return c;
}

export interface CreditSummary extends PairwiseSummary {
  /** Mean credit over samples (0–1): the `half` rule's win rate. */
  meanCredit: number | null;
  /** 100 × meanCredit. */
  creditPct: number | null;
  /** Seeded percentile-bootstrap 95% interval of the credit rate, in percent. */
  creditCi95: Interval | null;
}

/**
 * Summary under the `half` rule, from per-sample credits in [0, 1] (1 = win,
 * 0.5 = tie or split vote, 0 = loss; a sample's credit may already be an
 * average over judges and rounds, e.g. 0.75). The headline is the mean
 * credit. For the sign test each sample counts as a win when its credit is
 * above 1/2, a loss below, a tie at exactly 1/2 — i.e. a sign test of the
 * per-sample credit against the no-preference value. Null credits (failed
 * samples) are skipped.
 * @example creditSummary([1, 0.75, 0.5, null]).meanCredit // 0.75
 * @example creditSummary([1, 0.75, 0.5, null]).wins // 2
 */
export function creditSummary(credits: ReadonlyArray<number | null | undefined>, opts: BootstrapOptions = {}): CreditSummary {
  const valid: number[] = [];
  for (const c of credits) {
    if (c === null || c === undefined) continue;
    if (!(c >= 0 && c <= 1)) throw new RangeError(`creditSummary: credits must be in [0, 1], got ${c}`);
    valid.push(c);
  }
  const counts: PairwiseCounts = { win: 0, loss: 0, tie: 0 };
  let sum = 0;
  for (const c of valid) {
    sum += c;
    if (c > 0.5) counts.win += 1;
    else if (c < 0.5) counts.loss += 1;
    else counts.tie += 1;
  }
  const meanCredit = valid.length === 0 ? null : sum / valid.length;
  const ci = bootstrapMeanCi(valid, opts);
  return {
    ...pairwiseSummary(counts),
    meanCredit,
    creditPct: meanCredit === null ? null : 100 * meanCredit,
    creditCi95: ci ? [100 * ci[0], 100 * ci[1]] : null,
  };
}
