// What every format reader provides: a way to cut the file into records and a
// pure mapping from one parsed record to a Sample. Keeping the two apart lets
// validateSplit keep going after a bad record while loadSamples stops at once.

import type { Origin, Sample } from '../core/records.js';
import type { DatasetWarning } from './errors.js';
import { parseJsonText, type JsonText } from './json-stream.js';

export interface ReadContext {
  /** The file as the user named it; used in messages. */
  file: string;
  /** Absolute dataset folder that media paths resolve against. */
  root: string;
  /** Non-fatal problems are appended here. */
  warnings: DatasetWarning[];
}

export type RecordMapper = (value: unknown, at: Origin) => Sample;

export interface FormatReader {
  /** The record key holding the sample id, for duplicate-id messages. */
  idField: string;
  /** Cuts the file into record texts with their starting lines. */
  records(file: string): AsyncIterable<JsonText>;
  /**
   * The same records a chunk's worth at a time, where the reader can: the
   * validating pass before the first call then pays one await per chunk, not
   * one per record (32k of them on a large split).
   */
  recordBatches?(file: string): AsyncIterable<JsonText[]>;
  /** Builds the mapper once per file (loading side files such as profiles). */
  mapper(ctx: ReadContext): Promise<RecordMapper>;
}

/** The reader's records in batches (one record each where it has no batched form). */
export async function* batchesOf(reader: FormatReader, file: string): AsyncGenerator<JsonText[]> {
  if (reader.recordBatches) {
    yield* reader.recordBatches(file);
    return;
  }
  for await (const rec of reader.records(file)) yield [rec];
}

/** Streams Samples from a file, stopping at the first bad record. */
export async function* readWith(reader: FormatReader, ctx: ReadContext): AsyncGenerator<Sample> {
  const map = await reader.mapper(ctx);
  for await (const rec of reader.records(ctx.file)) {
    const at = { file: ctx.file, line: rec.line };
    yield map(parseJsonText(rec, ctx.file), at);
  }
}
