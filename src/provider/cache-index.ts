// In-memory index of the on-disk cache: hash -> (segment, offset, length).
// Locations live in typed arrays rather than one object per entry so that
// millions of entries cost a string key and a few bytes each.
import type { FileHandle } from 'node:fs/promises';

export class SlotIndex {
  private readonly slots = new Map<string, number>();
  private files = new Uint32Array(1024);
  private offsets = new Float64Array(1024);
  private lengths = new Uint32Array(1024);

  get size(): number {
    return this.slots.size;
  }

  has(hash: string): boolean {
    return this.slots.has(hash);
  }

  set(hash: string, file: number, offset: number, length: number): void {
    let slot = this.slots.get(hash);
    if (slot === undefined) {
      slot = this.slots.size;
      if (slot >= this.files.length) this.grow();
      this.slots.set(hash, slot);
    }
    this.files[slot] = file;
    this.offsets[slot] = offset;
    this.lengths[slot] = length;
  }

  get(hash: string): { file: number; offset: number; length: number } | undefined {
    const slot = this.slots.get(hash);
    if (slot === undefined) return undefined;
    return { file: this.files[slot]!, offset: this.offsets[slot]!, length: this.lengths[slot]! };
  }

  /** Forget an entry whose line turned out unreadable (slot is leaked, harmless). */
  delete(hash: string): void {
    this.slots.delete(hash);
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

const PREFIX = '{"h":"';
const HASH_END = PREFIX.length + 64;
const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Index every complete line of one segment. Lines are `{"h":"<sha256>",...}`
 * so the hash is read at a fixed offset without parsing the JSON; a line is
 * complete only when newline-terminated, which drops a torn last write.
 */
export async function scanSegment(
  fh: FileHandle,
  onEntry: (hash: string, offset: number, length: number) => void,
): Promise<void> {
  let buf = Buffer.allocUnsafe(1 << 22);
  let pos = 0;
  for (;;) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) return;
    const view = buf.subarray(0, bytesRead);
    let start = 0;
    for (let nl = view.indexOf(10, start); nl !== -1; nl = view.indexOf(10, start)) {
      const len = nl - start;
      if (
        len > HASH_END + 1 &&
        view[start + HASH_END] === 0x22 &&
        view[nl - 1] === 0x7d &&
        view.toString('latin1', start, start + PREFIX.length) === PREFIX
      ) {
        const hash = view.toString('latin1', start + PREFIX.length, start + HASH_END);
        if (HEX64.test(hash)) onEntry(hash, pos + start, len);
      }
      start = nl + 1;
    }
    if (bytesRead < buf.length) return; // EOF: whatever follows the last newline is torn
    if (start === 0) buf = Buffer.allocUnsafe(buf.length * 2); // one line longer than the buffer
    pos += start;
  }
}
