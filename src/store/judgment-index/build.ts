// Building segments: rows are gathered as lines come (appended by the score
// stage, or read back from the JSONL by a report that found no index) and
// sealed every SEGMENT_ROWS rows, so memory stays bounded at any log size.
import { closeSync, fstatSync, openSync, readSync, rmSync } from 'node:fs';
import type { Judgment } from '../../core/records.js';
import { readLineBatches } from '../lines.js';
import { RowBuffer, type RowColumns } from './rows.js';
import { chainOf, hashRange, indexDirOf, readSegment, writeSegment, type Segment } from './segment.js';
import { logIdentity, stampHolds, writeStamp } from './stamp.js';

/** Rows per segment: a few MB of columns, written in a few milliseconds. */
const SEGMENT_ROWS = 65_536;

/** `ROLEJUDGE_INDEX_SEGMENT_ROWS` makes segments smaller (tests: many segments on a small log). */
export function segmentRows(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.ROLEJUDGE_INDEX_SEGMENT_ROWS);
  return Number.isInteger(n) && n >= 1 ? n : SEGMENT_ROWS;
}

/** Rows covering bytes [from, upTo) of a log, ready to be written once those bytes are. */
export interface Sealed {
  from: number;
  upTo: number;
  columns: RowColumns;
}

export class SegmentBuilder {
  private rows = new RowBuffer();
  /** Set once a record cannot be represented: no later segment would chain, so none is made. */
  dead = false;
  /** Rows after which a segment is sealed. */
  readonly limit = segmentRows();

  constructor(public from: number) {}

  get pending(): number {
    return this.rows.length;
  }

  /**
   * False when the record cannot be represented: the caller seals what came
   * before its line (`stop`), and the builder makes no more segments.
   */
  add(j: Judgment, start: number, end: number): boolean {
    return !this.dead && this.rows.add(j, start, end);
  }

  /** The rows so far as one last segment ending where the unrepresentable line starts. */
  stop(at: number): Sealed | null {
    const s = this.seal(at);
    this.dead = true;
    return s;
  }

  /** The rows so far as covering [from, upTo) (upTo just past a newline). */
  seal(upTo: number): Sealed | null {
    if (this.dead || upTo <= this.from) return null;
    const s: Sealed = { from: this.from, upTo, columns: this.rows.columns() };
    this.from = upTo;
    this.rows = new RowBuffer();
    return s;
  }
}

/** Hashes the sealed bytes as they are in the log now and writes the segment; false if the log is shorter. */
export function writeSealed(log: string, s: Sealed): boolean {
  const sha256 = hashRange(log, s.from, s.upTo);
  if (sha256 === null) return false;
  writeSegment(indexDirOf(log), s.columns, { start: s.from, end: s.upTo, rows: s.columns.length, sha256 });
  return true;
}

/** Where the lines of [start, end) stop: just past the last newline (start when there is none). */
export function lastLineEnd(log: string, start: number, end: number): number {
  const fd = openSync(log, 'r');
  try {
    const buf = Buffer.allocUnsafe(64 * 1024);
    for (let hi = end; hi > start; ) {
      const lo = Math.max(start, hi - buf.length);
      const n = readSync(fd, buf, 0, hi - lo, lo);
      const i = buf.subarray(0, n).lastIndexOf(0x0a);
      if (i >= 0) return lo + i + 1;
      hi = lo;
    }
    return start;
  } finally {
    closeSync(fd);
  }
}

export function fileSize(log: string): number {
  const fd = openSync(log, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}

/**
 * The index segments of a log that chain from byte 0 and whose bytes still
 * hash the same, one at a time (one segment in memory). A segment that does
 * not verify is deleted — it belongs to an older version of the log — and
 * ends the chain: the caller reads the rest of the log as JSON. The hashing
 * is skipped while the log's stamp holds (stamp.ts); a whole chain hashed
 * here is stamped, so the next report skips it.
 */
export function* verifiedSegments(log: string): Generator<Segment> {
  const id = logIdentity(log);
  const chain = chainOf(indexDirOf(log), Number(id?.size ?? 0));
  const trusted = stampHolds(log, chain);
  for (const [start, end, path] of chain) {
    const seg = readSegment(path, start, end);
    if (!seg || (!trusted && hashRange(log, start, end) !== seg.sha256)) {
      rmSync(path, { force: true });
      return;
    }
    yield seg;
  }
  if (!trusted) stampQuietly(log, id, chain);
}

/** A stamp not written costs the next report a hash, nothing else. */
export function stampQuietly(log: string, id: ReturnType<typeof logIdentity>, chain: ReturnType<typeof chainOf>): void {
  try {
    writeStamp(log, id, chain);
  } catch {
    // A read-only run directory: the next report hashes again.
  }
}

/** End of the verified chain of a log's index without reading its rows (0 when none). */
export function indexedUpTo(log: string): number {
  let at = 0;
  for (const seg of verifiedSegments(log)) at = seg.end;
  return at;
}

/**
 * Index bytes [from, to) of a log from its JSON lines (`to` just past a
 * newline), writing a segment every SEGMENT_ROWS rows; returns how far the
 * index now reaches (less than `to` when a line could not be represented).
 */
export async function indexFromJson(log: string, from: number, to: number): Promise<number> {
  const b = new SegmentBuilder(from);
  for await (const batch of readLineBatches<Judgment>(log, { start: from, end: to })) {
    feedBatch(log, b, batch.records, batch.starts, batch.ends, to);
    if (b.dead) return b.from;
  }
  const last = b.seal(to);
  if (last) writeSealed(log, last);
  return b.dead ? b.from : to;
}

/** Rows of one batch of lines into `b`, sealing and writing as segments fill; lines ending at or past `to` are left out. */
export function feedBatch(log: string, b: SegmentBuilder, records: Judgment[], starts: number[], ends: number[], to: number): void {
  for (let i = 0; i < records.length && !b.dead; i++) {
    if (ends[i]! >= to) return;
    if (!b.add(records[i]!, starts[i]!, ends[i]!)) {
      const s = b.stop(starts[i]!);
      if (s) writeSealed(log, s);
      return;
    }
    if (b.pending >= b.limit) {
      const s = b.seal(ends[i]! + 1);
      if (s) writeSealed(log, s);
    }
  }
}
