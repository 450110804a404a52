// What `rolejudge diff` reads of one run: the same per-sample figures as the
// report — a key recorded twice counts once (its first record), and a
// sample's score is the mean over judges of each judge's mean over rounds,
// not a flat mean over every line.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Comparison, Judgment } from '../../../src/core/records.js';
import { readRun, key } from '../../../src/stages/diff/read.js';
import { collect } from '../../../src/stages/report/collect-run.js';
import { cellKey } from '../../../src/stages/report/collect.js';
import { RunStore } from '../../../src/store/run.js';
import { writeFixtureRun } from '../report/explorer-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'rolejudge-diff-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = <T>(file: string): T[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as T);
const append = (file: string, rec: unknown) => appendFileSync(file, `${JSON.stringify(rec)}\n`);

describe('diff reads a run as the report does', () => {
  it('averages rounds within a judge before judges, and counts a repeated key once', async () => {
    const run = writeFixtureRun(join(dir, 'run'), ['m0', 'm1'], 4);
    writeFileSync(join(run.dir, 'config.json'), JSON.stringify({ dataset: { path: join(dir, 'gone.jsonl') } }));
    const ja = join(run.dir, 'judgments', 'judge-a.jsonl');
    const jb = join(run.dir, 'judgments', 'judge-b.jsonl');
    const cell = (j: Judgment) => j.sampleId === 's000' && j.model === 'm0' && j.metric === 'veg';
    const a0 = lines<Judgment>(ja).find(cell)!;
    const b0 = lines<Judgment>(jb).find(cell)!;
    // judge-a judged s000 twice (rounds 0 and 1), judge-b once, and judge-b's record was copied with another score.
    append(ja, { ...a0, round: 1, score: 10 });
    append(jb, { ...b0, score: 1 });
    const cmpFile = join(run.dir, 'comparisons', 'judge-a.jsonl');
    const c0 = lines<Comparison>(cmpFile)[1]!;
    append(cmpFile, { ...c0, credit: 1 - c0.credit!, outcome: c0.outcome === 'win' ? 'loss' : 'win' });

    const side = await readRun(run.dir);
    const want = ((a0.score! + 10) / 2 + b0.score!) / 2;
    expect(side.scores.get(key('m0', 'veg'))!.get('s000')).toBe(want);
    // The report's per-sample mean of the same cell.
    const c = await collect(new RunStore(run.dir));
    expect(c.scores.get(cellKey('m0', 'veg'))!.acc.perSample().get('s000')).toBe(want);
    expect(side.credits.get(key('m0', 'm1', 'veg', 'judge-a'))!.get(c0.sampleId)).toBe(c0.credit);
  });
});
