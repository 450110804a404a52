// The report's one read of a log: the records of readJsonlBatches (store/
// jsonl.ts) — the same lines cut the same way, the same torn or blank lines
// skipped — each with the byte span of its line, so report.html's explorer can
// later read back the few samples it embeds by position instead of reading
// the log again (see spans.ts and explorer/read-back.ts).
import { createReadStream, existsSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import { parseLine, type ByteRange } from './jsonl.js';

/** Records of consecutive lines; line i spans bytes [starts[i], ends[i]) of the file, its newline left out. */
export interface LineBatch<T> {
  records: T[];
  starts: number[];
  ends: number[];
}

export async function* readLineBatches<T>(path: string, range?: ByteRange): AsyncGenerator<LineBatch<T>> {
  if (!existsSync(path)) return;
  if (range && range.end <= range.start) return;
  // Bytes after the last newline seen (the start of a line still being read), and the file offset of the next chunk.
  let carry: Buffer = Buffer.alloc(0);
  let at = range?.start ?? 0;
  const stream = createReadStream(path, { highWaterMark: 1 << 20, ...(range ? { start: range.start, end: range.end - 1 } : {}) });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const first = chunk.indexOf(0x0a);
    if (first < 0) {
      carry = Buffer.concat([carry, chunk]);
      at += chunk.length;
      continue;
    }
    const out: LineBatch<T> = { records: [], starts: [], ends: [] };
    pushLines(out, carry.length ? Buffer.concat([carry, chunk.subarray(0, first)]) : chunk.subarray(0, first), at - carry.length);
    const last = chunk.lastIndexOf(0x0a);
    if (last > first) pushLines(out, chunk.subarray(first + 1, last), at + first + 1);
    carry = Buffer.from(chunk.subarray(last + 1));
    at += chunk.length;
    if (out.records.length) yield out;
  }
  const out: LineBatch<T> = { records: [], starts: [], ends: [] };
  pushLines(out, carry, at - carry.length);
  if (out.records.length) yield out;
}

/**
 * Parse the lines of `bytes` (which start at file offset `at`). A pure-ASCII
 * stretch is decoded as Latin-1, where a character is a byte; otherwise each
 * "\n" of the text is matched to the next 0x0a byte (UTF-8 never uses that
 * byte inside a character), so spans stay byte offsets.
 */
export function pushLines<T>(out: LineBatch<T>, bytes: Buffer, at: number): void {
  const ascii = isAscii(bytes);
  const text = ascii ? bytes.toString('latin1') : bytes.toString('utf8');
  let start = 0;
  let byteStart = 0;
  for (;;) {
    const end = text.indexOf('\n', start);
    const stop = end < 0 ? text.length : end;
    const byteStop = ascii ? stop : end < 0 ? bytes.length : bytes.indexOf(0x0a, byteStart);
    const rec = parseLine<T>(text, start, stop);
    if (rec !== undefined) {
      out.records.push(rec);
      out.starts.push(at + (ascii ? start : byteStart));
      out.ends.push(at + byteStop);
    }
    if (end < 0) return;
    start = end + 1;
    byteStart = byteStop + 1;
  }
}
