// Pointwise score aggregation for one model × metric.
// Order of averaging: rounds within (sample, judge), then judges within a
// sample, then samples. Each sample therefore weighs the same no matter how
// many judge calls succeeded for it, and each judge weighs the same within a
// sample no matter how many of its rounds parsed.
import { mean, sampleStandardDeviation } from 'simple-statistics';
import { bootstrapMeanCi, type BootstrapOptions } from './bootstrap.js';
import type { Interval } from './intervals.js';

/** Summary of one model × metric over samples. */
export interface ScoreSummary {
  /** Mean over valid samples; null when there are none. */
  mean: number | null;
  /** Number of samples with at least one valid score. */
  n: number;
  /** Sample standard deviation (n - 1) of per-sample means; null when n < 2. */
  sd: number | null;
  /** Seeded percentile-bootstrap 95% interval of the mean; null when n = 0. */
  ci95: Interval | null;
}

/** Minimum resamples for a reported interval, so reports stay comparable. */
export const MIN_SCORE_RESAMPLES = 1000;

/** One pointwise score as the judge stage records it (null/NaN = failed). */
export interface ScoreRecord {
  sampleId: string;
  judge: string;
  round: number;
  score: number | null;
}

/** One (sample, judge) over its rounds: [sum, count, sum of squares] of the valid scores. */
export type RoundCell = [number, number, number];

/** [sum, count, sumSq, rounds seen (bit mask), the valid scores themselves with keepScores]. */
type Cell = [number, number, number, number, number[]?];

// Rounds 0..30 are remembered in a bit mask per (sample, judge); later ones
// (rare: more than 31 rounds) by key.
const MASK_ROUNDS = 31;

/**
 * One sample's judges and their cells side by side, in arrival order:
 * [judge, cell, judge, cell, …]. A sample has a few judges: a scan of one
 * array beats a Map per sample (a report of a large run makes ~700,000 of
 * them, and collecting them was a tenth of its time).
 */
type JudgeCells = Array<string | Cell>;

/** The cells of `jc` by judge name (sums over them then do not depend on arrival order). */
function byJudgeName(jc: JudgeCells): Cell[] {
  if (jc.length === 2) return [jc[1] as Cell];
  const order: number[] = [];
  for (let k = 0; k < jc.length; k += 2) order.push(k);
  // Judge names are distinct within a sample: the order is total, as Array#sort's default on the names.
  order.sort((a, b) => ((jc[a] as string) < (jc[b] as string) ? -1 : 1));
  return order.map((k) => jc[k + 1] as Cell);
}

/**
 * Streaming accumulator. Memory is O(samples × judges): only a running sum,
 * count and the rounds seen per (sample, judge) are kept, never the
 * individual judgments. A (sample, judge, round) added twice — a damaged or
 * hand-merged run — is refused, so it never counts twice.
 * s1: j1's rounds 4 and 2 average 3, then judges 3 and 5 average 4; a round added twice is refused:
 * @example (() => { const acc = new ScoreAccumulator(); acc.add('s1', 'j1', 0, 4); acc.add('s1', 'j1', 1, 2); acc.add('s1', 'j2', 0, 5); return acc.perSample().get('s1'); })() // 4
 * @example (() => { const acc = new ScoreAccumulator(); acc.add('s1', 'j1', 0, 4); return acc.add('s1', 'j1', 0, 4); })() // false
 */
export class ScoreAccumulator {
  // sampleId -> [judge, [sum, count, sumSq, rounds seen], …]
  private readonly cells = new Map<string, JudgeCells>();
  private readonly lateRounds = new Set<string>();
  private memo: Map<string, number> | null = null;
  private readonly keepScores: boolean;

  /**
   * `keepScores` remembers each score so a partial accumulator can be replayed
   * into another one add by add (exportEntries/absorb): floating-point sums then
   * come out exactly as one accumulator fed everything would give them.
   */
  constructor(opts: { keepScores?: boolean } = {}) {
    this.keepScores = Boolean(opts.keepScores);
  }

  /**
   * Add one score; null, NaN and ±Infinity are failures: they count as seen
   * but add nothing. Returns false (and adds nothing) for a (sample, judge,
   * round) already added.
   */
  add(sampleId: string, judge: string, round: number, score: number | null | undefined): boolean {
    if (!Number.isInteger(round) || round < 0) {
      throw new RangeError(`ScoreAccumulator.add: round must be a non-negative integer, got ${round}`);
    }
    this.memo = null;
    const cell = this.cell(sampleId, judge);
    if (round < MASK_ROUNDS) {
      const bit = 1 << round;
      if (cell[3] & bit) return false;
      cell[3] |= bit;
    } else {
      const key = `${sampleId}\u0000${judge}\u0000${round}`;
      if (this.lateRounds.has(key)) return false;
      this.lateRounds.add(key);
    }
    if (score === null || score === undefined || !Number.isFinite(score)) return true;
    cell[0] += score;
    cell[1] += 1;
    cell[2] += score * score;
    if (this.keepScores) (cell[4] ??= []).push(score);
    return true;
  }

  /**
   * Each sample's judges with their round moments, by sample id and judge
   * name (so sums over them do not depend on arrival order): the units of the
   * between-judge and between-round agreement figures. Judges with no valid
   * score on a sample are left out, and samples with none.
   */
  *samples(): Generator<Array<Readonly<RoundCell>>> {
    // perSample's keys: sorted once and remembered, and only samples with a valid score.
    for (const sampleId of this.perSample().keys()) {
      const valid: RoundCell[] = [];
      for (const [sum, count, sumSq] of byJudgeName(this.cells.get(sampleId)!)) if (count > 0) valid.push([sum, count, sumSq]);
      if (valid.length) yield valid;
    }
  }

  /**
   * Every (sample, judge) entry as [sampleId, judge, rounds mask, valid scores
   * in arrival order], for moving a keepScores accumulator between threads.
   * Null when it cannot be moved exactly (no keepScores, or a round past the mask).
   */
  exportEntries(): Array<[string, string, number, number[]]> | null {
    if (!this.keepScores || this.lateRounds.size) return null;
    const out: Array<[string, string, number, number[]]> = [];
    for (const [sampleId, jc] of this.cells)
      for (let k = 0; k < jc.length; k += 2) {
        const c = jc[k + 1] as Cell;
        out.push([sampleId, jc[k] as string, c[3], c[4] ?? []]);
      }
    return out;
  }

  /**
   * Every (sample, judge) seen with the running sum and count of its valid
   * scores, summed in arrival order from 0 (report.html's explorer reads its
   * per-sample columns from here instead of re-reading the logs).
   */
  *entrySums(): Generator<[string, string, number, number]> {
    for (const [sampleId, jc] of this.cells)
      for (let k = 0; k < jc.length; k += 2) {
        const c = jc[k + 1] as Cell;
        yield [sampleId, jc[k] as string, c[0], c[1]];
      }
  }

  /**
   * Replay an exported entry: its rounds join the cell and its scores are
   * added one by one, in order. False (and nothing changed) when it shares a
   * round with what is here: a duplicate across partials, which only a
   * sequential pass can resolve.
   */
  absorb(sampleId: string, judge: string, mask: number, scores: ArrayLike<number>): boolean {
    const cell = this.cell(sampleId, judge);
    if (cell[3] & mask) return false;
    this.memo = null;
    cell[3] |= mask;
    for (let i = 0; i < scores.length; i++) {
      const score = scores[i]!;
      cell[0] += score;
      cell[1] += 1;
      cell[2] += score * score;
    }
    return true;
  }

  // The cell last asked for: a log's lines come sample by sample, rounds of one
  // (sample, judge) in a row, so most adds skip both map lookups.
  private lastSample: string | undefined;
  private lastJudge: string | undefined;
  private lastCell: Cell | undefined;

  private cell(sampleId: string, judge: string): Cell {
    if (sampleId === this.lastSample && judge === this.lastJudge) return this.lastCell!;
    const cell = this.lookUp(sampleId, judge);
    this.lastSample = sampleId;
    this.lastJudge = judge;
    this.lastCell = cell;
    return cell;
  }

  private lookUp(sampleId: string, judge: string): Cell {
    const jc = this.cells.get(sampleId);
    if (!jc) {
      const cell: Cell = [0, 0, 0, 0];
      this.cells.set(sampleId, [judge, cell]);
      return cell;
    }
    for (let k = 0; k < jc.length; k += 2) if (jc[k] === judge) return jc[k + 1] as Cell;
    const cell: Cell = [0, 0, 0, 0];
    jc.push(judge, cell);
    return cell;
  }

  /** Add a record shaped like a Judgment. */
  addRecord(r: ScoreRecord): boolean {
    return this.add(r.sampleId, r.judge, r.round, r.score);
  }

  /**
   * Per-sample scores (judge means averaged), ordered by sample id and summed
   * in judge-name order: floating-point sums then do not depend on the order
   * records arrived in, so a merged or concurrent run reports identical digits.
   */
  perSample(): Map<string, number> {
    // Remembered until the next add: a report asks for it more than once.
    if (this.memo) return this.memo;
    const out = new Map<string, number>();
    for (const sampleId of [...this.cells.keys()].sort()) {
      let s = 0;
      let valid = 0;
      for (const [sum, count] of byJudgeName(this.cells.get(sampleId)!)) {
        if (count === 0) continue;
        s += sum / count;
        valid++;
      }
      if (valid) out.set(sampleId, s / valid);
    }
    this.memo = out;
    return out;
  }

  /** The summary; options control the bootstrap (resamples >= 1000, default 2000). */
  result(opts: SummaryOptions = {}): ScoreSummary {
    return summarizeSampleScores([...this.perSample().values()], opts);
  }
}

/** `ci`: the interval already computed (e.g. in a worker thread) from the same values and options. */
export type SummaryOptions = BootstrapOptions & { ci?: Interval | null };

/**
 * The values a summary's bootstrap resamples: the finite per-sample scores.
 * @example summaryValues([1, NaN, 3, Infinity]) // [1, 3]
 */
export const summaryValues = (values: readonly number[]): number[] => values.filter((v) => Number.isFinite(v));

/**
 * Summary of per-sample scores (already averaged over judges and rounds).
 * @example summarizeSampleScores([1, 2, 3]).mean // 2
 * @example summarizeSampleScores([1, 2, 3]).sd // 1
 */
export function summarizeSampleScores(values: readonly number[], opts: SummaryOptions = {}): ScoreSummary {
  const resamples = opts.resamples ?? 2000;
  if (resamples < MIN_SCORE_RESAMPLES) {
    throw new RangeError(`score intervals need >= ${MIN_SCORE_RESAMPLES} resamples, got ${resamples}`);
  }
  const valid = summaryValues(values);
  const n = valid.length;
  if (n === 0) return { mean: null, n: 0, sd: null, ci95: null };
  return {
    mean: mean(valid),
    n,
    sd: n >= 2 ? sampleStandardDeviation(valid) : null,
    ci95: opts.ci !== undefined ? opts.ci : bootstrapMeanCi(valid, { ...opts, resamples }),
  };
}

/**
 * Convenience: aggregate an iterable of score records in one call.
 * @example aggregateScores([{ sampleId: 's1', judge: 'j', round: 0, score: 4 }, { sampleId: 's2', judge: 'j', round: 0, score: null }]).n // 1
 */
export function aggregateScores(records: Iterable<ScoreRecord>, opts: BootstrapOptions = {}): ScoreSummary {
  const acc = new ScoreAccumulator();
  for (const r of records) acc.addRecord(r);
  return acc.result(opts);
}

/**
 * The "Avg" column: mean of metric means. Null when the list is empty or any
 * metric has no mean — an average over a silently smaller set of metrics
 * would not be comparable with the other rows.
 * @example avgOfMeans([3, 4]) // 3.5
 * @example avgOfMeans([3, null]) // null
 */
export function avgOfMeans(means: ReadonlyArray<number | null>): number | null {
  if (means.length === 0) return null;
  const valid = means.filter((m): m is number => m !== null && Number.isFinite(m));
  return valid.length === means.length ? mean(valid) : null;
}
