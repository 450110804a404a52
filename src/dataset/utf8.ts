// Reading a split as UTF-8 without silently turning bad bytes into U+FFFD:
// a Latin-1 or truncated file would otherwise reach the judge as garbled text
// and be scored as if it were what the actor said. Bytes are checked a chunk
// at a time; the error names the file and the line of the first bad byte.
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { DatasetError } from './errors.js';

/** Bytes at the end of `buf` that start a multi-byte character the next chunk completes. */
function incompleteTail(buf: Buffer): number {
  // A character is at most 4 bytes: look back at most 3 for its lead byte.
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const b = buf[buf.length - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

function countNewlines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(0x0a); i >= 0; i = buf.indexOf(0x0a, i + 1)) n++;
  return n;
}

/**
 * The 1-based line at byte `offset` of the file. Counted only once a bad byte
 * is found: counting every chunk's lines as they passed cost a call per line
 * on the pass before the first request, for a number only an error needs.
 */
function lineAt(file: string, offset: number): number {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let line = 1;
    for (let pos = 0; pos < offset; ) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, offset - pos), pos);
      if (n === 0) break;
      line += countNewlines(buf.subarray(0, n));
      pos += n;
    }
    return line;
  } finally {
    closeSync(fd);
  }
}

/** 1-based line (counted from `firstLine`) of the first line of `buf` that is not valid UTF-8. */
function badLine(buf: Buffer, firstLine: number): number {
  // 0x0a never occurs inside a multi-byte character, so lines can be checked one by one.
  let start = 0;
  let line = firstLine;
  for (;;) {
    const nl = buf.indexOf(0x0a, start);
    const end = nl < 0 ? buf.length : nl;
    if (!isUtf8(buf.subarray(start, end))) return line;
    if (nl < 0) return line;
    start = nl + 1;
    line++;
  }
}

/** Bytes decoded into one string: even as two-byte characters, under V8's regular object size. */
const PIECE_BYTES = 48 * 1024;

/** The file's text in chunks, each whole characters; throws DatasetError at invalid UTF-8. */
export async function* readUtf8Chunks(file: string, highWaterMark = 64 * 1024): AsyncGenerator<string> {
  const stream = createReadStream(file, { highWaterMark });
  let carry: Buffer = Buffer.alloc(0);
  // Bytes of the file before `whole`.
  let offset = 0;
  try {
    for await (const raw of stream as AsyncIterable<Buffer>) {
      const buf = carry.length ? Buffer.concat([carry, raw]) : raw;
      const keep = incompleteTail(buf);
      const whole = buf.subarray(0, buf.length - keep);
      carry = Buffer.from(buf.subarray(buf.length - keep));
      if (!isUtf8(whole)) fail(file, badLine(whole, lineAt(file, offset)));
      offset += whole.length;
      // Decoded a piece at a time: a string over V8's regular object size
      // (128 KiB) is made in the large-object space, which only a full
      // collection frees, so a split read as 1 MiB strings left tens of
      // megabytes there for the run's first calls (peak RSS grew with the
      // split). Pieces this size die young.
      for (let at = 0; at < whole.length; ) {
        let to = Math.min(at + PIECE_BYTES, whole.length);
        while (to < whole.length && (whole[to]! & 0xc0) === 0x80) to--;
        yield whole.toString('utf8', at, to);
        at = to;
      }
    }
    if (carry.length) fail(file, lineAt(file, offset));
  } finally {
    stream.destroy();
  }
}

function fail(file: string, line: number): never {
  throw new DatasetError({ file, line, expected: 'UTF-8 text', got: 'bytes that are not valid UTF-8 (save the file as UTF-8)' });
}
