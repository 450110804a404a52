// The explorer's per-sample judgment columns: per (model, metric, judge) the
// sum and count of valid scores per sample, and per (model, metric) the
// judgments with a null score per sample. Taken from the report's own fold
// when it holds them exactly (the usual case: the logs are then read once),
// else from a pass over the logs. Either way a key recorded twice counts
// once, its first record, as in the report's figures.
import type { Judgment } from '../../../core/records.js';
import { judgmentKey, type RunStore } from '../../../store/run.js';
import { splitKey, type Collected } from '../collect.js';

/** What the report's fold hands the explorer (see collect.ts). */
export type ExplorerFold = Pick<Collected, 'scores' | 'spans' | 'explorerInexact' | 'sampleIds' | 'responseSpans' | 'comparisonSpans' | 'comparisonRows'>;

export interface ColumnIndex {
  sampleIx: Map<string, number>;
  modelIx: Map<string, number>;
  metricIx: Map<string, number>;
  judgeIx: Map<string, number>;
}

export interface JudgmentColumns {
  /** Indexed (model × metrics + metric) × judges + judge, then by sample. */
  sums: Float64Array[];
  counts: Uint16Array[];
  /** Indexed model × metrics + metric, then by sample. */
  fail: number[][];
}

function empty(ix: ColumnIndex): JudgmentColumns {
  const n = ix.sampleIx.size;
  const cells = ix.modelIx.size * ix.metricIx.size;
  const nj = ix.judgeIx.size;
  return {
    sums: Array.from({ length: cells * nj }, () => new Float64Array(n)),
    counts: Array.from({ length: cells * nj }, () => new Uint16Array(n)),
    fail: Array.from({ length: cells }, () => new Array<number>(n).fill(0)),
  };
}

export async function judgmentColumns(store: RunStore, ix: ColumnIndex, fold?: ExplorerFold): Promise<JudgmentColumns> {
  return fold && !fold.explorerInexact ? fromFold(fold, ix) : fromLogs(store, ix);
}

/**
 * The fold's accumulators sum each (sample, judge)'s valid scores from 0 in
 * file order, as the pass over the logs does, so the sums are the same
 * floating-point numbers (see ScoreAccumulator.entrySums).
 */
function fromFold(fold: ExplorerFold, ix: ColumnIndex): JudgmentColumns {
  const cols = empty(ix);
  const nm = ix.metricIx.size;
  const nj = ix.judgeIx.size;
  for (const [key, cell] of fold.scores) {
    const [model, metric] = splitKey(key);
    const mi = ix.modelIx.get(model!);
    const ki = ix.metricIx.get(metric!);
    if (mi === undefined || ki === undefined) continue;
    const c = mi * nm + ki;
    for (const [sampleId, judge, sum, count] of cell.acc.entrySums()) {
      const s = ix.sampleIx.get(sampleId);
      const ji = ix.judgeIx.get(judge);
      if (s === undefined || ji === undefined || count === 0) continue;
      cols.sums[c * nj + ji]![s] = sum;
      cols.counts[c * nj + ji]![s] = count;
    }
    for (const [k, nulls] of cell.nulls ?? []) {
      const [judge, sampleId] = splitKey(k);
      const s = ix.sampleIx.get(sampleId!);
      if (s === undefined || !ix.judgeIx.has(judge!)) continue;
      cols.fail[c]![s]! += nulls;
    }
  }
  return cols;
}

async function fromLogs(store: RunStore, ix: ColumnIndex): Promise<JudgmentColumns> {
  const cols = empty(ix);
  const nm = ix.metricIx.size;
  const nj = ix.judgeIx.size;
  const seen = new Set<string>();
  for await (const batch of store.judgmentBatches()) {
    for (const j of batch as Judgment[]) {
      const k = judgmentKey(j);
      if (seen.has(k)) continue;
      seen.add(k);
      const s = ix.sampleIx.get(j.sampleId);
      const mi = ix.modelIx.get(j.model);
      const ki = ix.metricIx.get(j.metric);
      const ji = ix.judgeIx.get(j.judge);
      if (s === undefined || mi === undefined || ki === undefined || ji === undefined) continue;
      const cell = mi * nm + ki;
      if (j.score === null) cols.fail[cell]![s]!++;
      else {
        cols.sums[cell * nj + ji]![s]! += j.score;
        cols.counts[cell * nj + ji]![s]!++;
      }
    }
  }
  return cols;
}
