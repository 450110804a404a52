// Streaming splitter for the JSON shapes datasets arrive in: one top-level array
// of records (EBM-RL test.json), or records simply concatenated (JSONL, or the
// pretty-printed objects EBM-RL's inference scripts append). A 32k-record split
// must not be parsed as one giant string, so the splitter only ever buffers the
// text of the record it is inside; JSON.parse then runs per record.

import { readUtf8Chunks } from './utf8.js';
import { DatasetError } from './errors.js';

/** The source text of one top-level record and where it starts. */
export interface JsonText {
  text: string;
  line: number;
}

type Top =
  | 'start' // nothing seen yet: decides between array and concatenated mode
  | 'concat' // between concatenated records
  | 'array-first' // just after "[": an element or "]"
  | 'array-next' // just after ",": an element
  | 'array-after' // just after an element: "," or "]"
  | 'done'; // the top-level array has closed

const WHITESPACE = new Set([' ', '\t', '\r', '\n', '\uFEFF']);
const PRIMITIVE_END = new Set([' ', '\t', '\r', '\n', ',', ']']);

/**
 * Incremental splitter: push() text chunks as they arrive, end() at EOF. Pure
 * (no I/O), so chunk boundaries can be tested anywhere, even mid-escape.
 */
export class JsonSplitter {
  private top: Top = 'start';
  private line = 1;
  private arrayLine = 0;
  // State of the record being captured.
  private capturing = false;
  private primitive = false;
  private closers: string[] = [];
  private inString = false;
  private escaped = false;
  private pieces: string[] = [];
  private valueLine = 0;

  constructor(private readonly file: string) {}

  /**
   * Records completed by this chunk, yielded lazily so that a syntax error
   * surfaces only after the records before it have been consumed.
   */
  *push(chunk: string): Generator<JsonText> {
    let segStart = this.capturing ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i] as string;
      if (this.capturing && this.primitive) {
        if (!PRIMITIVE_END.has(c)) continue;
        yield this.finish(chunk.slice(segStart, i));
        segStart = -1;
        // The terminator belongs to the array syntax: handle it below.
      } else if (this.capturing) {
        if (c === '\n') this.line++;
        if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (c === '\\') this.escaped = true;
          else if (c === '"') {
            this.inString = false;
            if (this.closers.length === 0) {
              yield this.finish(chunk.slice(segStart, i + 1));
              segStart = -1;
            }
          }
          continue;
        }
        if (c === '"') this.inString = true;
        else if (c === '{') this.closers.push('}');
        else if (c === '[') this.closers.push(']');
        else if (c === '}' || c === ']') {
          const want = this.closers.pop();
          if (want !== c) this.fail(`"${want}" to close the value starting at line ${this.valueLine}`, `"${c}"`);
          if (this.closers.length === 0) {
            yield this.finish(chunk.slice(segStart, i + 1));
            segStart = -1;
          }
        }
        continue;
      }
      if (WHITESPACE.has(c)) {
        if (c === '\n') this.line++;
        continue;
      }
      if (this.startsValue(c)) segStart = i;
    }
    if (this.capturing && segStart >= 0) this.pieces.push(chunk.slice(segStart));
  }

  end(): JsonText[] {
    // A bare scalar can only be an array element, and that array is still open.
    if (this.capturing && this.primitive) this.finish('');
    // Point at what was left open: the end of the file says nothing useful.
    if (this.capturing) {
      this.fail(`the value starting here to be closed`, 'the end of the file', this.valueLine);
    }
    if (this.top === 'array-first' || this.top === 'array-next' || this.top === 'array-after') {
      this.fail(`the array opened here to be closed with "]"`, 'the end of the file', this.arrayLine);
    }
    return [];
  }

  /** Handles a non-whitespace character outside any record; true when it opens one. */
  private startsValue(c: string): boolean {
    switch (this.top) {
      case 'start':
        if (c === '[') {
          this.top = 'array-first';
          this.arrayLine = this.line;
          return false;
        }
        if (c === '{') {
          this.top = 'concat';
          return this.begin(c);
        }
        return this.fail('a JSON array or object', `"${c}"`);
      case 'concat':
        if (c === '{') return this.begin(c);
        return this.fail('"{" to start the next record', `"${c}"`);
      case 'array-first':
        if (c === ']') {
          this.top = 'done';
          return false;
        }
        return this.begin(c);
      case 'array-next':
        if (c === ']' || c === ',') return this.fail('an array element', `"${c}"`);
        return this.begin(c);
      case 'array-after':
        if (c === ',') this.top = 'array-next';
        else if (c === ']') this.top = 'done';
        else this.fail('"," or "]" after an array element', `"${c}"`);
        return false;
      case 'done':
        return this.fail('nothing after the top-level array', `"${c}"`);
    }
  }

  private begin(c: string): true {
    this.capturing = true;
    this.valueLine = this.line;
    this.pieces = [];
    this.closers = [];
    this.escaped = false;
    this.inString = c === '"';
    this.primitive = c !== '"' && c !== '{' && c !== '[';
    if (c === '{') this.closers.push('}');
    if (c === '[') this.closers.push(']');
    return true;
  }

  private finish(lastPiece: string): JsonText {
    this.pieces.push(lastPiece);
    const text = this.pieces.join('');
    this.pieces = [];
    this.capturing = false;
    this.primitive = false;
    if (this.top !== 'concat') this.top = 'array-after';
    return { text, line: this.valueLine };
  }

  private fail(expected: string, got: string, line = this.line): never {
    throw new DatasetError({ file: this.file, line, expected, got });
  }
}

/** Streams a file's top-level records (array elements or concatenated values). */
export async function* splitJsonFile(file: string, highWaterMark = 64 * 1024): AsyncGenerator<JsonText> {
  const splitter = new JsonSplitter(file);
  // Chunks keep multi-byte characters whole, and invalid UTF-8 is an error naming the line.
  for await (const chunk of readUtf8Chunks(file, highWaterMark)) yield* splitter.push(chunk);
  yield* splitter.end();
}

/**
 * Streams a JSONL file line by line (blank lines skipped), keeping line numbers
 * exact. Reads 1 MiB at a time: at 64 KiB the stream's per-chunk cost was a
 * visible share of the validating pass over a 32k split before the first call.
 */
export async function* readJsonLines(file: string, highWaterMark = 1 << 20): AsyncGenerator<JsonText> {
  for await (const batch of readJsonLineBatches(file, highWaterMark)) yield* batch;
}

/** As readJsonLines, the lines each chunk completes as one array. */
export async function* readJsonLineBatches(file: string, highWaterMark = 1 << 20): AsyncGenerator<JsonText[]> {
  const stream = readUtf8Chunks(file, highWaterMark);
  let rest = '';
  let line = 0;
  try {
    for await (const chunk of stream) {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      const out: JsonText[] = [];
      for (const part of parts) {
        line++;
        const text = part.endsWith('\r') ? part.slice(0, -1) : part;
        if (text.trim() !== '') out.push({ text, line });
      }
      if (out.length) yield out;
    }
    line++;
    if (rest.trim() !== '') yield [{ text: rest, line }];
  } finally {
    await stream.return(undefined);
  }
}

/**
 * JSON.parse with the error mapped onto the file: V8 reports a character offset
 * within the record, which becomes an exact file line (and a column for context).
 */
export function parseJsonText(rec: JsonText, file: string): unknown {
  try {
    return JSON.parse(rec.text.charCodeAt(0) === 0xfeff ? rec.text.slice(1) : rec.text);
  } catch (err) {
    const raw = err instanceof Error ? err.message : String(err);
    const pos = /at position (\d+)/.exec(raw);
    let line = rec.line;
    let detail = raw.replace(/, ".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+.*$/s, '');
    if (pos) {
      const before = rec.text.slice(0, Number(pos[1]));
      const newlines = before.split('\n').length - 1;
      line += newlines;
      detail += ` at column ${before.length - before.lastIndexOf('\n')}`;
    }
    throw new DatasetError({ file, line, expected: 'valid JSON', got: `a syntax error (${detail})` });
  }
}
