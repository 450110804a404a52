// Append-only response cache: JSONL segment files, one new segment per writer,
// plus an in-memory index built at open. One file per entry would not survive
// millions of judge calls; segments are also safe for concurrent processes
// because nobody ever writes into another writer's file.
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SentParams, Usage } from '../core/records.js';
import { scanSegment, SlotIndex } from './cache-index.js';
import { BlockReader } from '../core/block-reader.js';
import { asDiskError } from '../core/disk.js';

/** What a cache line holds. Never the key, never headers. */
export interface CacheEntry {
  h: string;
  content: string;
  usage: Usage | null;
  finishReason: string | null;
  sent: SentParams;
  /**
   * Set on a tombstone: the reply stored under this hash turned out not to be
   * usable (cut off, refused, unreadable), so a later run must ask again.
   */
  untrusted?: true;
}

const SEGMENT = /^cache-.*\.jsonl$/;
// Lines are gathered and written in chunks: one write per entry costs a
// syscall and a callback each, which dominates when thousands finish at once.
// Written entries are served from memory until flushed, so waiting a few
// milliseconds for more costs nothing but what a crash in that window loses.
const FLUSH_BYTES = 1 << 20;
const FLUSH_MS = 50;

interface Writer {
  stream: WriteStream;
  file: number;
  offset: number;
  batch: Buffer[];
  batchBytes: number;
  batchSeqs: Map<string, number>;
  scheduled: boolean;
}

export class DiskCache {
  private readonly index = new SlotIndex();
  private readonly files: string[] = [];
  private readonly readers = new Map<number, BlockReader>();
  /** Entries written but not yet flushed to the segment, by hash. */
  private readonly pending = new Map<string, { seq: number; entry: CacheEntry }>();
  private seq = 0;
  private writer: Writer | null = null;
  private writeError: Error | null = null;

  private constructor(readonly dir: string) {}

  static async open(dir: string): Promise<DiskCache> {
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      throw asDiskError(err, dir) ?? err;
    }
    const cache = new DiskCache(dir);
    const names = (await readdir(dir)).filter((n) => SEGMENT.test(n)).sort();
    for (const name of names) {
      const file = cache.files.push(join(dir, name)) - 1;
      const fh = await open(join(dir, name), 'r');
      try {
        await scanSegment(fh, (h, offset, length) => cache.index.set(h, file, offset, length));
      } finally {
        await fh.close();
      }
    }
    return cache;
  }

  get size(): number {
    return this.index.size;
  }

  async get(hash: string): Promise<CacheEntry | null> {
    const p = this.pending.get(hash);
    if (p) return p.entry.untrusted ? null : p.entry;
    const loc = this.index.get(hash);
    if (!loc) return null;
    const text = await this.reader(loc.file).text(loc.offset, loc.length);
    try {
      const entry = JSON.parse(text) as CacheEntry;
      if (entry.h === hash && entry.untrusted) return null;
      if (entry.h === hash && typeof entry.content === 'string') return entry;
    } catch {
      // A damaged line is a miss, not a failure: the call is simply redone.
    }
    this.index.delete(hash);
    return null;
  }

  put(entry: CacheEntry): void {
    // A cache that cannot be written stops the command (DiskError, exit 4)
    // rather than every later reply being paid for and then not kept.
    if (this.writeError) throw this.writeError;
    const w = this.writer ?? this.startSegment();
    // `h` first: the index scan reads it at a fixed offset.
    const { h, content, usage, finishReason, sent, untrusted } = entry;
    const kept = { h, content, usage, finishReason, sent, ...(untrusted ? { untrusted } : {}) };
    const line = Buffer.from(`${JSON.stringify(kept)}\n`);
    const seq = ++this.seq;
    this.pending.set(h, { seq, entry: kept });
    this.index.set(h, w.file, w.offset, line.length - 1);
    w.offset += line.length;
    w.batch.push(line);
    w.batchBytes += line.length;
    w.batchSeqs.set(h, seq);
    if (w.batchBytes >= FLUSH_BYTES) this.flush(w);
    else if (!w.scheduled) {
      w.scheduled = true;
      setTimeout(() => this.flush(w), FLUSH_MS);
    }
  }

  private flush(w: Writer): void {
    w.scheduled = false;
    if (w.batch.length === 0) return;
    const chunk = Buffer.concat(w.batch, w.batchBytes);
    const seqs = w.batchSeqs;
    w.batch = [];
    w.batchBytes = 0;
    w.batchSeqs = new Map();
    w.stream.write(chunk, (err) => {
      if (err) return;
      // Only drop the in-memory copy if no newer put of that hash is waiting.
      for (const [h, seq] of seqs) if (this.pending.get(h)?.seq === seq) this.pending.delete(h);
    });
  }

  /** Flush the segment and release file handles; the cache stays usable. */
  async close(): Promise<void> {
    const w = this.writer;
    this.writer = null;
    if (w) {
      this.flush(w);
      await new Promise<void>((resolve) => w.stream.end(resolve));
    }
    this.pending.clear();
    const readers = [...this.readers.values()];
    this.readers.clear();
    await Promise.all(readers.map((r) => r.close()));
    if (this.writeError) throw this.writeError;
  }

  private startSegment(): Writer {
    const name = `cache-${process.pid}-${Date.now()}-${randomBytes(4).toString('hex')}.jsonl`;
    const file = this.files.push(join(this.dir, name)) - 1;
    // 'wx': a name collision must fail rather than interleave two writers.
    const stream = createWriteStream(join(this.dir, name), { flags: 'wx' });
    stream.on('error', (err) => {
      this.writeError ??= asDiskError(err, join(this.dir, name)) ?? err;
    });
    this.writer = { stream, file, offset: 0, batch: [], batchBytes: 0, batchSeqs: new Map(), scheduled: false };
    return this.writer;
  }

  private reader(file: number): BlockReader {
    let r = this.readers.get(file);
    if (!r) {
      r = new BlockReader(this.files[file]!);
      this.readers.set(file, r);
    }
    return r;
  }
}
