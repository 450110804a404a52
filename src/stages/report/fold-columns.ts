// The fold of judgments read from the columnar index (store/judgment-index):
// each row is laid into one reused record and handed to the very addJudgment
// the JSON lines go through, in log order, so the accumulators see the same
// values in the same order — sums, duplicates, spans and every output byte
// are the same as the JSON fold's, with no JSON parsed and nothing allocated per row.
import type { Judgment, Spend } from '../../core/records.js';
import { FAILURE_KINDS, FLAG_ANONYMITY, FLAG_CALL_ID, FLAG_OFFLINE, FLAG_SELF_ID, FLAG_SPEND, type RowColumns } from '../../store/judgment-index/rows.js';
import { addToCell, getOr, scoreCell, type Collected, type ScoreCellData } from './collect.js';
import { SampleSpans } from './spans.js';

const NO_SELF_ID: string[] = [];
const SELF_ID = [''];
/** Kinds 1–7 as the fold names them; 8 stands for any other kind (only counted as a failure). */
const FAILURES = [...FAILURE_KINDS.map((kind) => ({ kind })), { kind: 'other' }] as unknown as Judgment['failure'][];

/** Folds the rows of one index segment of `file` into `c`, as foldLines does with its lines. */
export function foldColumns(c: Collected, file: string, cols: RowColumns): void {
  const spans = getOr((c.spans ??= new Map()), file, () => new SampleSpans());
  const { sampleId, model, metric, judge } = cols.strings;
  const u = cols.u32;
  const spend: Spend = {
    callId: '',
    requests: 0,
    fromCache: 0,
    promptTokens: 0,
    completionTokens: 0,
    promptTokensFromCache: 0,
    completionTokensFromCache: 0,
    cachedPromptTokens: 0,
  };
  const usage = { prompt: 0, completion: 0, total: 0 };
  const sent = { anonymity: false };
  const j = {
    sampleId: '',
    model: '',
    metric: '',
    judge: '',
    round: 0,
    score: null as number | null,
    mode: 'per-response' as Judgment['mode'],
    attempts: 0,
    usage,
    selfId: NO_SELF_ID,
    sent,
    failure: undefined as Judgment['failure'],
    answerChars: 0,
    callId: undefined as string | undefined,
    spend: undefined as Spend | undefined,
  };
  const rec = j as unknown as Judgment;
  // Each (model, metric) cell looked up once per segment, at its first row: the order cells are made in stays the JSON fold's.
  const nMetrics = metric.values.length;
  const cells: Array<ScoreCellData | undefined> = new Array(model.values.length * nMetrics);
  for (let i = 0; i < cols.length; i++) {
    const flags = cols.flags[i]!;
    j.sampleId = sampleId.values[sampleId.indices[i]!]!;
    j.model = model.values[model.indices[i]!]!;
    j.metric = metric.values[metric.indices[i]!]!;
    j.judge = judge.values[judge.indices[i]!]!;
    j.round = cols.round[i]!;
    const score = cols.score[i]!;
    j.score = Number.isNaN(score) ? null : score;
    j.callId = flags & FLAG_CALL_ID ? '' : undefined;
    if (flags & FLAG_SPEND) {
      spend.requests = u.requests[i]!;
      spend.fromCache = u.fromCache[i]!;
      spend.promptTokens = u.promptTokens[i]!;
      spend.completionTokens = u.completionTokens[i]!;
      spend.promptTokensFromCache = u.promptTokensFromCache[i]!;
      spend.completionTokensFromCache = u.completionTokensFromCache[i]!;
      spend.cachedPromptTokens = u.cachedPromptTokens[i]!;
      j.spend = spend;
    } else j.spend = undefined;
    j.mode = flags & FLAG_OFFLINE ? 'offline' : 'per-response';
    j.attempts = u.attempts[i]!;
    usage.prompt = u.usagePrompt[i]!;
    usage.completion = u.usageCompletion[i]!;
    j.selfId = flags & FLAG_SELF_ID ? SELF_ID : NO_SELF_ID;
    sent.anonymity = (flags & FLAG_ANONYMITY) !== 0;
    const f = cols.failure[i]!;
    j.failure = f ? FAILURES[f] : undefined;
    j.answerChars = u.answerChars[i]!;
    const at = model.indices[i]! * nMetrics + metric.indices[i]!;
    if (!addToCell(c, (cells[at] ??= scoreCell(c, j.model, j.metric)), rec)) c.duplicates++;
    spans.add(j.sampleId, cols.start[i]!, cols.end[i]!);
  }
}
