// Entry point for reading a test split. loadSamples streams: one record is
// parsed, validated, selected and handed over at a time, so a 32k split never
// sits in memory (only the set of ids seen, for duplicate detection).
// validateSplit makes one full pass first and reports every problem up to a
// cap, so a run can refuse to start before anything is written.

import { access } from 'node:fs/promises';
import path from 'node:path';
import type { Sample } from '../core/records.js';
import { ebmRlReader } from './ebm-rl.js';
import { DatasetError, type DatasetWarning } from './errors.js';
import { batchesOf, type FormatReader, type ReadContext } from './format.js';
import { parseJsonText } from './json-stream.js';
import { llavaReader } from './llava.js';
import { nativeReader } from './native.js';
import type { ProfileDb } from './profiles.js';
import { Selector, type Selection } from './selection.js';

export const DATASET_FORMATS = ['rolejudge', 'ebm-rl', 'llava'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

export interface LoadOptions {
  path: string;
  format: DatasetFormat;
  /** Folder media paths resolve against and must stay inside; default: the split file's folder. */
  root?: string;
  /** EBM-RL profiles file (or a loaded database); ebm-rl format only. */
  profiles?: string | ProfileDb;
}

export function readerFor(opts: LoadOptions): FormatReader {
  switch (opts.format) {
    case 'rolejudge':
      return nativeReader;
    case 'ebm-rl':
      return ebmRlReader(opts.profiles);
    case 'llava':
      return llavaReader;
    default:
      throw new Error(`unknown dataset format ${JSON.stringify(opts.format)} (known: ${DATASET_FORMATS.join(', ')})`);
  }
}

function contextFor(opts: LoadOptions, warnings: DatasetWarning[]): ReadContext {
  return { file: opts.path, root: path.resolve(opts.root ?? path.dirname(opts.path)), warnings };
}

function duplicateError(file: string, idField: string, id: string, line: number, firstLine: number): DatasetError {
  return new DatasetError({ file, line, field: idField, expected: 'a unique id', got: `${JSON.stringify(id)}, already used at line ${firstLine}` });
}

/**
 * The selected samples of a split, streamed. Iterating throws the first
 * DatasetError met (bad record, duplicate id, path outside root). `warnings`
 * and `missingIds` fill in as iteration proceeds.
 */
export class SampleStream implements AsyncIterable<Sample> {
  readonly warnings: DatasetWarning[] = [];
  /** Ids asked for with `ids` that the file does not contain (final once iteration ends). */
  missingIds: string[] = [];

  constructor(
    private readonly opts: LoadOptions,
    private readonly selection: Selection = {},
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Sample> {
    // Each iteration re-reads the file; start its bookkeeping afresh.
    this.warnings.length = 0;
    this.missingIds = [];
    const reader = readerFor(this.opts);
    const ctx = contextFor(this.opts, this.warnings);
    const map = await reader.mapper(ctx);
    const selector = new Selector(this.selection);
    const firstLine = new Map<string, number>();
    for await (const rec of reader.records(ctx.file)) {
      const sample = map(parseJsonText(rec, ctx.file), { file: ctx.file, line: rec.line });
      const seen = firstLine.get(sample.id);
      if (seen !== undefined) throw duplicateError(ctx.file, reader.idField, sample.id, rec.line, seen);
      firstLine.set(sample.id, rec.line);
      if (selector.take(sample.id)) yield sample;
      // Stopping early (limit reached, or every requested id found) leaves
      // missingIds empty: either nothing is missing or it is unknowable.
      if (selector.done()) return;
    }
    this.missingIds = selector.missingIds();
  }
}

export function loadSamples(opts: LoadOptions, selection: Selection = {}): SampleStream {
  return new SampleStream(opts, selection);
}

/** Loads the selection into an array: for small splits and tests. */
export async function collectSamples(
  opts: LoadOptions,
  selection: Selection = {},
): Promise<{ samples: Sample[]; warnings: DatasetWarning[]; missingIds: string[] }> {
  const stream = loadSamples(opts, selection);
  const samples: Sample[] = [];
  for await (const s of stream) samples.push(s);
  return { samples, warnings: stream.warnings, missingIds: stream.missingIds };
}

export interface ValidateOptions {
  /** Stop collecting after this many errors (default 20). */
  maxErrors?: number;
  /** Requested ids that are absent are reported in `unknownIds`. */
  selection?: Selection;
  /** Also check that every local clip/frame file exists. */
  checkFiles?: boolean;
  /**
   * Called with every valid sample the selection takes, in split order: lets
   * the one validating pass also survey the selection (ids, inputs), so the
   * split is not read again for that.
   */
  onSelected?: (sample: Sample, line: number) => void;
}

export interface ValidationReport {
  ok: boolean;
  /** Records read (valid or not). */
  records: number;
  /** Samples that passed every check. */
  valid: number;
  errors: DatasetError[];
  warnings: DatasetWarning[];
  /** Ids from selection.ids not present in the split. */
  unknownIds: string[];
  /** Every id in the split (selected or not), in file order. */
  allIds: string[];
}

async function missingFiles(sample: Sample): Promise<Array<{ field: string; file: string }>> {
  const wanted: Array<{ field: string; file: string }> = [];
  if (sample.video?.path) wanted.push({ field: 'video.path', file: sample.video.path });
  sample.video?.frames?.forEach((f, i) => wanted.push({ field: `video.frames[${i}]`, file: f }));
  const missing: Array<{ field: string; file: string }> = [];
  for (const w of wanted) {
    try {
      await access(w.file);
    } catch {
      missing.push(w);
    }
  }
  return missing;
}

/**
 * One full pass over the split, collecting up to maxErrors problems: malformed
 * records, missing or mistyped fields, duplicate ids (naming both lines),
 * media paths escaping the dataset folder, and optionally missing media files.
 * A structural JSON error ends the pass (nothing after it can be located).
 */
export async function validateSplit(opts: LoadOptions, options: ValidateOptions = {}): Promise<ValidationReport> {
  const maxErrors = options.maxErrors ?? 20;
  const warnings: DatasetWarning[] = [];
  const errors: DatasetError[] = [];
  const reader = readerFor(opts);
  const ctx = contextFor(opts, warnings);
  const map = await reader.mapper(ctx);
  const firstLine = new Map<string, number>();
  const selector = options.onSelected ? new Selector(options.selection ?? {}) : null;
  let records = 0;
  let valid = 0;
  const full = () => errors.length >= maxErrors;
  try {
    outer: for await (const batch of batchesOf(reader, ctx.file)) {
      for (const rec of batch) {
        records++;
        try {
          const sample = map(parseJsonText(rec, ctx.file), { file: ctx.file, line: rec.line });
          const seen = firstLine.get(sample.id);
          if (seen !== undefined) throw duplicateError(ctx.file, reader.idField, sample.id, rec.line, seen);
          firstLine.set(sample.id, rec.line);
          if (options.checkFiles) {
            const [missing] = await missingFiles(sample);
            if (missing) {
              throw new DatasetError({ file: ctx.file, line: rec.line, field: missing.field, expected: 'an existing file', got: JSON.stringify(missing.file) });
            }
          }
          valid++;
          if (selector?.take(sample.id)) options.onSelected!(sample, rec.line);
        } catch (err) {
          if (!(err instanceof DatasetError)) throw err;
          errors.push(err);
        }
        if (full()) break outer;
      }
    }
  } catch (err) {
    if (!(err instanceof DatasetError)) throw err;
    if (!full()) errors.push(err);
  }
  if (records === 0 && errors.length === 0) {
    errors.push(new DatasetError({ file: ctx.file, line: 1, expected: 'at least one record', got: 'an empty split' }));
  }
  const ids = options.selection?.ids ?? [];
  // Only meaningful after a complete pass.
  const unknownIds = full() ? [] : ids.filter((id) => !firstLine.has(id));
  return { ok: errors.length === 0 && unknownIds.length === 0, records, valid, errors, warnings, unknownIds, allIds: [...firstLine.keys()] };
}

/** validateSplit that throws the first error instead of reporting. */
export async function assertValidSplit(opts: LoadOptions, options: Omit<ValidateOptions, 'maxErrors'> = {}): Promise<ValidationReport> {
  const report = await validateSplit(opts, { ...options, maxErrors: 1 });
  const [first] = report.errors;
  if (first) throw first;
  if (report.unknownIds.length > 0) {
    throw new Error(`${opts.path}: requested ids not in the split: ${report.unknownIds.join(', ')}`);
  }
  return report;
}
