// The report's one read of the responses and comparisons logs: each record
// with its sample noted and its line's place kept, so report.html's explorer
// needs neither log again in full (it reads its embedded samples back by
// position); and what the explorer's pairwise columns need of each comparison.
import type { Comparison } from '../../core/records.js';
import { readLineBatches } from '../../store/lines.js';
import { SampleSpans } from './spans.js';

/** What report.html's explorer folds of one comparison (explorer/build.ts). */
export interface ComparisonRow {
  sampleId: string;
  candidate: string;
  baseline: string;
  metric: string;
  judge: string;
  credit: number | null;
  /** The orders' outcomes differ. */
  disagreed: boolean;
}

export function comparisonRow(x: Comparison): ComparisonRow {
  const outs = x.orders.map((o) => o.outcome).filter((o) => o !== null);
  return {
    sampleId: x.sampleId,
    candidate: x.candidate,
    baseline: x.baseline,
    metric: x.metric,
    judge: x.judge,
    credit: x.credit,
    disagreed: new Set(outs).size > 1,
  };
}

/** The part of the report's fold `placed` fills (collect.ts's Collected; named here so collect.ts can import this file without a cycle). */
export interface SampleIdsHolder {
  sampleIds?: Set<string>;
}

/** Each record of a log's lines, its place kept in `spansByFile` and its sample in c.sampleIds. */
export async function* placed<T extends { sampleId: string }>(c: SampleIdsHolder, spansByFile: Map<string, SampleSpans>, files: string[]): AsyncGenerator<T> {
  const ids = (c.sampleIds ??= new Set());
  for (const file of files) {
    let spans = spansByFile.get(file);
    if (!spans) spansByFile.set(file, (spans = new SampleSpans()));
    for await (const { records, starts, ends } of readLineBatches<T>(file)) {
      for (let i = 0; i < records.length; i++) {
        const r = records[i]!;
        ids.add(r.sampleId);
        spans.add(r.sampleId, starts[i]!, ends[i]!);
        yield r;
      }
    }
  }
}
