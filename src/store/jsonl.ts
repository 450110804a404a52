// Append-only JSONL logs: the run store's only write path. A record is one
// line; a process killed mid-write leaves at most one torn last line, which
// opening the log cuts off, so a half-written record never parses as valid.
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  readSync,
  fstatSync,
  statSync,
  ftruncateSync,
  renameSync,
  rmSync,
  writeFileSync,
  type WriteStream,
} from 'node:fs';
import { isAscii } from 'node:buffer';
import { dirname } from 'node:path';
import { rethrowDisk, asDiskError } from '../core/disk.js';

/** Cut a torn tail (bytes after the last newline) so appends start on a fresh line. */
export function repairTail(path: string): number {
  if (!existsSync(path)) return 0;
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return 0;
    const chunk = 64 * 1024;
    let end = size;
    const buf = Buffer.alloc(chunk);
    while (end > 0) {
      const start = Math.max(0, end - chunk);
      const n = readSync(fd, buf, 0, end - start, start);
      const idx = buf.subarray(0, n).lastIndexOf(0x0a);
      if (idx >= 0) {
        const keep = start + idx + 1;
        if (keep < size) ftruncateSync(fd, keep);
        return size - keep;
      }
      end = start;
    }
    ftruncateSync(fd, 0);
    return size;
  } finally {
    closeSync(fd);
  }
}

/** Bytes [start, end) of a log, cut after a newline (see lineRanges). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Cut a log (from byte `from`, a line start) into ranges of about `bytes`
 * each, every cut just after a newline, so each range holds whole lines and
 * together they hold them all.
 */
export function lineRanges(path: string, bytes: number, from = 0): ByteRange[] {
  if (!existsSync(path)) return [];
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const out: ByteRange[] = [];
    const buf = Buffer.alloc(64 * 1024);
    let start = from;
    while (start < size) {
      let cut = start + bytes;
      if (cut >= size) cut = size;
      else {
        // Move the cut just past the next newline (a line longer than the search window just extends the range).
        for (;;) {
          const n = readSync(fd, buf, 0, buf.length, cut);
          if (n === 0) {
            cut = size;
            break;
          }
          const i = buf.subarray(0, n).indexOf(0x0a);
          if (i >= 0) {
            cut += i + 1;
            break;
          }
          cut += n;
        }
      }
      out.push({ start, end: cut });
      start = cut;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

/** Stream the records of a log, one parsed object at a time. */
export async function* readJsonl<T>(path: string): AsyncGenerator<T> {
  for await (const batch of readJsonlBatches<T>(path)) yield* batch;
}

/**
 * Stream the records of a log a chunk's worth at a time. Lines are cut from
 * 1 MiB reads by hand and a chunk of pure ASCII (the usual case: JSON.stringify
 * escapes nothing else, but model text may) is decoded as Latin-1, which costs
 * a copy instead of UTF-8 validation; readline's per-line events, and one await
 * per record, cost more than parsing the JSON on a multi-gigabyte run.
 */
export async function* readJsonlBatches<T>(path: string, range?: ByteRange): AsyncGenerator<T[]> {
  if (!existsSync(path)) return;
  if (range && range.end <= range.start) return;
  // Bytes after the last newline seen: the start of a line still being read.
  let carry: Buffer = Buffer.alloc(0);
  const stream = createReadStream(path, { highWaterMark: 1 << 20, ...(range ? { start: range.start, end: range.end - 1 } : {}) });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const first = chunk.indexOf(0x0a);
    if (first < 0) {
      carry = Buffer.concat([carry, chunk]);
      continue;
    }
    const out: T[] = [];
    // 0x0a never occurs inside a multi-byte UTF-8 sequence, so byte-level cuts are safe.
    pushLines(out, decode(carry.length ? Buffer.concat([carry, chunk.subarray(0, first)]) : chunk.subarray(0, first)));
    const last = chunk.lastIndexOf(0x0a);
    if (last > first) pushLines(out, decode(chunk.subarray(first + 1, last)));
    carry = Buffer.from(chunk.subarray(last + 1));
    if (out.length) yield out;
  }
  const out: T[] = [];
  pushLines(out, decode(carry));
  if (out.length) yield out;
}

function decode(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

function pushLines<T>(out: T[], text: string): void {
  let start = 0;
  let end: number;
  while ((end = text.indexOf('\n', start)) >= 0) {
    const rec = parseLine<T>(text, start, end);
    if (rec !== undefined) out.push(rec);
    start = end + 1;
  }
  const rec = parseLine<T>(text, start, text.length);
  if (rec !== undefined) out.push(rec);
}

/** A record of the line text[start, end); blank and CR-only lines are none, and so is an unparseable one (a torn tail). Every reader of a log cuts lines with this. */
export function parseLine<T>(text: string, start: number, end: number): T | undefined {
  if (end - start === 0 || (end - start === 1 && text.charCodeAt(start) === 13)) return undefined;
  try {
    // JSON.parse allows the "\r" of a CRLF line as trailing whitespace.
    return JSON.parse(text.slice(start, end)) as T;
  } catch {
    // Only a torn final line can be unparseable; repairTail removes it on the next open.
    return undefined;
  }
}

const FLUSH_MS = 50;

/** Told of every line a JsonlWriter appends, and of how far the file is written (the judgment index: judgment-index/feed.ts). */
export interface AppendObserver {
  /** The log's size once its torn tail is cut: where the first appended line starts. */
  open(size: number): void;
  /** One record appended as the line `text` (newline left out). */
  line(record: unknown, text: string): void;
  /** Every byte before `upTo` is in the file. */
  written(upTo: number): void;
  /** The log is closed (after a failed write too: `failed`). */
  close(failed: boolean): Promise<void>;
}

export class JsonlWriter {
  private stream: WriteStream;
  readonly path: string;

  /** The first write error (full disk, lost permission): later appends and close throw it. */
  private failed: Error | null = null;

  /** The file's size once every chunk handed to the stream so far is written. */
  private size = 0;

  constructor(
    path: string,
    private readonly observer?: AppendObserver,
  ) {
    this.path = path;
    try {
      mkdirSync(dirname(path), { recursive: true });
      repairTail(path);
      if (observer) {
        this.size = existsSync(path) ? statSync(path).size : 0;
        observer.open(this.size);
      }
    } catch (err) {
      rethrowDisk(err, path);
    }
    this.stream = createWriteStream(path, { flags: 'a' });
    // Without a listener a write error is an uncaught exception (exit 1, a stack).
    this.stream.on('error', (err) => {
      this.failed ??= asDiskError(err, path) ?? err;
    });
  }

  // Lines appended within a few milliseconds go out as one write of whole
  // lines: a write per record cost a system call per judgment, a visible share
  // of the harness's CPU at a thousand judgments a second.
  private batch = '';
  private scheduled = false;

  /** Each record is one full line; it reaches the file within FLUSH_MS (or at close). */
  append(record: unknown): void {
    if (this.failed) throw this.failed;
    const text = JSON.stringify(record);
    this.observer?.line(record, text);
    this.batch += text + '\n';
    if (this.batch.length >= 1 << 16) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setTimeout(this.flush, FLUSH_MS);
    }
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    if (!this.batch) return;
    const chunk = this.batch;
    this.batch = '';
    if (!this.observer) {
      this.stream.write(chunk);
      return;
    }
    const upTo = (this.size += Buffer.byteLength(chunk));
    this.stream.write(chunk, (err) => err || this.observer!.written(upTo));
  };

  async close(): Promise<void> {
    if (!this.failed) this.flush();
    // 'close' comes after 'finish' or after 'error', so by then a failed write is known.
    await new Promise<void>((res) => {
      if (this.stream.closed) return res();
      this.stream.once('close', () => res());
      if (!this.stream.destroyed) this.stream.end();
    });
    await this.observer?.close(this.failed !== null);
    if (this.failed) throw this.failed;
  }
}

/** Replace a file's contents atomically: readers see the old or the new file, never half. */
export function writeFileAtomic(path: string, data: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    rethrowDisk(err, path);
  }
}

/**
 * Rewrite a log atomically, record by record: `map` returns the record to keep
 * (possibly replaced) or null to drop it. Used to drop failed records before a
 * retry and by --retry-failed, so a log always holds one record per key.
 */
export async function rewriteJsonl<T>(path: string, map: (r: T) => T | null): Promise<void> {
  if (!existsSync(path)) return;
  const tmp = `${path}.tmp-${process.pid}`;
  const out = createWriteStream(tmp);
  // A failed write leaves the old log untouched (the rename never happens) and removes the copy.
  let failed: Error | null = null;
  out.on('error', (err) => (failed ??= err));
  const write = (s: string) => new Promise<void>((res) => (out.write(s) ? res() : out.once('drain', res).once('error', () => res())));
  try {
    for await (const rec of readJsonl<T>(path)) {
      if (failed) break;
      const next = map(rec);
      if (next !== null) await write(JSON.stringify(next) + '\n');
    }
    await new Promise<void>((res) => (out.destroyed ? res() : out.end(() => res())));
    if (failed) throw failed;
    renameSync(tmp, path);
  } catch (err) {
    out.destroy();
    rmSync(tmp, { force: true });
    rethrowDisk(err, path);
  }
}
