// Responses of a run, found by (sample, model) without holding them: the
// index keeps where each record's line is (file, offset, length) and a record
// is read back when a stage reaches its sample. A 32k-sample run's responses
// as objects take hundreds of megabytes; their locations take a few.
import { open, type FileHandle } from 'node:fs/promises';
import type { ResponseRecord } from '../core/records.js';
import { BlockReader } from '../core/block-reader.js';
import { scanLines, SlotIndex } from '../core/line-index.js';
import { responseKey } from './run.js';

export class ResponseLookup {
  private readonly index = new SlotIndex();
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

  has(sampleId: string, model: string): boolean {
    return this.index.has(responseKey({ sampleId, model }));
  }

  async get(sampleId: string, model: string): Promise<ResponseRecord | undefined> {
    const loc = this.index.get(responseKey({ sampleId, model }));
    if (!loc) return undefined;
    const text = await this.readers[loc.file]!.text(loc.offset, loc.length);
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
      // A last line without its newline is kept only if it parses (readJsonl does the same).
      await scanLines(fh, (view, start, end, offset) => this.line(file, view, start, end, offset), { tail: true, bufferBytes: 1 << 20 });
    } finally {
      await fh.close();
    }
  }

  private line(file: number, view: Buffer, start: number, end: number, offset: number): void {
    if (end <= start) return;
    let rec: Partial<ResponseRecord>;
    try {
      rec = JSON.parse(view.toString('utf8', start, end)) as Partial<ResponseRecord>;
    } catch {
      return; // a torn line: as readJsonl, skip it
    }
    if (typeof rec.sampleId !== 'string' || typeof rec.model !== 'string') return;
    this.index.set(responseKey({ sampleId: rec.sampleId, model: rec.model }), file, offset, end - start);
  }
}
