// Builds the explorer's data from a run directory in two steps: first every
// judgment and comparison is folded into per-sample columns (small: numbers
// and one character per sample) — for judgments, taken from the report's own
// pass when it is handed over (columns.ts) — then the full records — answers,
// judge replies, both orders — are kept only for the samples whose detail is
// embedded, their judgment lines read back by position (read-back.ts). Which samples those are is decided between the passes, most
// telling first (failures, orders or judges disagreeing, biggest score gaps),
// so a capped file still holds the cases a reader looks for.
import { readFile } from 'node:fs/promises';
import type { Comparison, Judgment, ResponseRecord, Sample } from '../../../core/records.js';
import { comparisonRow, type ComparisonRow } from '../placed.js';
import type { SampleSpans } from '../spans.js';
import type { ReportLayout } from '../../../core/report.js';
import { comparisonKey, judgmentKey, responseKey, type RunStore } from '../../../store/run.js';
import { judgmentColumns, type ExplorerFold } from './columns.js';
import { readSpans } from './read-back.js';
import { type ExplorerComparison, type ExplorerData, type ExplorerDetail, type ExplorerPair, JUDGE_SPREAD, OUTCOME_CHARS, StringTable } from './data.js';

export interface ExplorerOptions {
  /** Samples whose full detail is embedded (default 2000). */
  detailLimit?: number;
  /** The split's samples (caption, profiles, history); the page says when absent. */
  samples?: AsyncIterable<Sample> | Iterable<Sample>;
  /** Why samples are absent, when they are. */
  samplesNote?: string;
  /** Embed the frames the judge saw as thumbnails (report.frames). */
  frames?: boolean;
  /** The report's fold of the judgment logs: with it the logs are not read again in full. */
  fold?: ExplorerFold;
}

export const DEFAULT_DETAIL_LIMIT = 2000;

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

interface PairAcc {
  credit: Float64Array;
  rounds: Uint16Array;
  disagreed: Uint8Array;
  failed: Uint8Array;
}

export async function buildExplorer(store: RunStore, report: ReportLayout, opts: ExplorerOptions = {}): Promise<ExplorerData> {
  const models = [...report.models];
  const metricIds = report.metrics.map((m) => m.id);
  const judges = [...report.judges];
  const modelIx = new Map(models.map((m, i) => [m, i]));
  const metricIx = new Map(metricIds.map((m, i) => [m, i]));
  const judgeIx = new Map(judges.map((j, i) => [j, i]));

  // Sample ids come from the responses (every judged sample has one).
  const fold = opts.fold;
  let idSet = fold?.sampleIds;
  if (!idSet) {
    idSet = new Set<string>();
    for await (const r of store.responses()) idSet.add(r.sampleId);
    for await (const x of store.comparisons()) idSet.add(x.sampleId);
  }
  const ids = [...idSet].sort();
  const sampleIx = new Map(ids.map((id, i) => [id, i]));
  const n = ids.length;
  const nm = metricIds.length;
  const cells = models.length * nm;

  // Pass 1: per (model, metric, judge) sums per sample, failures per (model, metric).
  const { sums, counts, fail } = await judgmentColumns(store, { sampleIx, modelIx, metricIx, judgeIx }, opts.fold);
  const score: (number | null)[][] = [];
  const spread = new Array<number>(n).fill(0);
  for (let cell = 0; cell < cells; cell++) {
    const m = report.metrics[cell % nm]!;
    const range = m.scale.max - m.scale.min || 1;
    const col = new Array<number | null>(n).fill(null);
    for (let s = 0; s < n; s++) {
      let sum = 0;
      let cnt = 0;
      let lo = Infinity;
      let hi = -Infinity;
      for (let ji = 0; ji < judges.length; ji++) {
        const c = counts[cell * judges.length + ji]![s]!;
        if (!c) continue;
        const v = sums[cell * judges.length + ji]![s]!;
        sum += v;
        cnt += c;
        lo = Math.min(lo, v / c);
        hi = Math.max(hi, v / c);
      }
      if (cnt) col[s] = round3(sum / cnt);
      if (hi > lo) spread[s] = Math.max(spread[s]!, round3((hi - lo) / range));
    }
    score.push(col);
  }

  const pairs: ExplorerPair[] = [];
  const pairIx = new Map<string, number>();
  const pairAcc: PairAcc[] = [];
  const pairOf = (x: Pick<Comparison, 'candidate' | 'baseline' | 'metric' | 'judge'>): number | undefined => {
    const c = modelIx.get(x.candidate);
    const b = modelIx.get(x.baseline);
    const m = metricIx.get(x.metric);
    const j = judgeIx.get(x.judge);
    if (c === undefined || b === undefined || m === undefined || j === undefined) return undefined;
    const key = `${c} ${b} ${m} ${j}`;
    let p = pairIx.get(key);
    if (p === undefined) {
      p = pairs.length;
      pairs.push({ c, b, m, j });
      pairIx.set(key, p);
      pairAcc.push({ credit: new Float64Array(n), rounds: new Uint16Array(n), disagreed: new Uint8Array(n), failed: new Uint8Array(n) });
    }
    return p;
  };
  for await (const x of fold?.comparisonRows ?? comparisonRows(store)) {
    const p = pairOf(x);
    const s = sampleIx.get(x.sampleId);
    if (p === undefined || s === undefined) continue;
    const acc = pairAcc[p]!;
    if (x.credit === null) acc.failed[s] = 1;
    else {
      acc.credit[s]! += x.credit;
      acc.rounds[s]!++;
    }
    if (x.disagreed) acc.disagreed[s] = 1;
  }
  const out = pairAcc.map((acc) => {
    let line = '';
    for (let s = 0; s < n; s++) {
      const r = acc.rounds[s]!;
      let ch: string = OUTCOME_CHARS.none;
      if (r) {
        // The mean credit over rounds decides, as `half` does: above ½ a win.
        const mean = acc.credit[s]! / r;
        ch = mean > 0.5 ? OUTCOME_CHARS.win : mean < 0.5 ? OUTCOME_CHARS.loss : OUTCOME_CHARS.tie;
        if (acc.disagreed[s]) ch = ch.toLowerCase();
      } else if (acc.failed[s]) ch = OUTCOME_CHARS.failed;
      line += ch;
    }
    return line;
  });

  // Pairwise judges disagree when one (candidate, baseline, metric) has different outcomes per judge.
  const judgesDisagree = new Uint8Array(n);
  const byCbm = new Map<string, number[]>();
  pairs.forEach((p, i) => {
    const k = `${p.c} ${p.b} ${p.m}`;
    byCbm.set(k, [...(byCbm.get(k) ?? []), i]);
  });
  for (const group of byCbm.values()) {
    if (group.length < 2) continue;
    for (let s = 0; s < n; s++) {
      const seen = new Set(group.map((g) => out[g]![s]!.toUpperCase()).filter((c) => c === 'W' || c === 'L' || c === 'T'));
      if (seen.size > 1) judgesDisagree[s] = 1;
    }
  }

  // Between the passes: which samples get their full detail.
  const limit = opts.detailLimit ?? DEFAULT_DETAIL_LIMIT;
  // Failures outrank disagreeing orders, which outrank disagreeing judges; the spread breaks ties.
  const interest = (s: number): number => {
    let v = 0;
    for (const col of fail) if (col[s]) v += 100;
    for (const line of out) {
      const ch = line[s]!;
      if (ch === 'F') v += 100;
      else if (ch !== ch.toUpperCase()) v += 10;
    }
    if (judgesDisagree[s] || spread[s]! >= JUDGE_SPREAD) v += 5;
    return v + spread[s]!;
  };
  const order = ids.map((_, s) => s);
  if (n > limit) order.sort((a, b) => interest(b) - interest(a) || a - b);
  const chosen = new Set(order.slice(0, limit));

  const st = new StringTable();
  const idRefs = ids.map((id) => st.add(id));
  const detail: Record<number, ExplorerDetail> = {};
  const get = (s: number): ExplorerDetail => (detail[s] ??= { cap: -1, ch: -1, us: -1, h: [], a: [], j: [], c: [], fr: [] });
  for (const s of [...chosen].sort((a, b) => a - b)) get(s);

  // Pass 2: the records of the chosen samples.
  // A key recorded twice shows the record the report kept: a response's last
  // (the one the judges read), a judgment's or comparison's first.
  // The thumbnails are the frames the judge saw (a judgment's manifest); a
  // model's input frames only where no judgment recorded any (older records).
  const frameFiles = new Map<number, string[]>();
  const modelFrames = new Map<number, string[]>();
  const chosenIds = [...chosen].map((s) => ids[s]!);
  const answerAt = new Map<string, number>();
  for await (const r of chosenRecords<ResponseRecord>(store.listFiles(store.responsesDir), fold?.responseSpans, chosenIds, () => store.responses())) {
    const s = sampleIx.get(r.sampleId);
    const mi = modelIx.get(r.model);
    if (s === undefined || mi === undefined || !chosen.has(s)) continue;
    const answer: ExplorerDetail['a'][number] = [mi, st.add(r.answer), st.opt(r.error), r.format.flags.map((f) => st.add(f))];
    const a = get(s).a;
    const k = responseKey(r);
    const at = answerAt.get(k);
    if (at === undefined) answerAt.set(k, a.push(answer) - 1);
    else a[at] = answer;
    if (opts.frames && r.frames && !modelFrames.has(s))
      modelFrames.set(
        s,
        r.frames.frames.map((f) => f.file),
      );
  }
  const seen = new Set<string>();
  for await (const batch of chosenJudgments(store, fold, chosenIds)) {
    for (const j of batch) {
      const s = sampleIx.get(j.sampleId);
      if (s === undefined || !chosen.has(s)) continue;
      const k = judgmentKey(j);
      if (seen.has(k)) continue;
      seen.add(k);
      const mi = modelIx.get(j.model);
      const ki = metricIx.get(j.metric);
      const ji = judgeIx.get(j.judge);
      if (mi === undefined || ki === undefined || ji === undefined) continue;
      get(s).j.push([mi, ki, ji, j.round, j.score, st.opt(j.failure?.kind), st.opt(j.failure?.message), j.raw.map((t) => st.add(t))]);
      if (opts.frames && j.frames?.frames.length && !frameFiles.has(s))
        frameFiles.set(
          s,
          j.frames.frames.map((f) => f.file),
        );
    }
  }
  for (const [s, files] of modelFrames) if (!frameFiles.has(s)) frameFiles.set(s, files);
  const seenComparisons = new Set<string>();
  for await (const x of chosenRecords<Comparison>(store.listFiles(store.comparisonsDir), fold?.comparisonSpans, chosenIds, () => store.comparisons())) {
    const s = sampleIx.get(x.sampleId);
    if (s === undefined || !chosen.has(s)) continue;
    const p = pairOf(x);
    const k = comparisonKey(x);
    if (p === undefined || seenComparisons.has(k)) continue;
    seenComparisons.add(k);
    const orders = x.orders.map(
      (o) => [st.add(o.order), st.opt(o.verdict), st.opt(o.outcome), st.opt(o.failure?.message), o.raw.map((t) => st.add(t))] as ExplorerComparison[4][number],
    );
    get(s).c.push([p, x.round, st.opt(x.outcome), st.opt(x.failure?.message), orders]);
  }

  const notes: string[] = [];
  if (n > limit)
    notes.push(
      `Full detail (answers, judge replies) is embedded for ${limit} of ${n} samples, the most telling first (failures, disagreeing orders or judges, biggest score spreads); the others show their figures only.`,
    );
  if (opts.samples) {
    for await (const sample of opts.samples) {
      const s = sampleIx.get(sample.id);
      if (s === undefined || !chosen.has(s)) continue;
      const d = get(s);
      d.cap = st.opt(sample.caption);
      d.ch = st.add(persona(sample.character));
      d.us = st.add(persona(sample.user));
      d.h = sample.history.map((t) => [st.add(t.speaker), st.add(t.text)]);
    }
  } else notes.push(opts.samplesNote ?? 'The split was not available when the report was written: scene, profiles and history are not shown.');
  if (opts.frames) await embedFrames(frameFiles, get, st, notes);

  return {
    v: 1,
    s: st.list,
    models,
    metrics: report.metrics.map((m) => ({ id: m.id, abbr: m.abbr, min: m.scale.min, max: m.scale.max })),
    judges,
    ids: idRefs,
    score,
    fail,
    spread,
    jd: ids.map((_, s) => s).filter((s) => judgesDisagree[s]),
    pairs,
    out,
    detail,
    notes,
  };
}

/** The judgments of the chosen samples, in file order: read back by position when the fold kept their places. */
async function* chosenJudgments(store: RunStore, fold: ExplorerFold | undefined, chosenIds: string[]): AsyncGenerator<Judgment[]> {
  if (!fold?.spans) {
    yield* store.judgmentBatches();
    return;
  }
  for (const file of store.listFiles(store.judgmentsDir)) {
    const spans = fold.spans.get(file);
    if (spans) yield* readSpans<Judgment>(file, spans.spansOf(chosenIds));
  }
}

/** The chosen samples' records of some logs, in file order: read back by position when their places were kept. */
async function* chosenRecords<T>(
  files: string[],
  spans: Map<string, SampleSpans> | undefined,
  chosenIds: string[],
  whole: () => AsyncIterable<T>,
): AsyncGenerator<T> {
  if (!spans) {
    yield* whole();
    return;
  }
  for (const file of files) {
    const at = spans.get(file);
    if (at) for await (const batch of readSpans<T>(file, at.spansOf(chosenIds))) yield* batch;
  }
}

/** The comparisons' rows without the fold: the first record of each key, as the fold keeps. */
async function* comparisonRows(store: RunStore): AsyncGenerator<ComparisonRow> {
  const seen = new Set<string>();
  for await (const x of store.comparisons()) {
    const k = comparisonKey(x);
    if (seen.has(k)) continue;
    seen.add(k);
    yield comparisonRow(x);
  }
}

function persona(p: Sample['character']): string {
  return p.description ? `${p.name}: ${p.description}` : p.name;
}

async function embedFrames(files: Map<number, string[]>, get: (s: number) => ExplorerDetail, st: StringTable, notes: string[]): Promise<void> {
  let missing = 0;
  for (const [s, list] of files) {
    for (const f of list) {
      try {
        const bytes = await readFile(f);
        const mime = f.endsWith('.png') ? 'image/png' : f.endsWith('.webp') ? 'image/webp' : 'image/jpeg';
        get(s).fr.push(st.add(`data:${mime};base64,${bytes.toString('base64')}`));
      } catch {
        missing++;
      }
    }
  }
  if (missing) notes.push(`${missing} frame images were no longer in the frames cache and are not shown.`);
}
