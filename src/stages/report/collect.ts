// Streaming pass over a run directory: each record is read once and folded
// into per-cell accumulators, so memory grows with samples × models × metrics,
// never with the number of judgments or rounds.
import type { RunStore } from '../../store/run.js';
import type { Comparison, Judgment, ResponseRecord, Spend } from '../../core/records.js';
import { ScoreAccumulator } from '../../stats/index.js';
import { comparisonKey, responseKey } from '../../store/run.js';
import type { Counts, FormatRow } from '../../core/report.js';
import { addJudgeSpend, type JudgeSpend } from './judge-spend.js';
import type { LineBatch } from '../../store/lines.js';
import { SampleSpans } from './spans.js';
import { comparisonRow, placed, type ComparisonRow } from './placed.js';

const SEP = '\u0000';

export interface ScoreCellData {
  acc: ScoreAccumulator;
  failures: number;
  /** sampleId → answer length (for the length/score correlation). */
  chars: Map<string, number>;
  /** judge␀sampleId → judgments with a null score (report.html's failure column). */
  nulls?: Map<string, number>;
}

export interface PairCellData {
  /** sampleId → [sum of credits over rounds, rounds] */
  credits: Map<string, [number, number]>;
  failures: number;
  /** sampleId → [candidate chars, baseline chars] */
  chars: Map<string, [number, number]>;
}

export interface PositionCell {
  pairs: number;
  consistent: number;
  verdicts: number;
  firstWins: number;
  /** Single-order verdicts that were ties (the first-position rate leaves them out). */
  ties?: number;
}

export interface Collected {
  models: Set<string>;
  metrics: Set<string>;
  judges: Set<string>;
  scores: Map<string, ScoreCellData>; // model␀metric
  pairs: Map<string, PairCellData>; // candidate␀baseline␀metric␀judge
  position: Map<string, PositionCell>; // judge␀metric
  counts: Counts;
  duplicates: number;
  /** Per-model format tallies (see Report.formats). */
  formats?: Map<string, FormatRow>;
  /** Network spend per judge (judge-spend.ts). */
  judgeSpend?: JudgeSpend;
  /** Accumulators remember each score (to be replayed exactly into another thread's; see partial.ts). */
  keepScores?: boolean;
  /** Judgment log → where each sample's lines are (the explorer reads its embedded samples back from there). */
  spans?: Map<string, SampleSpans>;
  /**
   * Set when the explorer's per-sample columns cannot be taken from the fold
   * exactly (a score that is neither null nor a finite number): it then
   * reads the judgment logs itself. A key seen twice does not set it: both
   * keep the first record of a key.
   */
  explorerInexact?: boolean;
  /** Sample ids of every response and comparison (the explorer's rows). */
  sampleIds?: Set<string>;
  /** Response and comparison log → where each sample's lines are. */
  responseSpans?: Map<string, SampleSpans>;
  comparisonSpans?: Map<string, SampleSpans>;
  /** Every comparison kept (the first of each key, as the report's figures), reduced to what its explorer columns need. */
  comparisonRows?: ComparisonRow[];
}

export const cellKey = (...parts: string[]) => parts.join(SEP);
export const splitKey = (k: string) => k.split(SEP);

export function emptyCounts(): Counts {
  return {
    responses: 0,
    responseErrors: 0,
    invalidFormat: 0,
    judgments: 0,
    judgmentFailures: 0,
    parseFailures: 0,
    judgeErrors: 0,
    emptyAnswers: 0,
    comparisons: 0,
    comparisonFailures: 0,
    selfIdFlags: 0,
    anonymityHits: 0,
    calls: 0,
    promptTokens: 0,
    completionTokens: 0,
    callsFromCache: 0,
    promptTokensFromCache: 0,
    completionTokensFromCache: 0,
    missingResponses: 0,
    truncatedReplies: 0,
    filteredReplies: 0,
    refusedReplies: 0,
  };
}

/** Adds one question's cost: network and cache apart. */
export function addSpend(counts: Counts, s: Spend): void {
  counts.calls += s.requests;
  counts.promptTokens += s.promptTokens;
  counts.completionTokens += s.completionTokens;
  counts.callsFromCache += s.fromCache;
  counts.promptTokensFromCache += s.promptTokensFromCache;
  counts.completionTokensFromCache += s.completionTokensFromCache;
  if (s.cachedPromptTokens) counts.cachedPromptTokens = (counts.cachedPromptTokens ?? 0) + s.cachedPromptTokens;
}

export function getOr<K, V>(m: Map<K, V>, k: K, make: () => V): V {
  let v = m.get(k);
  if (v === undefined) m.set(k, (v = make()));
  return v;
}

export function emptyCollected(opts: { keepScores?: boolean } = {}): Collected {
  return {
    ...(opts.keepScores ? { keepScores: true } : {}),
    models: new Set(),
    metrics: new Set(),
    judges: new Set(),
    scores: new Map(),
    pairs: new Map(),
    position: new Map(),
    counts: emptyCounts(),
    duplicates: 0,
  };
}

/**
 * One response per (sample, model): the last line of a key is the one the
 * judging stages read (RunStore.responseIndex, ResponseLookup), so it is the
 * one counted; earlier copies are reported as duplicates, their spend not
 * added. What is tallied of each is kept small (no answer text), and tallied
 * in the order keys first appear: without duplicates, the order of one pass.
 */
export async function collectResponses(store: RunStore, c: Collected): Promise<void> {
  const kept = new Map<string, ResponseTally>();
  for await (const r of placed<ResponseRecord>(c, (c.responseSpans ??= new Map()), store.listFiles(store.responsesDir))) {
    const k = responseKey(r);
    if (kept.has(k)) c.duplicates++;
    kept.set(k, responseTally(r));
  }
  for (const t of kept.values()) {
    c.counts.responses++;
    if (t.error) c.counts.responseErrors++;
    else {
      if (!t.valid) c.counts.invalidFormat++;
      tallyFormat(c, t);
    }
    if (t.spend) addSpend(c.counts, t.spend);
    else {
      // Records written before spends were kept: one call per network response.
      if (t.network) c.counts.calls++;
      c.counts.promptTokens += t.prompt;
      c.counts.completionTokens += t.completion;
    }
  }
}

/** What the report counts of one response. */
interface ResponseTally {
  model: string;
  kind: ResponseRecord['kind'];
  error: boolean;
  valid: boolean;
  formatPass: boolean;
  flags: readonly string[];
  spend: Spend | undefined;
  network: boolean;
  prompt: number;
  completion: number;
}

function responseTally(r: ResponseRecord): ResponseTally {
  return {
    model: r.model,
    kind: r.kind,
    error: Boolean(r.error),
    valid: r.format.valid,
    // Records from before format_pass was recorded: the same strict check on the raw text.
    formatPass: r.formatPass ?? /<answer>[\s\S]*?<\/answer>/i.test(r.raw),
    flags: r.format.flags,
    spend: r.spend,
    network: r.via === 'network',
    prompt: r.usage?.prompt ?? 0,
    completion: r.usage?.completion ?? 0,
  };
}

export async function collectComparisons(store: RunStore, c: Collected): Promise<void> {
  // Far fewer comparisons than judgments in either protocol: plain string keys do.
  const seen = new Set<string>();
  const rows = (c.comparisonRows ??= []);
  for await (const x of placed<Comparison>(c, (c.comparisonSpans ??= new Map()), store.listFiles(store.comparisonsDir))) {
    const k = comparisonKey(x);
    if (seen.has(k)) {
      c.duplicates++;
      continue;
    }
    seen.add(k);
    rows.push(comparisonRow(x));
    addComparison(c, x);
  }
}

export function foldJudgments(c: Collected, batch: readonly Judgment[]): void {
  for (const j of batch) if (!addJudgment(c, j)) c.duplicates++;
}

/** As foldJudgments, remembering each line's place in `file` for the explorer. */
export function foldLines(c: Collected, file: string, batch: LineBatch<Judgment>): void {
  const spans = getOr((c.spans ??= new Map()), file, () => new SampleSpans());
  const { records, starts, ends } = batch;
  for (let i = 0; i < records.length; i++) {
    const j = records[i]!;
    if (!addJudgment(c, j)) c.duplicates++;
    spans.add(j.sampleId, starts[i]!, ends[i]!);
  }
}

/** Folds one judgment in; false for a (sample, model, metric, judge, round) already seen. */
export function addJudgment(c: Collected, j: Judgment): boolean {
  return addToCell(c, scoreCell(c, j.model, j.metric), j);
}

/** The (model, metric) cell, made on first sight (so c.scores keeps first-seen order). */
export function scoreCell(c: Collected, model: string, metric: string): ScoreCellData {
  return getOr(
    c.scores,
    cellKey(model, metric),
    (): ScoreCellData => ({ acc: new ScoreAccumulator({ keepScores: c.keepScores }), failures: 0, chars: new Map() }),
  );
}

/** addJudgment with the judgment's cell already found (the column fold finds it once per model and metric). */
export function addToCell(c: Collected, cell: ScoreCellData, j: Judgment): boolean {
  // The accumulator knows every (sample, judge, round) of its cell, failed ones included.
  if (!cell.acc.add(j.sampleId, j.judge, j.round, j.score)) return false;
  c.models.add(j.model);
  c.metrics.add(j.metric);
  c.judges.add(j.judge);
  c.counts.judgments++;
  if (j.callId !== undefined) {
    // Only one record per question carries its spend (a listwise call fills many).
    if (j.spend) addSpend(c.counts, j.spend);
    if (j.spend) addJudgeSpend((c.judgeSpend ??= new Map()), j.judge, j.spend);
  } else {
    c.counts.calls += j.mode === 'offline' ? 0 : j.attempts;
    c.counts.promptTokens += j.usage?.prompt ?? 0;
    c.counts.completionTokens += j.usage?.completion ?? 0;
  }
  if (j.selfId.length) c.counts.selfIdFlags++;
  if (j.sent?.anonymity) c.counts.anonymityHits++;
  if (j.score === null) {
    const k = cellKey(j.judge, j.sampleId);
    const nulls = (cell.nulls ??= new Map());
    nulls.set(k, (nulls.get(k) ?? 0) + 1);
  } else if (typeof j.score !== 'number' || !Number.isFinite(j.score)) c.explorerInexact = true;
  if (j.failure) {
    cell.failures++;
    c.counts.judgmentFailures++;
    if (j.failure.kind === 'parse') c.counts.parseFailures++;
    else if (j.failure.kind === 'error') c.counts.judgeErrors++;
    else if (j.failure.kind === 'empty-answer') c.counts.emptyAnswers++;
    else if (j.failure.kind === 'missing-response') c.counts.missingResponses++;
    else if (j.failure.kind === 'truncated') c.counts.truncatedReplies++;
    else if (j.failure.kind === 'filtered') c.counts.filteredReplies++;
    else if (j.failure.kind === 'refused') c.counts.refusedReplies++;
  }
  if (j.score !== null) cell.chars.set(j.sampleId, j.answerChars);
  return true;
}

function addComparison(c: Collected, x: Comparison): void {
  c.metrics.add(x.metric);
  c.judges.add(x.judge);
  c.counts.comparisons++;
  if (x.orders.some((o) => o.sent?.anonymity)) c.counts.anonymityHits++;
  for (const o of x.orders) {
    if (o.spend) addSpend(c.counts, o.spend);
    if (o.spend) addJudgeSpend((c.judgeSpend ??= new Map()), x.judge, o.spend);
    else {
      c.counts.calls += o.sent ? o.attempts : 0;
      c.counts.promptTokens += o.usage?.prompt ?? 0;
      c.counts.completionTokens += o.usage?.completion ?? 0;
    }
  }
  const cell = getOr(c.pairs, cellKey(x.candidate, x.baseline, x.metric, x.judge), () => ({ credits: new Map(), failures: 0, chars: new Map() }));
  if (x.credit === null) {
    c.counts.comparisonFailures++;
    cell.failures++;
  } else {
    const cr = getOr(cell.credits, x.sampleId, () => [0, 0] as [number, number]);
    cr[0] += x.credit;
    cr[1]++;
    cell.chars.set(x.sampleId, [x.candidateChars, x.baselineChars]);
  }
  const pos = getOr(c.position, cellKey(x.judge, x.metric), (): PositionCell => ({ pairs: 0, consistent: 0, verdicts: 0, firstWins: 0, ties: 0 }));
  for (const o of x.orders) {
    if (o.verdict === null) continue;
    pos.verdicts++;
    if (o.verdict === 'A') pos.firstWins++;
    else if (o.verdict === 'tie') pos.ties = (pos.ties ?? 0) + 1;
  }
  const ab = x.orders.find((o) => o.order === 'AB');
  const ba = x.orders.find((o) => o.order === 'BA');
  if (ab?.outcome && ba?.outcome) {
    pos.pairs++;
    if (ab.outcome === ba.outcome) pos.consistent++;
  }
}

function tallyFormat(c: Collected, t: ResponseTally): void {
  const formats = (c.formats ??= new Map());
  let row = formats.get(t.model);
  if (!row) formats.set(t.model, (row = { model: t.model, kind: t.kind, responses: 0, valid: 0, formatPass: 0, flags: {} }));
  row.responses++;
  if (t.valid) row.valid++;
  if (t.formatPass) row.formatPass++;
  for (const f of t.flags) row.flags[f] = (row.flags[f] ?? 0) + 1;
}
