import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/dataset/errors.js';
import { JsonSplitter, parseJsonText, readJsonLineBatches, readJsonLines, splitJsonFile } from '../../src/dataset/json-stream.js';
import { collect, errorOf, tempDir } from './tmp.js';

/** Feeds text to a splitter in chunks of `size` characters. */
function split(text: string, size = text.length): Array<{ value: unknown; line: number }> {
  const s = new JsonSplitter('f.json');
  const out = [];
  for (let i = 0; i < text.length; i += size) out.push(...s.push(text.slice(i, i + size)));
  out.push(...s.end());
  return out.map((r) => ({ value: JSON.parse(r.text), line: r.line }));
}

const tricky = { id: 'a', text: 'braces } { ] [ and "quotes" and \\ backslash \\" and \u00e9\u{1F600}', n: [1, { x: '}' }] };

describe('JsonSplitter', () => {
  it('yields the elements of a top-level array with their start lines', () => {
    const text = '[\n  {"id": 1},\n  {"id": 2,\n   "x": [1, 2]}\n]\n';
    expect(split(text)).toEqual([
      { value: { id: 1 }, line: 2 },
      { value: { id: 2, x: [1, 2] }, line: 3 },
    ]);
  });

  it('yields concatenated pretty-printed objects and one-per-line objects', () => {
    const pretty = `${JSON.stringify({ a: 1 }, null, 4)}\n${JSON.stringify({ b: { c: 2 } }, null, 4)}\n`;
    expect(split(pretty)).toEqual([
      { value: { a: 1 }, line: 1 },
      { value: { b: { c: 2 } }, line: 4 },
    ]);
    expect(split('{"a":1}\n\n{"a":2}{"a":3}\n')).toEqual([
      { value: { a: 1 }, line: 1 },
      { value: { a: 2 }, line: 3 },
      { value: { a: 3 }, line: 3 },
    ]);
  });

  it('ignores braces, brackets and escaped quotes inside strings at every chunk boundary', () => {
    const text = `[${JSON.stringify(tricky)}, ${JSON.stringify(tricky, null, 2)}]`;
    for (const size of [1, 2, 3, 7, 64]) {
      const got = split(text, size);
      expect(got.map((r) => r.value)).toEqual([tricky, tricky]);
      expect(got[1]?.line).toBe(1);
    }
    expect(split(JSON.stringify(tricky), 1).map((r) => r.value)).toEqual([tricky]);
  });

  it('yields scalar array elements and handles an empty array', () => {
    expect(split('[1, "two", true, null, -2.5e3]').map((r) => r.value)).toEqual([1, 'two', true, null, -2500]);
    expect(split('[ ]')).toEqual([]);
    expect(split('')).toEqual([]);
  });

  it.each([
    ['{"a": 1', 1, 'closed'],
    ['\n[{"a": 1},\n{"b": 2}', 2, 'array opened here'],
    ['[{"a": 1},\n{"b": \n2', 2, 'value starting here'],
    ['[{"a": 1}\n{"b": 2}]', 2, '"," or "]"'],
    ['[{"a": 1},]', 1, 'an array element'],
    ['[1] 2', 1, 'nothing after'],
    ['{"a": 1}\nxyz', 2, 'to start the next record'],
    ['{"a": [1}', 1, '"]" to close'],
    ['hello', 1, 'a JSON array or object'],
  ])('rejects %j with a located DatasetError', (text, line, phrase) => {
    let caught: unknown;
    try {
      split(text);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DatasetError);
    const e = caught as DatasetError;
    expect(e.file).toBe('f.json');
    expect(e.line).toBe(line);
    expect(e.message).toContain(`f.json:${line}:`);
    expect(e.message).toContain(phrase);
  });
});

describe('file readers', () => {
  const tmp = tempDir();

  it('splitJsonFile streams a file in small chunks, keeping multi-byte characters whole', async () => {
    const records = Array.from({ length: 50 }, (_, i) => ({ ...tricky, id: `r${i}`, pad: 'ü'.repeat(i) }));
    const file = tmp.write('big.json', JSON.stringify(records, null, 2));
    const got = await collect(splitJsonFile(file, 16));
    expect(got.map((r) => JSON.parse(r.text))).toEqual(records);
  });

  it('readJsonLines numbers every physical line and skips blank ones', async () => {
    const file = tmp.write('lines.jsonl', '{"a":1}\r\n\n  \n{"a":2}\n{"a":3}');
    const got = await collect(readJsonLines(file, 4));
    expect(got.map((r) => [JSON.parse(r.text).a, r.line])).toEqual([
      [1, 1],
      [2, 4],
      [3, 5],
    ]);
  });

  it('readJsonLineBatches gives the same lines and numbers as readJsonLines, chunk by chunk', async () => {
    const text = Array.from({ length: 40 }, (_, i) => (i % 7 === 3 ? '  ' : `{"a":${i},"s":"${'é'.repeat(i % 5)}"}${i % 4 === 0 ? '\r' : ''}`)).join('\n');
    const file = tmp.write('batches.jsonl', text);
    for (const hwm of [3, 17, 1 << 20]) {
      const batches = await collect(readJsonLineBatches(file, hwm));
      expect(batches.flat()).toEqual(await collect(readJsonLines(file, hwm)));
      // Large chunks hand over many lines per batch: the point of batching.
      if (hwm === 1 << 20) expect(batches.length).toBeLessThanOrEqual(2);
    }
  });

  it('a structural error while streaming names the file and line', async () => {
    const file = tmp.write('bad.json', '[\n{"a": 1},\n{"a": 2}\n{"a": 3}\n]');
    const err = await errorOf(() => collect(splitJsonFile(file)));
    expect(err).toBeInstanceOf(DatasetError);
    expect(err.message).toContain(`${file}:4:`);
  });
});

describe('parseJsonText', () => {
  it('maps a JSON syntax error to the exact file line of a multi-line record', () => {
    const err = (() => {
      try {
        parseJsonText({ text: '{\n  "a": 1,\n  "b": 2,\n}', line: 10 }, 'x.json');
      } catch (e) {
        return e as DatasetError;
      }
      throw new Error('no error');
    })();
    expect(err).toBeInstanceOf(DatasetError);
    expect(err.line).toBe(13);
    expect(err.message).toMatch(/^x\.json:13: expected valid JSON, got a syntax error/);
  });
});
