// Invalid UTF-8 in a split is an error naming file and line, in both readers
// and whatever the chunk size; valid multi-byte text split across chunks reads whole.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/dataset/errors.js';
import { readJsonLines, splitJsonFile } from '../../src/dataset/json-stream.js';
import { readUtf8Chunks } from '../../src/dataset/utf8.js';

const dir = mkdtempSync(join(tmpdir(), 'rolejudge-utf8-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, bytes: Buffer) => {
  const f = join(dir, name);
  writeFileSync(f, bytes);
  return f;
};

async function drain<T>(it: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function failure(p: Promise<unknown>): Promise<DatasetError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DatasetError);
    return err as DatasetError;
  }
  throw new Error('expected a DatasetError');
}

// Line 3 holds "café" written in Latin-1 (0xe9 alone is not UTF-8).
const latin1 = Buffer.concat([Buffer.from('{"id":"a"}\n{"id":"b"}\n{"id":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n{"id":"d"}\n')]);

describe('invalid UTF-8 in a split', () => {
  it.each([1, 2, 3, 7, 64 * 1024])('readJsonLines names file and line 3 (chunks of %i bytes)', async (hwm) => {
    const f = file(`l${hwm}.jsonl`, latin1);
    const err = await failure(drain(readJsonLines(f, hwm)));
    expect(err.file).toBe(f);
    expect(err.line).toBe(3);
    expect(err.message).toContain(`${f}:3:`);
    expect(err.message).toMatch(/UTF-8/);
  });

  it('splitJsonFile names the line too', async () => {
    const f = file('arr.json', Buffer.concat([Buffer.from('[\n{"id":"a"},\n{"id":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n]\n')]));
    const err = await failure(drain(splitJsonFile(f, 5)));
    expect(err.line).toBe(3);
  });

  it('a file cut in the middle of a character is an error on its last line', async () => {
    const euro = Buffer.from('€'); // 3 bytes
    const f = file('cut.jsonl', Buffer.concat([Buffer.from('{"id":"a"}\n"'), euro.subarray(0, 2)]));
    expect((await failure(drain(readJsonLines(f, 4)))).line).toBe(2);
  });

  it('valid multi-byte text reads whole at every chunk size, U+FFFD included when really written', async () => {
    const text = '{"t":"é😀€\uFFFD"}\n{"t":"ñ"}\n';
    const f = file('ok.jsonl', Buffer.from(text));
    for (const hwm of [1, 2, 3, 5, 1024]) {
      expect((await drain(readUtf8Chunks(f, hwm))).join('')).toBe(text);
      expect((await drain(readJsonLines(f, hwm))).map((r) => JSON.parse(r.text).t)).toEqual(['é😀€\uFFFD', 'ñ']);
    }
  });

  it('decodes 1 MiB reads into pieces V8 keeps out of its large-object space, cut only between characters', async () => {
    // 3 MB: a 600 KB line of two-, three- and four-byte characters between ASCII lines.
    const wide = 'é漢😀'.repeat(60_000);
    const lines = ['{"t":"a"}', `{"t":"${wide}"}`, ...Array.from({ length: 20_000 }, (_, i) => `{"t":"line ${i} ${'x'.repeat(i % 200)}"}`)];
    const text = `${lines.join('\n')}\n`;
    const f = file('big.jsonl', Buffer.from(text));
    const pieces = await drain(readUtf8Chunks(f, 1 << 20));
    expect(pieces.join('')).toBe(text);
    // Even as two-byte strings, every piece is under V8's regular object size (128 KiB).
    for (const p of pieces) expect(p.length * 2).toBeLessThan(128 * 1024);
    expect((await drain(readJsonLines(f))).map((r) => r.text)).toEqual(lines);
  });
});
