// Shared line location machinery of the response cache and the response lookup.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanLines, SlotIndex } from '../../src/core/line-index.js';

const root = mkdtempSync(join(tmpdir(), 'rolejudge-line-index-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function lines(text: string, opts: { tail?: boolean; bufferBytes?: number }): Promise<Array<[string, number, boolean]>> {
  const file = join(root, `f${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, text);
  const fh = await open(file, 'r');
  const out: Array<[string, number, boolean]> = [];
  try {
    await scanLines(fh, (view, start, end, offset, complete) => out.push([view.toString('utf8', start, end), offset, complete]), opts);
  } finally {
    await fh.close();
  }
  return out;
}

describe('scanLines', () => {
  it('gives every newline-terminated line with its file offset, across buffer refills and lines longer than the buffer', async () => {
    const long = 'x'.repeat(100);
    const got = await lines(`a\n${long}\nbc\ntorn`, { bufferBytes: 16 });
    expect(got).toEqual([
      ['a', 0, true],
      [long, 2, true],
      ['bc', 103, true],
    ]);
  });

  it('passes the unterminated tail only when asked, marked incomplete', async () => {
    expect(await lines('a\ntorn', { tail: true })).toEqual([
      ['a', 0, true],
      ['torn', 2, false],
    ]);
  });
});

describe('SlotIndex', () => {
  it('keeps the latest location per key through growth, and forgets deleted keys', () => {
    const idx = new SlotIndex();
    for (let i = 0; i < 3000; i++) idx.set(`k${i}`, i % 3, i * 10, i);
    idx.set('k7', 9, 99, 5);
    expect(idx.size).toBe(3000);
    expect(idx.get('k2999')).toEqual({ file: 2999 % 3, offset: 29990, length: 2999 });
    expect(idx.get('k7')).toEqual({ file: 9, offset: 99, length: 5 });
    idx.delete('k7');
    expect(idx.has('k7')).toBe(false);
    expect(idx.get('nope')).toBeUndefined();
  });
});
