// A segment of a judgment log's index: the rows of the lines in bytes
// [start, end) of the log, as one Apache Arrow IPC record batch (read back
// zero-copy: the columns are views into the file's bytes), with the SHA-256 of
// those bytes. The JSONL stays the source of truth: a segment is used only
// while its bytes hash the same, so whatever rewrote, truncated or replaced
// the log (retry-failed, a merge, a copied shard, a hand edit) the segment no
// longer verifies and the report reads those lines as JSON again.
//
//   runs/<id>/index/v1/judgments/<judge>/<start>-<end>.arrow
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type * as Arrow from 'apache-arrow';
import { STRING_COLUMNS, U32_COLUMNS, type DictColumn, type RowColumns, type StringColumn, type U32Column } from './rows.js';

// apache-arrow takes time and memory to load, and every command opens a run
// store (score must reach its first request fast): it is loaded on the first
// segment read or written, not with this module. Its single-file build is
// loaded, the same library as the package's main entry in one minified file
// (same bytes written, test/store/judgment-index/rows.test.ts): 15 ms and
// +4 MB of RSS against 52 ms and +14 MB for the main entry's ~200 modules,
// whose load, when score sealed its last segment, was the peak RSS of a whole
// 50,000-call run.
export const ARROW_ENTRY = 'apache-arrow/Arrow.esnext.min';
let loaded: typeof Arrow | undefined;
const arrow = (): typeof Arrow => (loaded ??= createRequire(import.meta.url)(ARROW_ENTRY) as typeof Arrow);

// The writer's byte sink, writing each piece to the file as the writer makes
// it. tableToIPC would first join the whole file in memory: a copy of every
// column (~4.5 MB at 50,000 rows), made when a score run seals its last
// segment, the highest point of its memory. The pieces are the same bytes in
// the same order (the writer's own queue, drained as it fills).
type Sink = Arrow.AsyncByteQueue & { fd: number };
let FileSink: (new (fd: number) => Sink) | undefined;
function fileSink(fd: number): Sink {
  FileSink ??= class extends arrow().AsyncByteQueue {
    constructor(readonly fd: number) {
      super();
    }
    override write(value: Parameters<Arrow.AsyncByteQueue['write']>[0]): void {
      const bytes = value as Uint8Array;
      for (let at = 0; at < bytes.byteLength; ) at += writeSync(this.fd, bytes, at, bytes.byteLength - at);
    }
  } as unknown as new (
    fd: number,
  ) => Sink;
  return new FileSink(fd);
}

/** Bumped whenever what a segment holds changes: older segments are then never read. */
export const INDEX_VERSION = 1;

export interface SegmentMeta {
  start: number;
  end: number;
  rows: number;
  sha256: string;
}

export interface Segment extends SegmentMeta {
  columns: RowColumns;
}

/** Where the index of a log lives: runs/<id>/index/v1/<log's folder>/<log's name>/. */
export function indexDirOf(log: string): string {
  const folder = dirname(log);
  return join(dirname(folder), 'index', `v${INDEX_VERSION}`, basename(folder), basename(log, '.jsonl'));
}

const pad = (n: number) => String(n).padStart(16, '0');
const NAME = /^(\d{16})-(\d{16})\.arrow$/;

/** SHA-256 of bytes [start, end) of a file (null when the file is shorter). */
export function hashRange(file: string, start: number, end: number): string | null {
  const fd = openSync(file, 'r');
  try {
    const h = createHash('sha256');
    // 1 MB reads hash as fast as 4 MB ones and hold less at the end of a run.
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let at = start; at < end; ) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, end - at), at);
      if (n === 0) return null;
      h.update(buf.subarray(0, n));
      at += n;
    }
    return h.digest('hex');
  } finally {
    closeSync(fd);
  }
}

/** Segment files of an index by name, chained from byte 0 up to at most `size`: [start, end, path] each. */
export function chainOf(dir: string, size: number): Array<[number, number, string]> {
  if (!existsSync(dir)) return [];
  const byStart = new Map<number, [number, number, string]>();
  for (const f of readdirSync(dir)) {
    const m = NAME.exec(f);
    if (!m) continue;
    const s = Number(m[1]);
    const e = Number(m[2]);
    // Two segments from one start (a report and a score run both wrote one): the longer goes further.
    if (e > s && e <= size && (byStart.get(s)?.[1] ?? -1) < e) byStart.set(s, [s, e, join(dir, f)]);
  }
  const out: Array<[number, number, string]> = [];
  for (let at = 0, next = byStart.get(0); next; next = byStart.get(at)) {
    out.push(next);
    at = next[1];
  }
  return out;
}

/** Drops a log's whole index (after the log is rewritten: no segment of it would verify). */
export function dropIndex(log: string): void {
  rmSync(indexDirOf(log), { recursive: true, force: true });
}

/** Every file of an index that is not in `keep` (stale segments, temp files of a killed writer). */
export function pruneIndex(dir: string, keep: ReadonlySet<string>): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)) if (!keep.has(join(dir, f))) rmSync(join(dir, f), { force: true });
}

/**
 * SHA-256 of a segment's own rows, kept in it: the log's hash proves the
 * segment belongs to those bytes, this one that its columns were not damaged
 * on disk since (a flipped bit in a score column would otherwise go unseen).
 */
export function digestColumns(cols: RowColumns): string {
  const h = createHash('sha256');
  const bytes = (a: ArrayBufferView) => h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  for (const k of STRING_COLUMNS) {
    h.update(JSON.stringify(cols.strings[k].values));
    bytes(cols.strings[k].indices);
  }
  for (const a of [cols.round, cols.score, cols.flags, cols.failure, ...U32_COLUMNS.map((k) => cols.u32[k]), cols.start, cols.end]) bytes(a);
  return h.digest('hex');
}

/** Writes a segment atomically (temp file, then rename): a reader sees all of it or none. */
export function writeSegment(dir: string, columns: RowColumns, meta: SegmentMeta, version = INDEX_VERSION): string {
  const { Dictionary, Field, Float64, Int32, makeData, RecordBatch, RecordBatchFileWriter, Schema, Struct, Uint8, Uint32, Utf8, vectorFromArray } = arrow();
  const dictType = (id: number) => new Dictionary(new Utf8(), new Int32(), id);
  const fields: Arrow.Field[] = [];
  const children: Arrow.Data[] = [];
  const add = (name: string, type: Arrow.DataType, data: Arrow.Data) => {
    fields.push(new Field(name, type, false));
    children.push(data);
  };
  STRING_COLUMNS.forEach((k, id) => {
    const col = columns.strings[k];
    const type = dictType(id);
    const dictionary = vectorFromArray(col.values, new Utf8());
    add(k, type, makeData({ type, length: columns.length, nullCount: 0, data: col.indices, dictionary }));
  });
  add('round', new Int32(), makeData({ type: new Int32(), length: columns.length, nullCount: 0, data: columns.round }));
  add('score', new Float64(), makeData({ type: new Float64(), length: columns.length, nullCount: 0, data: columns.score }));
  add('flags', new Uint8(), makeData({ type: new Uint8(), length: columns.length, nullCount: 0, data: columns.flags }));
  add('failure', new Uint8(), makeData({ type: new Uint8(), length: columns.length, nullCount: 0, data: columns.failure }));
  for (const k of U32_COLUMNS) add(k, new Uint32(), makeData({ type: new Uint32(), length: columns.length, nullCount: 0, data: columns.u32[k] }));
  add('start', new Float64(), makeData({ type: new Float64(), length: columns.length, nullCount: 0, data: columns.start }));
  add('end', new Float64(), makeData({ type: new Float64(), length: columns.length, nullCount: 0, data: columns.end }));
  const metadata = new Map([
    ['rolejudge.index.version', String(version)],
    ['rolejudge.index.start', String(meta.start)],
    ['rolejudge.index.end', String(meta.end)],
    ['rolejudge.index.rows', String(meta.rows)],
    ['rolejudge.index.sha256', meta.sha256],
    ['rolejudge.index.rows-sha256', digestColumns(columns)],
  ]);
  const schema = new Schema(fields, metadata);
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: columns.length, nullCount: 0, children }));
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${pad(meta.start)}-${pad(meta.end)}.arrow`);
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      // What tableToIPC(table, 'file') does, into the file instead of one joined buffer.
      const writer = new RecordBatchFileWriter();
      writer.reset(fileSink(fd), schema);
      writer.write(batch);
      writer.finish();
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return path;
}

/**
 * A segment file read back, or null when it is not a whole, current segment
 * of the range its name says (torn, corrupt, another version, other lengths).
 */
export function readSegment(path: string, start: number, end: number): Segment | null {
  try {
    const table = arrow().tableFromIPC(readFileSync(path));
    const md = table.schema.metadata;
    if (md.get('rolejudge.index.version') !== String(INDEX_VERSION)) return null;
    if (md.get('rolejudge.index.start') !== String(start) || md.get('rolejudge.index.end') !== String(end)) return null;
    const rows = Number(md.get('rolejudge.index.rows'));
    const sha256 = md.get('rolejudge.index.sha256');
    if (!Number.isInteger(rows) || table.numRows !== rows || table.batches.length > 1 || !sha256) return null;
    const one = <T>(name: string, Type: new (...a: never[]) => T): T => {
      const v = table.getChild(name)?.data[0]?.values as unknown;
      if (rows === 0) return new Type(0 as never);
      if (!(v instanceof Type) || (v as unknown as { length: number }).length < rows) throw new Error(`index column ${name}`);
      return (v as unknown as Int32Array).subarray(0, rows) as unknown as T;
    };
    const strings = {} as Record<StringColumn, DictColumn>;
    for (const k of STRING_COLUMNS) {
      const data = table.getChild(k)?.data[0];
      const values = rows === 0 ? [] : (data?.dictionary?.toArray() as string[] | undefined);
      if (!values) return null;
      const indices = one(k, Int32Array);
      for (let i = 0; i < rows; i++) if (indices[i]! < 0 || indices[i]! >= values.length) return null;
      strings[k] = { values: [...values], indices };
    }
    const u32 = {} as Record<U32Column, Uint32Array>;
    for (const k of U32_COLUMNS) u32[k] = one(k, Uint32Array);
    const columns: RowColumns = {
      length: rows,
      strings,
      round: one('round', Int32Array),
      score: one('score', Float64Array),
      flags: one('flags', Uint8Array),
      failure: one('failure', Uint8Array),
      u32,
      start: one('start', Float64Array),
      end: one('end', Float64Array),
    };
    if (digestColumns(columns) !== md.get('rolejudge.index.rows-sha256')) return null;
    return { start, end, rows, sha256, columns };
  } catch {
    return null;
  }
}
