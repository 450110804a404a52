// Responses of a run, found by (sample, model) without holding them: the
// index keeps where each record's line is (file, offset, length) and a record
// is read back when a stage reaches its sample. A 32k-sample run's responses
// as objects take hundreds of megabytes; their locations take a few.
import { open, type FileHandle } from 'node:fs/promises';
import type { ResponseRecord } from '../types.js';
import { BlockReader } from '../util/block-reader.js';
import { responseKey } from './run.js';

export class ResponseLookup {
  private readonly slots = new Map<string, number>();
  private fileOf = new Uint16Array(1024);
  private offsetOf = new Float64Array(1024);
  private lengthOf = new Uint32Array(1024);
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
    return this.slots.size;
  }

  has(sampleId: string, model: string): boolean {
    return this.slots.has(responseKey({ sampleId, model }));
  }

  async get(sampleId: string, model: string): Promise<ResponseRecord | undefined> {
    const slot = this.slots.get(responseKey({ sampleId, model }));
    if (slot === undefined) return undefined;
    const text = await this.readers[this.fileOf[slot]!]!.text(this.offsetOf[slot]!, this.lengthOf[slot]!);
    return JSON.parse(text) as ResponseRecord;
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
      let buf = Buffer.allocUnsafe(1 << 20);
      let pos = 0;
      for (;;) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) return;
        const view = buf.subarray(0, bytesRead);
        let start = 0;
        for (let nl = view.indexOf(10, start); nl !== -1; nl = view.indexOf(10, start)) {
          this.line(file, view, start, nl, pos);
          start = nl + 1;
        }
        if (bytesRead < buf.length) {
          // A last line without its newline is kept only if it parses (readJsonl does the same).
          if (start < bytesRead) this.line(file, view, start, bytesRead, pos);
          return;
        }
        if (start === 0) buf = Buffer.allocUnsafe(buf.length * 2); // one line longer than the buffer
        pos += start;
      }
    } finally {
      await fh.close();
    }
  }

  private line(file: number, view: Buffer, start: number, end: number, base: number): void {
    if (end <= start) return;
    let rec: Partial<ResponseRecord>;
    try {
      rec = JSON.parse(view.toString('utf8', start, end)) as Partial<ResponseRecord>;
    } catch {
      return; // a torn line: as readJsonl, skip it
    }
    if (typeof rec.sampleId !== 'string' || typeof rec.model !== 'string') return;
    const key = responseKey({ sampleId: rec.sampleId, model: rec.model });
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = this.slots.size;
      if (slot >= this.fileOf.length) this.grow();
      this.slots.set(key, slot);
    }
    this.fileOf[slot] = file;
    this.offsetOf[slot] = base + start;
    this.lengthOf[slot] = end - start;
  }

  private grow(): void {
    const n = this.fileOf.length * 2;
    const f = new Uint16Array(n);
    f.set(this.fileOf);
    const o = new Float64Array(n);
    o.set(this.offsetOf);
    const l = new Uint32Array(n);
    l.set(this.lengthOf);
    this.fileOf = f;
    this.offsetOf = o;
    this.lengthOf = l;
  }
}
