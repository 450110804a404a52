// A key recorded twice (a hand-merged or damaged run) counts once, and the
// same record everywhere: the report's counts and format tallies, its
// duplicate count, and report.html's explorer columns and detail, with the
// report's fold handed over or not. A response keeps its last record (the one
// the judging stages read); a judgment or comparison its first.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Comparison, Judgment, ResponseRecord } from '../../../src/core/records.js';
import { collect } from '../../../src/stages/report/collect-run.js';
import type { Collected } from '../../../src/stages/report/collect.js';
import { buildExplorer } from '../../../src/stages/report/explorer/build.js';
import type { ExplorerData } from '../../../src/stages/report/explorer/data.js';
import { RunStore } from '../../../src/store/run.js';
import { writeFixtureRun } from './explorer-fixture.js';
import { sampleReport } from './fixture.js';

const report = sampleReport();
const N = 10;
const dir = mkdtempSync(join(tmpdir(), 'rolejudge-dup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const firstLine = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!) as T;
const append = (file: string, rec: unknown) => appendFileSync(file, `${JSON.stringify(rec)}\n`);
const text = (d: ExplorerData, i: number | null) => (i === null || i < 0 ? null : d.s[i]);

describe('a key recorded twice', () => {
  let run: ReturnType<typeof writeFixtureRun>;
  let c: Collected;
  let clean: Collected;
  let firstJudgment: Judgment;
  beforeAll(async () => {
    clean = await collect(new RunStore(writeFixtureRun(join(dir, 'clean'), report.models, N).dir));
    run = writeFixtureRun(join(dir, 'run'), report.models, N);
    // s000's response of model 0 again, now failing the format check, with a
    // spend of its own: the judges read this one.
    const resp = firstLine<ResponseRecord>(join(run.dir, 'responses', 'm0.jsonl'));
    append(join(run.dir, 'responses', 'm0.jsonl'), {
      ...resp,
      answer: 'the later answer',
      raw: 'the later answer',
      format: { valid: false, flags: ['missing-answer'] },
      formatPass: false,
      via: 'network',
      spend: { requests: 2, promptTokens: 100, completionTokens: 10, fromCache: 0, promptTokensFromCache: 0, completionTokensFromCache: 0 },
    });
    // The first judgment line again with another score, then the first comparison with the other outcome.
    firstJudgment = firstLine<Judgment>(join(run.dir, 'judgments', 'judge-a.jsonl'));
    append(join(run.dir, 'judgments', 'judge-a.jsonl'), { ...firstJudgment, score: firstJudgment.score === 10 ? 1 : 10, raw: ['Score: other'] });
    const cmp = firstLine<Comparison>(join(run.dir, 'comparisons', 'judge-a.jsonl'));
    append(join(run.dir, 'comparisons', 'judge-a.jsonl'), { ...cmp, credit: 1 - cmp.credit!, outcome: cmp.outcome === 'win' ? 'loss' : 'win' });
    c = await collect(new RunStore(run.dir));
  });

  it('is counted once in the report, the response by its last record, and reported as a duplicate', () => {
    expect(c.duplicates).toBe(3);
    expect(c.counts.responses).toBe(3 * N);
    expect(c.counts.invalidFormat).toBe(1);
    // The kept response's spend, and nothing of the judgment and comparison copies.
    expect(c.counts.calls).toBe(clean.counts.calls + 2);
    expect(c.counts.promptTokens).toBe(clean.counts.promptTokens + 100);
    expect(c.counts.judgmentFailures).toBe(clean.counts.judgmentFailures);
    const m0 = c.formats!.get(report.models[0]!)!;
    expect([m0.responses, m0.valid, m0.flags]).toEqual([N, N - 1, { 'missing-answer': 1 }]);
    expect(c.counts.judgments).toBe(2 * 3 * 3 * N);
    expect(c.counts.comparisons).toBe(N);
    expect(clean.duplicates).toBe(0);
  });

  it('shows the kept records in the explorer, with the fold or from the logs', async () => {
    const store = new RunStore(run.dir);
    const fromFold = await buildExplorer(store, report, { samples: run.samples, fold: c });
    const fromLogs = await buildExplorer(store, report, { samples: run.samples });
    expect(fromFold).toEqual(fromLogs);
    for (const d of [fromFold, fromLogs]) {
      const s0 = d.detail[0]!;
      // One answer per model, model 0's being the later record.
      expect(s0.a.map((a) => [a[0], text(d, a[1])])).toEqual([
        [0, 'the later answer'],
        [1, 'Answer of model 1 to s000: <b>not bold</b>'],
        [2, 'Answer of model 2 to s000: <b>not bold</b>'],
      ]);
      // 3 models × 3 metrics × 2 judges, the first judgment's score kept.
      expect(s0.j).toHaveLength(18);
      const kept = s0.j.filter((j) => j[0] === 0 && j[1] === 0 && j[2] === 0);
      expect(kept.map((j) => j[4])).toEqual([firstJudgment.score]);
      // Sample 0's (model 0, veg) column: the mean of judge-a's first score and judge-b's.
      const judgeB = s0.j.find((j) => j[0] === 0 && j[1] === 0 && j[2] === 1)![4] as number;
      expect(d.score[0]![0]).toBe(((firstJudgment.score as number) + judgeB) / 2);
      // s000's orders disagree in the fixture (a tie, shown lower-case); the later copy would make it a win or loss.
      expect(d.out[0]![0]).toBe('t');
      expect(s0.c).toHaveLength(1);
    }
  });
});
