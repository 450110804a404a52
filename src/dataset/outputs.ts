// Pre-recorded model outputs written by other tools (EBM-RL inference scripts,
// earlier rolejudge runs, a team's own harness). Shapes vary: JSONL or
// concatenated pretty-printed objects; the id is `id` or `problem_id`; the text
// is `raw_output` (full tagged output), `output`, or `model_prediction` (the
// answer EBM-RL's own parser extracted, empty when it failed).

import type { Origin } from '../core/records.js';
import { asId, asRecord, fail } from './fields.js';
import { parseJsonText, splitJsonFile } from './json-stream.js';

export interface RecordedOutput {
  id: string;
  /** What the model said: raw_output, else output, else model_prediction. */
  output: string;
  /** The key `output` was read from, for messages that point at it. */
  field: 'raw_output' | 'output' | 'model_prediction';
  /** The source tool's own extracted answer, when it recorded one. */
  prediction?: string;
  origin: Origin;
  /** Sample fields the outputs file carries (EBM-RL output records do), for checking the join. */
  embedded?: EmbeddedSample;
}

/** The sample an output says it answered. */
export interface EmbeddedSample {
  sessionId?: string;
  assistant?: string;
  user?: string;
  dialogue?: Array<{ speaker: string; text: string }>;
  /** The whole source record, for using the outputs' own samples as the split. */
  record: Record<string, unknown>;
}

function embeddedSample(rec: Record<string, unknown>): EmbeddedSample | undefined {
  const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
  const e: EmbeddedSample = { record: rec };
  const sessionId = str(rec.session_id);
  if (sessionId !== undefined) e.sessionId = sessionId;
  const assistant = str(rec.assistant);
  if (assistant !== undefined) e.assistant = assistant;
  const user = str(rec.user);
  if (user !== undefined) e.user = user;
  if (Array.isArray(rec.dialogue)) {
    e.dialogue = rec.dialogue.map((t) => {
      const turn = (typeof t === 'object' && t !== null ? t : {}) as Record<string, unknown>;
      return { speaker: String(turn.speaker ?? ''), text: String(turn.utterance ?? turn.text ?? '') };
    });
  }
  return Object.keys(e).length > 1 ? e : undefined;
}

export interface DuplicateId {
  id: string;
  /** Every line a record with this id starts on; the first one is kept. */
  lines: number[];
  /**
   * The later records whose text differs from the first's: two answers for
   * one sample, so keeping the first would judge an arbitrary one (the caller
   * refuses them). Empty when every copy says the same.
   */
  conflicts: Array<{ line: number; field: RecordedOutput['field']; output: string }>;
}

export interface OutputsReport {
  outputs: Map<string, RecordedOutput>;
  duplicates: DuplicateId[];
  /** Expected ids with no output (only when expected ids were given). */
  missing: string[];
  /** Ids in the file that were not expected (only when expected ids were given). */
  extra: string[];
}

function optText(at: Origin, rec: Record<string, unknown>, key: string): string | undefined {
  const v = rec[key];
  // Tools write null for "no output"; treat it like an absent key.
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail(at, key, 'a string', v);
  return v;
}

export function toRecordedOutput(value: unknown, at: Origin): RecordedOutput {
  const rec = asRecord(at, value);
  const idField = rec.id !== undefined ? 'id' : 'problem_id';
  const id = asId(at, idField, rec[idField], true);
  const raw = optText(at, rec, 'raw_output');
  const plain = optText(at, rec, 'output');
  const prediction = optText(at, rec, 'model_prediction');
  const output = raw ?? plain ?? prediction;
  if (output === undefined) fail(at, 'raw_output', 'one of "raw_output", "output" or "model_prediction"', undefined);
  const field = raw !== undefined ? 'raw_output' : plain !== undefined ? 'output' : 'model_prediction';
  const out: RecordedOutput = { id, output, field, origin: at };
  if (prediction !== undefined) out.prediction = prediction;
  const embedded = embeddedSample(rec);
  if (embedded) out.embedded = embedded;
  return out;
}

/** Streams recorded outputs; throws a DatasetError at the first bad record. */
export async function* readOutputs(file: string): AsyncGenerator<RecordedOutput> {
  for await (const rec of splitJsonFile(file)) {
    yield toRecordedOutput(parseJsonText(rec, file), { file, line: rec.line });
  }
}

/** Reads a whole outputs file into a map by id, reporting duplicates, missing and extra ids. */
export async function loadOutputs(file: string, expectedIds?: Iterable<string>): Promise<OutputsReport> {
  const outputs = new Map<string, RecordedOutput>();
  const dups = new Map<string, DuplicateId>();
  for await (const out of readOutputs(file)) {
    const first = outputs.get(out.id);
    if (!first) {
      outputs.set(out.id, out);
      continue;
    }
    let d = dups.get(out.id);
    if (!d) dups.set(out.id, (d = { id: out.id, lines: [first.origin.line], conflicts: [] }));
    d.lines.push(out.origin.line);
    if (out.output !== first.output) d.conflicts.push({ line: out.origin.line, field: out.field, output: out.output });
  }
  const duplicates = [...dups.values()];
  if (expectedIds === undefined) return { outputs, duplicates, missing: [], extra: [] };
  const expected = new Set(expectedIds);
  const missing = [...expected].filter((id) => !outputs.has(id));
  const extra = [...outputs.keys()].filter((id) => !expected.has(id));
  return { outputs, duplicates, missing, extra };
}
