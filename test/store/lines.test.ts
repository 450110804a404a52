// The report's one read of a log (lines.ts) must yield exactly the records of
// the store's reader, and each record's span must be its line's bytes, also
// where multi-byte characters make bytes and characters differ; the spans then
// read back (spans.ts, explorer/read-back.ts) must give the chosen samples'
// records in file order and nothing else.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lineRanges, readJsonlBatches } from '../../src/store/jsonl.js';
import { readLineBatches } from '../../src/store/lines.js';
import { SampleSpans } from '../../src/stages/report/spans.js';
import { readSpans } from '../../src/stages/report/explorer/read-back.js';

const root = mkdtempSync(join(tmpdir(), 'rolejudge-lines-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Rec = { sampleId: string; i: number; text: string };

/** 200 records over 12 samples in runs of 1–3 lines, every 7th with non-ASCII text, a CRLF line, a blank line, a torn tail. */
function writeLog(): { file: string; recs: Rec[] } {
  const recs: Rec[] = [];
  const lines: string[] = [];
  for (let i = 0; i < 200; i++) {
    const r = { sampleId: `s${Math.floor(i / (1 + (i % 3))) % 12}`, i, text: i % 7 === 0 ? `é漢字 ${'x'.repeat(i % 13)} 🎬` : `plain ${i}` };
    recs.push(r);
    lines.push(JSON.stringify(r) + (i === 40 ? '\r' : ''));
    if (i === 90) lines.push('');
  }
  const file = join(root, 'log.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n{"sampleId":"s1","i":99`);
  return { file, recs };
}

async function all<T>(gen: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const b of gen) out.push(...b);
  return out;
}

describe('readLineBatches', () => {
  const { file, recs } = writeLog();
  const bytes = readFileSync(file);

  it("yields the store reader's records, each with its own line's bytes", async () => {
    const store = await all(readJsonlBatches<Rec>(file));
    expect(store).toEqual(recs);
    const got: Rec[] = [];
    for await (const b of readLineBatches<Rec>(file)) {
      b.records.forEach((r, k) => {
        got.push(r);
        expect(JSON.parse(bytes.subarray(b.starts[k]!, b.ends[k]!).toString('utf8'))).toEqual(r);
        // The span ends at the newline (or a CR before it), never inside the next line.
        expect(bytes[b.ends[k]!] === 0x0a || bytes[b.ends[k]!] === 0x0d).toBe(true);
      });
    }
    expect(got).toEqual(recs);
  });

  it('gives the same records and spans when the log is cut into many small ranges', async () => {
    const whole = [];
    for await (const b of readLineBatches<Rec>(file)) for (let k = 0; k < b.records.length; k++) whole.push([b.records[k]!.i, b.starts[k], b.ends[k]]);
    const ranges = lineRanges(file, 300);
    expect(ranges.length).toBeGreaterThan(20);
    const parts = [];
    for (const range of ranges)
      for await (const b of readLineBatches<Rec>(file, range)) for (let k = 0; k < b.records.length; k++) parts.push([b.records[k]!.i, b.starts[k], b.ends[k]]);
    expect(parts).toEqual(whole);
  });

  it("reads back exactly the chosen samples' records, in file order, from spans kept in one pass or merged from ranges", async () => {
    const one = new SampleSpans();
    for await (const b of readLineBatches<Rec>(file)) b.records.forEach((r, k) => one.add(r.sampleId, b.starts[k]!, b.ends[k]!));
    // The same spans built range by range, as worker threads do, then merged in order.
    const merged = new SampleSpans();
    for (const range of lineRanges(file, 256)) {
      const part = new SampleSpans();
      for await (const b of readLineBatches<Rec>(file, range)) b.records.forEach((r, k) => part.add(r.sampleId, b.starts[k]!, b.ends[k]!));
      merged.absorb(part.toWire());
    }
    expect([...merged.bySample]).toEqual([...one.bySample]);
    // Neighbouring lines of one sample share a span: fewer spans than lines.
    const spanCount = [...one.bySample.values()].reduce((n, l) => n + l.length / 2, 0);
    expect(spanCount).toBeLessThan(recs.length);
    const chosen = ['s3', 's7', 's10'];
    const back = await all(readSpans<Rec>(file, one.spansOf(chosen)));
    expect(back).toEqual(recs.filter((r) => chosen.includes(r.sampleId)));
    expect(await all(readSpans<Rec>(file, one.spansOf([])))).toEqual([]);
  });
});
