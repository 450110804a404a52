// The embedded samples' records, read back by position: the spans the report's
// one pass kept (../spans.ts) are read with positioned reads, nearby spans in
// one read, and only the bytes inside spans are parsed — in file order, so the
// records come in exactly the order a full read would give them.
import { open } from 'node:fs/promises';
import { pushLines, type LineBatch } from '../../../store/lines.js';

/** Spans less than this far apart are read in one go (the bytes between are skipped, not parsed). */
const JOIN_GAP = 64 * 1024;
/** Largest single read. */
const MAX_READ = 4 * 1024 * 1024;

/** Records of `spans` (sorted, disjoint [start, end] pairs of `file`), a read's worth at a time. */
export async function* readSpans<T>(file: string, spans: readonly number[]): AsyncGenerator<T[]> {
  if (!spans.length) return;
  const fh = await open(file, 'r');
  try {
    let buf = Buffer.alloc(0);
    for (let i = 0; i < spans.length; ) {
      // One read from span i's start through span j's end.
      const from = spans[i]!;
      let j = i + 2;
      while (j < spans.length && spans[j]! - spans[j - 1]! <= JOIN_GAP && spans[j + 1]! - from <= MAX_READ) j += 2;
      const to = spans[j - 1]!;
      const len = to - from;
      if (buf.length < len) buf = Buffer.alloc(Math.max(len, 1 << 16));
      let got = 0;
      while (got < len) {
        const { bytesRead } = await fh.read(buf, got, len - got, from + got);
        if (bytesRead === 0) throw new Error(`${file} is shorter than when the report read it (at byte ${from + got})`);
        got += bytesRead;
      }
      const out: LineBatch<T> = { records: [], starts: [], ends: [] };
      for (let k = i; k < j; k += 2) pushLines(out, buf.subarray(spans[k]! - from, spans[k + 1]! - from), spans[k]!);
      i = j;
      if (out.records.length) yield out.records;
    }
  } finally {
    await fh.close();
  }
}
