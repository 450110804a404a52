// On a large run the bootstrap intervals are computed by worker threads while
// this thread builds the report around placeholders (late-intervals.ts). The
// report must come out as the one built with every interval at hand: here
// against buildReport computing its own intervals, on a run whose scores have
// no exact binary form (any change in what is read or summed shows).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Judgment } from '../../../src/core/records.js';
import { buildReport, intervalJobs, type ReportMeta } from '../../../src/stages/report/aggregate.js';
import { collect } from '../../../src/stages/report/collect-run.js';
import { LateIntervals } from '../../../src/stages/report/late-intervals.js';
import { bootstrapMeanCi } from '../../../src/stats/bootstrap.js';
import type { Interval } from '../../../src/stats/index.js';
import { RunStore } from '../../../src/store/run.js';

const root = mkdtempSync(join(tmpdir(), 'rolejudge-late-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const meta: ReportMeta = {
  rolejudgeVersion: 'test',
  runId: 'late',
  configHash: 'h',
  generatedFrom: 'runs/late',
  seed: 5,
  combine: 'half',
  modelOrder: ['cand', 'base'],
  metricInfo: (id) => ({ id, name: id, abbr: id, scale: { min: 0, max: 100 } }),
  metricOrder: ['veg', 'spc'],
  pairs: [['cand', 'base']],
};

async function run(): Promise<ReturnType<typeof collect>> {
  const store = new RunStore(join(root, 'run'));
  store.init({ runId: 'late', configHash: 'h', rolejudgeVersion: 't', createdAt: '2025-01-01T00:00:00.000Z', seed: 5 }, {});
  const w = store.writer(store.judgmentsFile('j1'));
  let i = 0;
  for (let s = 0; s < 60; s++)
    for (const model of ['cand', 'base'])
      for (const metric of ['veg', 'spc'])
        for (let round = 0; round < 2; round++) {
          i++;
          const score = i % 17 === 0 ? null : ((i * 37) % 101) / 7;
          const j: Judgment = {
            type: 'judgment',
            sampleId: `s${String(s).padStart(2, '0')}`,
            model,
            metric,
            judge: 'j1',
            round,
            mode: 'per-response',
            score,
            ...(score === null ? { failure: { kind: 'parse' as const, message: 'no score' } } : {}),
            raw: ['x'],
            attempts: 1,
            usage: { prompt: 1, completion: 1, total: 2 },
            latencyMs: 1,
            sent: { model: 'j1' },
            provenance: { judgeHash: 'jh', templateHash: 'th', rubricVersion: '1', responseHash: 'rh', framesHash: null, order: 'single', round },
            selfId: [],
            answerChars: 10 + s,
          };
          w.append(j);
        }
  await w.close();
  return collect(store);
}

/** The intervals as the workers compute them: one per job, from the job's own values and seed. */
const computed = (jobs: ReturnType<typeof intervalJobs>) =>
  new Map<string, Interval | null>(jobs.map((j) => [j.seed, bootstrapMeanCi(j.values, { seed: j.seed, resamples: j.resamples })]));

describe('a report built before its intervals arrive', () => {
  it('is, once they are filled in, byte for byte the report built with them', async () => {
    const c = await run();
    const jobs = intervalJobs(c, meta);
    // Two score cells per model and two paired differences.
    expect(jobs).toHaveLength(2 * 2 + 2);
    const late = new LateIntervals(jobs.map((j) => j.seed));
    const report = buildReport(c, meta, late);
    // Until filled, the intervals are not there: the figures that hold them show it.
    expect(report.leaderboard[0]!.scores.veg!.ci95).toEqual([Number.NaN, Number.NaN]);
    expect(late.fill(computed(jobs))).toBe(true);
    const eager = buildReport(c, meta);
    expect(eager.pairedDiffs).toHaveLength(2);
    expect(JSON.stringify(report)).toBe(JSON.stringify(eager));
  });

  it('is not filled when an interval is missing or null: the caller builds the report from the computed map instead', async () => {
    const c = await run();
    const jobs = intervalJobs(c, meta);
    const some = computed(jobs);
    const late = new LateIntervals(jobs.map((j) => j.seed));
    const report = buildReport(c, meta, late);
    const missing = new Map(some);
    missing.delete(jobs[3]!.seed);
    expect(late.fill(missing)).toBe(false);
    expect(late.fill(new Map([...some].map(([k, v], i) => [k, i === 0 ? null : v])))).toBe(false);
    // Nothing was filled by the refused maps.
    expect(report.leaderboard.flatMap((r) => Object.values(r.scores).map((s) => s.ci95)).every((ci) => ci !== null && Number.isNaN(ci[0]))).toBe(true);
  });
});
