// The response cache's segments: each line is `{"h":"<sha256>",...}`, indexed
// by its hash in a SlotIndex (src/util/line-index.ts).
import type { FileHandle } from 'node:fs/promises';
import { scanLines } from '../core/line-index.js';

export { SlotIndex } from '../core/line-index.js';

const PREFIX = '{"h":"';
const HASH_END = PREFIX.length + 64;
const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Index every complete line of one segment. Lines are `{"h":"<sha256>",...}`
 * so the hash is read at a fixed offset without parsing the JSON; a line is
 * complete only when newline-terminated, which drops a torn last write.
 */
export async function scanSegment(fh: FileHandle, onEntry: (hash: string, offset: number, length: number) => void): Promise<void> {
  await scanLines(fh, (view, start, end, offset) => {
    const len = end - start;
    if (len > HASH_END + 1 && view[start + HASH_END] === 0x22 && view[end - 1] === 0x7d && view.toString('latin1', start, start + PREFIX.length) === PREFIX) {
      const hash = view.toString('latin1', start + PREFIX.length, start + HASH_END);
      if (HEX64.test(hash)) onEntry(hash, offset, len);
    }
  });
}
