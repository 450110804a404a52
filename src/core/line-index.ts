// Locating lines of append-only JSONL files without holding their records:
// a key maps to (file, offset, length), kept in typed arrays rather than one
// object per entry so millions of entries cost a string key and a few bytes
// each. Used by the response cache and by the score stage's response lookup.
import type { FileHandle } from 'node:fs/promises';

export interface LineLocation {
  file: number;
  offset: number;
  length: number;
}

export class SlotIndex {
  private readonly slots = new Map<string, number>();
  private files = new Uint32Array(1024);
  private offsets = new Float64Array(1024);
  private lengths = new Uint32Array(1024);

  get size(): number {
    return this.slots.size;
  }

  has(key: string): boolean {
    return this.slots.has(key);
  }

  /** Later calls for a key replace its location (the latest record wins). Returns the key's slot. */
  set(key: string, file: number, offset: number, length: number): number {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = this.slots.size;
      if (slot >= this.files.length) this.grow();
      this.slots.set(key, slot);
    }
    this.files[slot] = file;
    this.offsets[slot] = offset;
    this.lengths[slot] = length;
    return slot;
  }

  keys(): IterableIterator<string> {
    return this.slots.keys();
  }

  /** The key's slot (stable while the key is not deleted), or undefined. */
  slot(key: string): number | undefined {
    return this.slots.get(key);
  }

  get(key: string): LineLocation | undefined {
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    return { file: this.files[slot]!, offset: this.offsets[slot]!, length: this.lengths[slot]! };
  }

  /** Forget an entry whose line turned out unreadable (slot is leaked, harmless). */
  delete(key: string): void {
    this.slots.delete(key);
  }

  private grow(): void {
    const n = this.files.length * 2;
    const f = new Uint32Array(n);
    f.set(this.files);
    const o = new Float64Array(n);
    o.set(this.offsets);
    const l = new Uint32Array(n);
    l.set(this.lengths);
    this.files = f;
    this.offsets = o;
    this.lengths = l;
  }
}

/**
 * Call `onLine` for every newline-terminated line of a file with the bytes
 * [start, end) of `view` (newline excluded) and the line's offset in the file.
 * With `tail`, bytes after the last newline are passed too (complete: false);
 * without, they are dropped as a torn last write.
 */
export async function scanLines(
  fh: FileHandle,
  onLine: (view: Buffer, start: number, end: number, offset: number, complete: boolean) => void,
  opts: { tail?: boolean; bufferBytes?: number } = {},
): Promise<void> {
  let buf = Buffer.allocUnsafe(opts.bufferBytes ?? 1 << 22);
  let pos = 0;
  for (;;) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) return;
    const view = buf.subarray(0, bytesRead);
    let start = 0;
    for (let nl = view.indexOf(10, start); nl !== -1; nl = view.indexOf(10, start)) {
      onLine(view, start, nl, pos + start, true);
      start = nl + 1;
    }
    if (bytesRead < buf.length) {
      if (opts.tail && start < bytesRead) onLine(view, start, bytesRead, pos + start, false);
      return;
    }
    if (start === 0) buf = Buffer.allocUnsafe(buf.length * 2); // one line longer than the buffer
    pos += start;
  }
}
