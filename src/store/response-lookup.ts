// Responses of a run, found by (sample, model) without holding them: the
// index keeps where each record's line is (file, offset, length) and a record
// is read back when a stage reaches its sample. A 32k-sample run's responses
// as objects take hundreds of megabytes; their locations take a few.
//
// Opening it is the only read of the responses before score's first call: it
// also collects which (sample, model) pairs have a usable response (no
// `error`), so score need not read them again. Lines as the harness writes
// them are located without JSON.parse (see keyOf); anything else is parsed.
import { open, type FileHandle } from 'node:fs/promises';
import type { ResponseRecord } from '../core/records.js';
import { BlockReader } from '../core/block-reader.js';
import { scanLines, SlotIndex } from '../core/line-index.js';
import { responseKey } from './run.js';

export class ResponseLookup {
  private readonly index = new SlotIndex();
  /**
   * 1 at the slot of each key with at least one record without an error (what
   * score calls answered): a flag per slot, not a second set of 64k key strings.
   */
  private usable = new Uint8Array(1024);
  private readonly readers: BlockReader[];

  private constructor(private readonly files: string[]) {
    this.readers = files.map((f) => new BlockReader(f));
  }

  /** Index every response line of `files` (later records win, as in RunStore.responseIndex). */
  static async open(files: string[]): Promise<ResponseLookup> {
    const lookup = new ResponseLookup(files);
    for (let f = 0; f < files.length; f++) await lookup.scan(f);
    return lookup;
  }

  get size(): number {
    return this.index.size;
  }

  /** Whether some record of this key (a responseKey) has no error. */
  isAnswered(key: string): boolean {
    const slot = this.index.slot(key);
    return slot !== undefined && this.usable[slot] === 1;
  }

  /** Every answered key (for the dry run's planned responses and for tests; score asks isAnswered). */
  answeredKeys(): Set<string> {
    const out = new Set<string>();
    for (const key of this.index.keys()) if (this.isAnswered(key)) out.add(key);
    return out;
  }

  has(sampleId: string, model: string): boolean {
    return this.index.has(responseKey({ sampleId, model }));
  }

  async get(sampleId: string, model: string): Promise<ResponseRecord | undefined> {
    const loc = this.index.get(responseKey({ sampleId, model }));
    if (!loc) return undefined;
    const text = await this.readers[loc.file]!.text(loc.offset, loc.length);
    try {
      return JSON.parse(text) as ResponseRecord;
    } catch {
      // A line located by its key but damaged past it: as a torn line, no response.
      return undefined;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.readers.map((r) => r.close()));
  }

  private async scan(file: number): Promise<void> {
    let fh: FileHandle;
    try {
      fh = await open(this.files[file]!, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    try {
      // A last line without its newline is kept only if it parses (readJsonl does the same).
      await scanLines(fh, (view, start, end, offset, complete) => this.line(file, view, start, end, offset, complete), { tail: true, bufferBytes: 1 << 20 });
    } finally {
      await fh.close();
    }
  }

  private line(file: number, view: Buffer, start: number, end: number, offset: number, complete: boolean): void {
    if (end <= start) return;
    // A line keyOf can read, and that does not mention "error", is a usable response.
    const fast = complete && this.errorAfter(view, start) >= end ? keyOf(view, start, end) : null;
    if (fast !== null) {
      this.markUsable(this.index.set(fast, file, offset, end - start));
      return;
    }
    let rec: Partial<ResponseRecord>;
    try {
      rec = JSON.parse(view.toString('utf8', start, end)) as Partial<ResponseRecord>;
    } catch {
      return; // a torn line: as readJsonl, skip it
    }
    if (typeof rec.sampleId !== 'string' || typeof rec.model !== 'string') return;
    const key = responseKey({ sampleId: rec.sampleId, model: rec.model });
    const slot = this.index.set(key, file, offset, end - start);
    if (!rec.error) this.markUsable(slot);
  }

  private markUsable(slot: number): void {
    if (slot >= this.usable.length) {
      const grown = new Uint8Array(Math.max(slot + 1, this.usable.length * 2));
      grown.set(this.usable);
      this.usable = grown;
    }
    this.usable[slot] = 1;
  }

  // The next "error" in the block being scanned, found once per occurrence
  // (not once per line): lines come in order within a block.
  private errView: Buffer | null = null;
  private errAt = -1;
  private errorAfter(view: Buffer, from: number): number {
    if (view !== this.errView || (this.errAt >= 0 && this.errAt < from)) {
      this.errView = view;
      this.errAt = view.indexOf(ERROR, from);
    }
    return this.errAt < 0 ? Infinity : this.errAt;
  }
}

// The start of every response line generate writes (JSON.stringify keeps the
// record's key order: type, sampleId, model first).
const HEAD = Buffer.from('{"type":"response","sampleId":"');
const MODEL = Buffer.from('","model":"');
const ERROR = Buffer.from('"error"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CLOSE = 0x7d;

/**
 * The key of a response line in the harness's own layout, read from its bytes
 * without parsing the record; null when the line is laid out otherwise (or an
 * id holds an escape), and the caller parses it. The caller has already made
 * sure the line does not mention "error": only the record decides whether a
 * response failed, so such lines are parsed.
 */
export function keyOf(view: Buffer, start: number, end: number): string | null {
  if (end - start < HEAD.length + MODEL.length + 2 || view[end - 1] !== CLOSE) return null;
  if (!bytesAt(view, start, HEAD)) return null;
  const idStart = start + HEAD.length;
  const idEnd = plainStringEnd(view, idStart, end);
  if (idEnd < 0 || !bytesAt(view, idEnd, MODEL)) return null;
  const modelStart = idEnd + MODEL.length;
  const modelEnd = plainStringEnd(view, modelStart, end);
  if (modelEnd < 0) return null;
  // The key's bytes laid out in a scratch buffer and decoded once: one flat
  // string instead of two decoded pieces joined (which the index then flattens
  // to hash it). Same text: both pieces end at a quote, so they decode alone.
  const n = idEnd - idStart + 1 + (modelEnd - modelStart);
  if (n > KEY_BYTES.length) return responseKey({ sampleId: view.toString('utf8', idStart, idEnd), model: view.toString('utf8', modelStart, modelEnd) });
  let k = 0;
  for (let i = idStart; i < idEnd; i++) KEY_BYTES[k++] = view[i]!;
  KEY_BYTES[k++] = 0; // responseKey's separator, U+0000
  for (let i = modelStart; i < modelEnd; i++) KEY_BYTES[k++] = view[i]!;
  return KEY_BYTES.toString('utf8', 0, n);
}

const KEY_BYTES = Buffer.alloc(512);

/** Whether `view` holds `bytes` at `at` (a loop: Buffer.compare's checks cost more on short spans). */
function bytesAt(view: Buffer, at: number, bytes: Buffer): boolean {
  if (at + bytes.length > view.length) return false;
  for (let i = 0; i < bytes.length; i++) if (view[at + i] !== bytes[i]) return false;
  return true;
}

/** Where a JSON string's closing quote is, or -1 if it holds an escape (then the record is parsed). */
function plainStringEnd(view: Buffer, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    const c = view[i];
    if (c === QUOTE) return i;
    if (c === BACKSLASH) return -1;
  }
  return -1;
}
