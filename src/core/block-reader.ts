// Reading many small records (one JSONL line each) out of a file by offset.
// Stages read them roughly in file order, so each read fetches a block ahead
// and the next records usually come out of memory: one system call per few
// hundred records instead of one each. (Small reads were a visible share of a
// cached rerun's CPU.)
import { open, type FileHandle } from 'node:fs/promises';

const BLOCK = 64 * 1024;

export class BlockReader {
  private handle: Promise<FileHandle> | null = null;
  private start = 0;
  private block: Buffer = Buffer.alloc(0);
  /** Records served from the current block; a block that served one suggests random access. */
  private uses = 0;

  constructor(readonly path: string) {}

  /** The bytes [offset, offset + length) as UTF-8 text (cut short at the end of the file). */
  async text(offset: number, length: number): Promise<string> {
    let start = this.start;
    let block = this.block;
    // Concurrent callers may each load a block; each reads from the one it got.
    if (offset < start || offset + length > start + block.length) ({ start, block } = await this.load(offset, length));
    else this.uses++;
    const from = offset - start;
    return block.toString('utf8', from, Math.min(from + length, block.length));
  }

  async close(): Promise<void> {
    const h = this.handle;
    this.handle = null;
    this.block = Buffer.alloc(0);
    if (h) await (await h).close().catch(() => undefined);
  }

  // Files are only ever appended to, so a block read earlier never goes stale;
  // a record past its end simply loads a new one. Blocks start a little before
  // the record asked for: concurrent stages ask in nearly, not exactly, file order.
  private async load(offset: number, length: number): Promise<{ start: number; block: Buffer }> {
    const fh = await (this.handle ??= open(this.path, 'r'));
    const sequential = this.uses > 1;
    const start = sequential ? Math.max(0, offset - BLOCK / 4) : offset;
    const size = sequential ? Math.max(BLOCK, offset - start + length) : Math.max(length, 4096);
    const buf = Buffer.allocUnsafe(size);
    const { bytesRead } = await fh.read(buf, 0, size, start);
    this.start = start;
    this.block = buf.subarray(0, bytesRead);
    this.uses = 1;
    return { start, block: this.block };
  }
}
