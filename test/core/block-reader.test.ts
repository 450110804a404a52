// BlockReader: records by (offset, length), in any order, from a file that grows.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BlockReader } from '../../src/core/block-reader.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A JSONL file of `n` lines; returns each line's text and location. */
function lines(n: number, extra = '') {
  dir = mkdtempSync(join(tmpdir(), 'rolejudge-block-'));
  const file = join(dir, 'f.jsonl');
  const out: Array<{ text: string; offset: number; length: number }> = [];
  let offset = 0;
  let data = '';
  for (let i = 0; i < n; i++) {
    const text = JSON.stringify({ i, pad: 'é'.repeat(i % 50), extra });
    out.push({ text, offset, length: Buffer.byteLength(text) });
    data += `${text}\n`;
    offset += Buffer.byteLength(text) + 1;
  }
  writeFileSync(file, data);
  return { file, out, end: offset };
}

describe('BlockReader', () => {
  it('returns each record read in file order, across many blocks', async () => {
    const { file, out } = lines(3000);
    const r = new BlockReader(file);
    for (const l of out) expect(await r.text(l.offset, l.length)).toBe(l.text);
    await r.close();
  });

  it('returns each record read in a shuffled order, concurrently', async () => {
    const { file, out } = lines(1500);
    const order = out.map((_, i) => i).sort((a, b) => ((a * 7919) % 1500) - ((b * 7919) % 1500));
    const r = new BlockReader(file);
    const got = await Promise.all(order.map((i) => r.text(out[i]!.offset, out[i]!.length)));
    expect(got).toEqual(order.map((i) => out[i]!.text));
    await r.close();
  });

  it('reads a record longer than a block', async () => {
    const { file, out } = lines(3, 'x'.repeat(200_000));
    const r = new BlockReader(file);
    expect(await r.text(out[1]!.offset, out[1]!.length)).toBe(out[1]!.text);
    await r.close();
  });

  it('sees records appended after a block was read', async () => {
    const { file, out, end } = lines(10);
    const r = new BlockReader(file);
    expect(await r.text(out[9]!.offset, out[9]!.length)).toBe(out[9]!.text);
    const more = JSON.stringify({ appended: true });
    appendFileSync(file, `${more}\n`);
    expect(await r.text(end, Buffer.byteLength(more))).toBe(more);
    await r.close();
  });

  it('cuts a range short at the end of the file', async () => {
    const { file, end } = lines(2);
    const r = new BlockReader(file);
    expect(await r.text(end + 10, 20)).toBe('');
    await r.close();
  });
});
