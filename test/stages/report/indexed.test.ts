// The report's fold from the columnar judgment index must be the JSON fold:
// the same Collected (sums bit for bit, duplicates, spans, flags) from the
// index the score stage's writer kept, and — whenever the index is missing or
// stale in any way — the same again from the JSON it falls back to, with a
// fresh index written for the next report.
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Judgment } from '../../../src/core/records.js';
import { emptyCollected, foldLines, collectComparisons, collectResponses, type Collected } from '../../../src/stages/report/collect.js';
import { collect } from '../../../src/stages/report/collect-run.js';
import { buildReport, type ReportMeta } from '../../../src/stages/report/aggregate.js';
import { indexedUpTo } from '../../../src/store/judgment-index/build.js';
import { indexDirOf, readSegment, writeSegment } from '../../../src/store/judgment-index/segment.js';
import { JsonlWriter } from '../../../src/store/jsonl.js';
import { readLineBatches } from '../../../src/store/lines.js';
import { RunStore } from '../../../src/store/run.js';
import { judgment, writeIndexedRun } from './indexed-fixture.js';

const root = mkdtempSync(join(tmpdir(), 'rolejudge-indexed-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeEach(() => {
  // Segments of 40 rows: a few hundred judgments make many segments.
  vi.stubEnv('ROLEJUDGE_INDEX_SEGMENT_ROWS', '40');
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

let runs = 0;
const newRun = async (n = 400) => {
  const dir = join(root, `run${++runs}`);
  return { dir, files: await writeIndexedRun(dir, n) };
};

/** The fold as it was before the index: every judgment line parsed. */
async function jsonFold(dir: string): Promise<Collected> {
  const store = new RunStore(dir);
  const c = emptyCollected();
  await collectResponses(store, c);
  for (const file of store.listFiles(store.judgmentsDir)) for await (const batch of readLineBatches<Judgment>(file)) foldLines(c, file, batch);
  await collectComparisons(store, c);
  return c;
}

const meta: ReportMeta = {
  rolejudgeVersion: 't',
  runId: 'idx',
  configHash: 'h',
  generatedFrom: 'runs/idx',
  seed: 1,
  combine: 'strict',
  modelOrder: ['cand', 'base'],
  metricInfo: (id) => ({ id, name: id, abbr: id, scale: { min: 1, max: 10 } }),
  metricOrder: ['veg', 'spc', 'cn'],
  pairs: [],
};

/** Collected deep-equal, and the report built from it the same to the byte. */
function expectSame(got: Collected, want: Collected): void {
  // Built first: building fills the accumulators' caches, on both sides alike.
  expect(JSON.stringify(buildReport(got, meta))).toBe(JSON.stringify(buildReport(want, meta)));
  expect(got).toEqual(want);
}

/** Judgment lines JSON.parse'd while `f` runs (responses and comparisons: none in these runs). */
async function parsedLines<T>(f: () => Promise<T>): Promise<{ value: T; parsed: number }> {
  const parse = vi.spyOn(JSON, 'parse');
  const value = await f();
  const parsed = parse.mock.calls.filter(([s]) => typeof s === 'string' && s.includes('"type":"judgment"')).length;
  parse.mockRestore();
  return { value, parsed };
}

const sizes = (files: string[]) => files.map((f) => statSync(f).size);

describe('report fold from the columnar index', () => {
  it('the score stage writer keeps an index the report folds without parsing a judgment line, equal to the JSON fold', async () => {
    const { dir, files } = await newRun();
    expect(files.map(indexedUpTo)).toEqual(sizes(files));
    expect(readdirSync(indexDirOf(files[0]!)).length).toBeGreaterThan(5);
    const want = await jsonFold(dir);
    expect(want.duplicates).toBeGreaterThan(0);
    expect(want.counts.judgmentFailures).toBeGreaterThan(0);
    const { value, parsed } = await parsedLines(() => collect(new RunStore(dir)));
    expect(parsed).toBe(0);
    expectSame(value, want);
  });

  it('missing index: folds the JSON, writes the index, and the next report reads it', async () => {
    const { dir, files } = await newRun();
    rmSync(join(dir, 'index'), { recursive: true });
    const want = await jsonFold(dir);
    const first = await parsedLines(() => collect(new RunStore(dir)));
    expect(first.parsed).toBeGreaterThan(0);
    expectSame(first.value, want);
    expect(files.map(indexedUpTo)).toEqual(sizes(files));
    const second = await parsedLines(() => collect(new RunStore(dir)));
    expect(second.parsed).toBe(0);
    expectSame(second.value, want);
  });

  const stale: Array<[string, (files: string[], dir: string) => void]> = [
    [
      'a record changed in place, same size (a hand edit)',
      ([f]) => {
        const text = readFileSync(f!, 'utf8');
        const at = text.indexOf('"score":', text.length / 2);
        const digit = text[at + 8]!;
        writeFileSync(f!, text.slice(0, at + 8) + (digit === '9' ? '8' : '9') + text.slice(at + 9));
      },
    ],
    ['the log truncated to its first lines', ([f]) => truncateSync(f!, readFileSync(f!, 'utf8').indexOf('\n', 5000) + 1)],
    [
      'lines reordered at the same size, a blank line, no final newline',
      ([f]) => {
        const lines = readFileSync(f!, 'utf8').split('\n');
        writeFileSync(f!, [...lines.slice(0, 100), ...lines.slice(150), ...lines.slice(100, 150)].join('\n'));
      },
    ],
    ['lines appended after the index (a report during a run)', ([f]) => appendFileSync(f!, `${JSON.stringify(judgment(9999, 'j1'))}\n`)],
    ['a torn last line (a run killed mid-write)', ([f]) => appendFileSync(f!, '{"type":"judgment","sampleId":"torn')],
    [
      'a torn index segment',
      ([f]) => {
        const dir = indexDirOf(f!);
        const seg = join(dir, readdirSync(dir).sort()[3]!);
        truncateSync(seg, Math.floor(statSync(seg).size / 2));
      },
    ],
    [
      'a corrupt index segment (same length, other bytes)',
      ([f]) => {
        const dir = indexDirOf(f!);
        const seg = join(dir, readdirSync(dir).sort()[2]!);
        const b = readFileSync(seg);
        for (let i = 200; i < b.length - 200; i += 7) b[i] = b[i]! ^ 0x5a;
        writeFileSync(seg, b);
      },
    ],
    [
      'a segment from an older index format',
      ([f]) => {
        const dir = indexDirOf(f!);
        const name = readdirSync(dir).sort()[1]!;
        const [start, end] = name.replace('.arrow', '').split('-').map(Number) as [number, number];
        const seg = readSegment(join(dir, name), start, end)!;
        writeSegment(dir, seg.columns, seg, 0);
      },
    ],
    [
      'a line the index cannot hold (a score of 1e999 parses to Infinity)',
      ([f]) => {
        const text = readFileSync(f!, 'utf8');
        const at = text.indexOf('"score":', text.length / 3);
        const stop = text.indexOf(',', at);
        writeFileSync(f!, `${text.slice(0, at)}"score":1e999${text.slice(stop)}`);
      },
    ],
    ['the other log replaced by a copy of the first (a shard copied over)', ([a, b]) => writeFileSync(b!, readFileSync(a!))],
  ];
  for (const [name, damage] of stale)
    it(`stale: ${name} — falls back to the JSON and gives the JSON fold`, async () => {
      const { dir, files } = await newRun();
      damage(files, dir);
      const want = await jsonFold(dir);
      const first = await parsedLines(() => collect(new RunStore(dir)));
      expect(first.parsed).toBeGreaterThan(0);
      expectSame(first.value, want);
      // The index written on the way serves the next report as far as the log can be indexed.
      const again = await parsedLines(() => collect(new RunStore(dir)));
      expectSame(again.value, want);
      // A torn last line is never indexed (it may yet be cut off): it alone is parsed again.
      if (name.startsWith('a torn last line')) expect([first.parsed, again.parsed]).toEqual([1, 1]);
      else expect(again.parsed).toBeLessThan(first.parsed);
    });

  it('a killed score run (segment torn, temp file left, last line torn), then a report, then the run resumed', async () => {
    const { dir, files } = await newRun();
    const [f] = files;
    const idx = indexDirOf(f!);
    const segs = readdirSync(idx).sort();
    // The run died while writing its last segment (never renamed) and before writing the next…
    writeFileSync(join(idx, `${segs.at(-1)}.tmp-999-x`), readFileSync(join(idx, segs.at(-1)!)).subarray(0, 100));
    rmSync(join(idx, segs.at(-1)!));
    rmSync(join(idx, segs.at(-2)!));
    // …and mid-line in the log.
    appendFileSync(f!, JSON.stringify(judgment(5000, 'j1')).slice(0, 50));
    const want = await jsonFold(dir);
    expectSame(await collect(new RunStore(dir)), want);
    // Resumed: the writer cuts the torn line, indexes what the index lacks, and appends.
    const w = new RunStore(dir).judgmentWriter(f!);
    for (let i = 400; i < 460; i++) w.append(judgment(i, 'j1'));
    await w.close();
    expect(indexedUpTo(f!)).toBe(statSync(f!).size);
    expect(readdirSync(idx).some((n) => n.includes('.tmp-'))).toBe(false);
    const resumed = await parsedLines(() => collect(new RunStore(dir)));
    expect(resumed.parsed).toBe(0);
    expectSame(resumed.value, await jsonFold(dir));
  });

  it('a plain JsonlWriter (no index) appending to an indexed log: the report parses only what the index does not cover', async () => {
    const { dir, files } = await newRun();
    const w = new JsonlWriter(files[0]!);
    for (let i = 400; i < 410; i++) w.append(judgment(i, 'j1'));
    await w.close();
    const { value, parsed } = await parsedLines(() => collect(new RunStore(dir)));
    expect(parsed).toBe(10);
    expectSame(value, await jsonFold(dir));
  });

  it('a run directory it cannot write to: the report still folds the JSON', async () => {
    const { dir } = await newRun();
    rmSync(join(dir, 'index'), { recursive: true });
    // A file where the index folder would go: every segment write fails.
    writeFileSync(join(dir, 'index'), '');
    expectSame(await collect(new RunStore(dir)), await jsonFold(dir));
    expect(existsSync(join(dir, 'index', 'v1'))).toBe(false);
  });
});
