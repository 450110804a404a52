// A row is taken only when its columns give back exactly what the report's
// fold reads from the JSON line; anything else is refused, so the index stops
// there and the report reads that part of the log as JSON.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Judgment } from '../../../src/core/records.js';
import { RowBuffer } from '../../../src/store/judgment-index/rows.js';
import { ARROW_ENTRY, readSegment, writeSegment } from '../../../src/store/judgment-index/segment.js';
import { judgment } from '../../stages/report/indexed-fixture.js';

const root = mkdtempSync(join(tmpdir(), 'rolejudge-rows-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const edit = (patch: Record<string, unknown>): Judgment => ({ ...judgment(1, 'j'), ...patch }) as unknown as Judgment;

describe('judgment index rows', () => {
  it('round-trips through an Arrow segment file: dictionaries, nulls, flags, spends and spans', () => {
    const rows = new RowBuffer();
    const all = Array.from({ length: 300 }, (_, i) => judgment(i, i % 2 ? 'j1' : 'jé'));
    all.forEach((j, i) => expect(rows.add(j, i * 10, i * 10 + 9)).toBe(true));
    const cols = rows.columns();
    const path = writeSegment(join(root, 'seg'), cols, { start: 0, end: 3000, rows: 300, sha256: 'abc' });
    const back = readSegment(path, 0, 3000)!;
    expect(back.sha256).toBe('abc');
    expect(back.columns).toEqual(cols);
    expect(cols.strings.sampleId.values).toContain('séance-東京-0');
    expect(Number.isNaN(cols.score[3]!)).toBe(all[3]!.score === null);
    // The name must agree with the range: a segment moved to another name is no segment.
    expect(readSegment(path, 0, 3001)).toBeNull();
  });

  it('seals without copying: the columns are views of the rows just taken, and a segment written from them reads back whole', () => {
    // 1,500 rows in buffers grown to 2,048: a copy would be exactly 1,500 long.
    const rows = new RowBuffer();
    const all = Array.from({ length: 1500 }, (_, i) => judgment(i, 'j'));
    all.forEach((j, i) => rows.add(j, i * 10, i * 10 + 9));
    const cols = rows.columns();
    for (const a of [cols.score, cols.round, cols.flags, cols.start, cols.end, cols.strings.model.indices, cols.u32.attempts]) {
      expect(a.length).toBe(1500);
      expect(a.buffer.byteLength).toBe(2048 * a.BYTES_PER_ELEMENT);
    }
    const path = writeSegment(join(root, 'views'), cols, { start: 0, end: 15000, rows: 1500, sha256: 'v' });
    const back = readSegment(path, 0, 15000)!;
    expect(back.columns).toEqual(cols);
    expect(back.columns.end[1499]).toBe(14999);
  });

  it("is written by arrow's single-file build byte for byte as its main entry would write it, and read back by either", () => {
    const require = createRequire(import.meta.url);
    const main = require('apache-arrow') as typeof import('apache-arrow');
    const single = require(ARROW_ENTRY) as typeof import('apache-arrow');
    expect(require.resolve(ARROW_ENTRY)).not.toBe(require.resolve('apache-arrow'));
    const rows = new RowBuffer();
    Array.from({ length: 700 }, (_, i) => judgment(i, i % 3 ? 'j1' : 'jé')).forEach((j, i) => rows.add(j, i * 10, i * 10 + 9));
    const cols = rows.columns();
    const path = writeSegment(join(root, 'single'), cols, { start: 0, end: 7000, rows: 700, sha256: 's' });
    const bytes = readFileSync(path);
    // The same table built and written by the main entry.
    const viaMain = main.tableFromIPC(bytes);
    expect(Buffer.from(main.tableToIPC(viaMain, 'file')).equals(bytes)).toBe(true);
    expect(Buffer.from(single.tableToIPC(single.tableFromIPC(bytes), 'file')).equals(bytes)).toBe(true);
    expect(viaMain.numRows).toBe(700);
    expect(viaMain.getChild('sampleId')?.get(5)).toBe(cols.strings.sampleId.values[cols.strings.sampleId.indices[5]!]);
    expect(readSegment(path, 0, 7000)?.columns).toEqual(cols);
  });

  it('a segment whose rows were damaged on disk (one score changed, the file still well-formed) is no segment', () => {
    const rows = new RowBuffer();
    rows.add(edit({ score: 1234.5 }), 0, 10);
    rows.add(edit({ round: 2 }), 11, 20);
    const path = writeSegment(join(root, 'damaged'), rows.columns(), { start: 0, end: 21, rows: 2, sha256: 'abc' });
    expect(readSegment(path, 0, 21)).not.toBeNull();
    const bytes = readFileSync(path);
    const at = bytes.indexOf(Buffer.from(new Float64Array([1234.5]).buffer));
    expect(at).toBeGreaterThan(0);
    bytes.set(Buffer.from(new Float64Array([1234.25]).buffer), at);
    writeFileSync(path, bytes);
    expect(readSegment(path, 0, 21)).toBeNull();
  });

  const refused: Array<[string, Record<string, unknown>]> = [
    ['a score that is a string', { score: '7' }],
    ['a non-finite score', { score: Number.POSITIVE_INFINITY }],
    ['a fractional round', { round: 1.5 }],
    ['a negative round', { round: -1 }],
    ['a sample id that is no string', { sampleId: 7 }],
    ['selfId missing', { selfId: undefined }],
    ['a fractional token count', { spend: { ...judgment(1, 'j').spend, promptTokens: 1.5 } }],
    ['a failure without a kind', { failure: { message: 'x' } }],
    ['a null callId', { callId: null }],
    ['attempts missing on a record from before spends', { callId: undefined, spend: undefined, mode: 'per-response', attempts: undefined }],
  ];
  for (const [name, patch] of refused)
    it(`refuses ${name}`, () => {
      const rows = new RowBuffer();
      expect(rows.add(edit(patch), 0, 10)).toBe(false);
      expect(rows.length).toBe(0);
    });

  it('takes -0 as the 0 its JSON line gives back', () => {
    const rows = new RowBuffer();
    expect(rows.add(edit({ score: -0 }), 0, 1)).toBe(true);
    expect(Object.is(rows.columns().score[0], 0)).toBe(true);
  });
});
