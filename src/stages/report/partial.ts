// The judgments of one byte range of a log, folded in a worker thread and
// moved to the main thread as flat arrays (structured clone of nested Maps
// would cost more than the folding). Partials are merged in range order, so a
// report does not depend on which worker took which range.
import { ScoreAccumulator } from '../../stats/index.js';
import type { Collected } from './collect.js';
import type { Counts } from '../../core/report.js';
import { mergeJudgeSpend, type JudgeTally } from './judge-spend.js';
import { SampleSpans, type SpansWire } from './spans.js';

export interface PartialCell {
  key: string;
  failures: number;
  /** Per (sample, judge) entry: its sample, judge, rounds mask and number of valid scores… */
  sampleIds: string[];
  judges: string[];
  masks: Float64Array;
  counts: Uint32Array;
  /** …and all the valid scores, entry after entry, each entry's in arrival order. */
  scores: Float64Array;
  charIds: string[];
  chars: Float64Array;
  /** Null-score judgments per judge␀sampleId (collect.ts ScoreCellData.nulls). */
  nullKeys?: string[];
  nullCounts?: Uint32Array;
}

export interface Partial {
  counts: Counts;
  duplicates: number;
  models: string[];
  metrics: string[];
  judges: string[];
  cells: PartialCell[];
  judgeSpend?: [string, JudgeTally][];
  /** Where the range's samples' lines are (it covers one log). */
  spans?: SpansWire;
  explorerInexact?: boolean;
}

/** Null when an accumulator cannot be moved exactly (then the report runs in one thread). */
export function toPartial(c: Collected): Partial | null {
  const cells: PartialCell[] = [];
  for (const [key, cell] of c.scores) {
    const entries = cell.acc.exportEntries();
    if (!entries) return null;
    const sampleIds = new Array<string>(entries.length);
    const judges = new Array<string>(entries.length);
    const masks = new Float64Array(entries.length);
    const counts = new Uint32Array(entries.length);
    let total = 0;
    for (const e of entries) total += e[3].length;
    const scores = new Float64Array(total);
    let at = 0;
    entries.forEach(([sampleId, judge, mask, list], i) => {
      sampleIds[i] = sampleId;
      judges[i] = judge;
      masks[i] = mask;
      counts[i] = list.length;
      for (const x of list) scores[at++] = x;
    });
    cells.push({
      key,
      failures: cell.failures,
      sampleIds,
      judges,
      masks,
      counts,
      scores,
      charIds: [...cell.chars.keys()],
      chars: Float64Array.from(cell.chars.values()),
      ...(cell.nulls ? { nullKeys: [...cell.nulls.keys()], nullCounts: Uint32Array.from(cell.nulls.values()) } : {}),
    });
  }
  return {
    counts: c.counts,
    duplicates: c.duplicates,
    models: [...c.models],
    metrics: [...c.metrics],
    judges: [...c.judges],
    cells,
    ...(c.judgeSpend ? { judgeSpend: [...c.judgeSpend] } : {}),
    ...(c.spans?.size ? { spans: [...c.spans.values()][0]!.toWire() } : {}),
    ...(c.explorerInexact ? { explorerInexact: true } : {}),
  };
}

/**
 * Fold a partial into `into`. False when the partial shares a (sample, model,
 * metric, judge, round) with what is already there — a duplicate split across
 * ranges, which only a sequential pass resolves exactly; `into` must then be
 * discarded.
 */
export function mergePartial(into: Collected, p: Partial, file?: string): boolean {
  // Numbers only: the per-judge rows (counts.byJudge) are made after merging, from judgeSpend.
  const sum = into.counts as unknown as Record<string, number | undefined>;
  for (const [k, v] of Object.entries(p.counts)) if (typeof v === 'number') sum[k] = (sum[k] ?? 0) + v;
  into.duplicates += p.duplicates;
  if (p.judgeSpend) mergeJudgeSpend((into.judgeSpend ??= new Map()), p.judgeSpend);
  for (const m of p.models) into.models.add(m);
  for (const m of p.metrics) into.metrics.add(m);
  for (const j of p.judges) into.judges.add(j);
  if (p.explorerInexact) into.explorerInexact = true;
  if (p.spans && file !== undefined) {
    const spans = into.spans ?? (into.spans = new Map());
    if (!spans.has(file)) spans.set(file, new SampleSpans());
    spans.get(file)!.absorb(p.spans);
  }
  for (const pc of p.cells) {
    let cell = into.scores.get(pc.key);
    if (!cell) into.scores.set(pc.key, (cell = { acc: new ScoreAccumulator(), failures: 0, chars: new Map() }));
    cell.failures += pc.failures;
    let at = 0;
    for (let i = 0; i < pc.sampleIds.length; i++) {
      const n = pc.counts[i]!;
      if (!cell.acc.absorb(pc.sampleIds[i]!, pc.judges[i]!, pc.masks[i]!, pc.scores.subarray(at, at + n))) return false;
      at += n;
    }
    for (let i = 0; i < pc.charIds.length; i++) cell.chars.set(pc.charIds[i]!, pc.chars[i]!);
    if (pc.nullKeys) {
      const nulls = (cell.nulls ??= new Map());
      for (let i = 0; i < pc.nullKeys.length; i++) nulls.set(pc.nullKeys[i]!, (nulls.get(pc.nullKeys[i]!) ?? 0) + pc.nullCounts![i]!);
    }
  }
  return true;
}
