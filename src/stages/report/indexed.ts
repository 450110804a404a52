// A judgment log folded from its columnar index as far as the index chains
// from byte 0 and verifies (store/judgment-index), and from its JSON lines
// after that; the JSON stretch is indexed on the way, so the next report of
// the run reads no JSON. The fold is the same either way (fold-columns.ts).
import { rmSync } from 'node:fs';
import type { Judgment } from '../../core/records.js';
import { feedBatch, fileSize, lastLineEnd, SegmentBuilder, verifiedSegments, writeSealed } from '../../store/judgment-index/build.js';
import { readSegment } from '../../store/judgment-index/segment.js';
import type { ByteRange } from '../../store/jsonl.js';
import { readLineBatches } from '../../store/lines.js';
import { foldLines, type Collected } from './collect.js';
import { foldColumns } from './fold-columns.js';

/** Folds the verified index segments of `file`; returns how far they reach (0 without an index). */
export function foldIndexed(c: Collected, file: string): number {
  let at = 0;
  for (const seg of verifiedSegments(file)) {
    foldColumns(c, file, seg.columns);
    at = seg.end;
  }
  return at;
}

/**
 * As foldIndexed, with each segment's bytes hashed elsewhere meanwhile (the
 * report's worker threads): segment k is folded while its hash is computed,
 * then checked. Null when one does not verify after it was folded — `c` then
 * holds a stale segment and must be discarded (the caller starts over with
 * the sequential pass, which checks before folding and drops the stale one).
 */
export async function foldIndexedHashed(
  c: Collected,
  file: string,
  chain: ReadonlyArray<readonly [number, number, string]>,
  /** Null when the log's stamp holds (nothing to hash). */
  hashes: ReadonlyArray<Promise<string | null>> | null,
): Promise<number | null> {
  let at = 0;
  for (const [k, [start, end, path]] of chain.entries()) {
    const seg = readSegment(path, start, end);
    if (!seg) {
      // Torn or of another version: gone, so the segment the JSON pass writes in its place is the one found next time.
      rmSync(path, { force: true });
      break;
    }
    foldColumns(c, file, seg.columns);
    if (hashes && (await hashes[k]) !== seg.sha256) return null;
    at = end;
  }
  return at;
}

/** Folds bytes [range.start, range.end) of `file` from its JSON lines (range.end: the file's size when absent), indexing them as it goes. */
export async function foldJson(c: Collected | null, file: string, range: ByteRange): Promise<void> {
  const to = lastLineEnd(file, range.start, range.end);
  const b = new SegmentBuilder(range.start);
  for await (const batch of readLineBatches<Judgment>(file, range)) {
    if (c) foldLines(c, file, batch);
    keepIndexing(b, () => feedBatch(file, b, batch.records, batch.starts, batch.ends, to));
  }
  keepIndexing(b, () => {
    const s = b.seal(to);
    if (s) writeSealed(file, s);
  });
}

/** The whole of one log: index first, then JSON. */
export async function foldLog(c: Collected, file: string): Promise<void> {
  const at = foldIndexed(c, file);
  const size = fileSize(file);
  if (at < size) await foldJson(c, file, { start: at, end: size });
}

/**
 * The index is a cache: a report of a read-only or full run directory still
 * gets its figures from the JSON, it only stops writing segments.
 */
function keepIndexing(b: SegmentBuilder, write: () => void): void {
  if (b.dead) return;
  try {
    write();
  } catch {
    b.dead = true;
  }
}
