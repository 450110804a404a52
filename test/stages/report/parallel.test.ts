// The multi-core report path (worker threads) must give exactly the report of
// the one-thread pass. Workers run compiled code, so this test loads the
// report modules from dist/ (built by the global setup) — both paths from the
// same build, so the comparison is like for like.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as AggregateModule from '../../../src/stages/report/aggregate.js';
import type * as CollectModule from '../../../src/stages/report/collect-run.js';
import type * as ParallelModule from '../../../src/stages/report/parallel.js';
import type * as RunModule from '../../../src/store/run.js';
import type * as LateModule from '../../../src/stages/report/late-intervals.js';
import type { Comparison, Judgment } from '../../../src/core/records.js';
import { REPO_ROOT } from '../../helpers/cli.js';

const load = <T>(rel: string) => import(pathToFileURL(join(REPO_ROOT, 'dist', rel)).href) as Promise<T>;
let parallel: typeof ParallelModule;
let collectMod: typeof CollectModule;
let aggregate: typeof AggregateModule;
let runMod: typeof RunModule;
let lateMod: typeof LateModule;
let pool: InstanceType<typeof ParallelModule.ReportPool>;

const root = mkdtempSync(join(tmpdir(), 'rolejudge-parallel-'));
beforeAll(async () => {
  [parallel, collectMod, aggregate, runMod, lateMod] = await Promise.all([
    load<typeof ParallelModule>('stages/report/parallel.js'),
    load<typeof CollectModule>('stages/report/collect-run.js'),
    load<typeof AggregateModule>('stages/report/aggregate.js'),
    load<typeof RunModule>('store/run.js'),
    load<typeof LateModule>('stages/report/late-intervals.js'),
  ]);
  pool = new parallel.ReportPool(2);
});
afterAll(async () => {
  await pool?.close();
  rmSync(root, { recursive: true, force: true });
});

const meta: AggregateModule.ReportMeta = {
  rolejudgeVersion: 'test',
  runId: 'par',
  configHash: 'h',
  generatedFrom: 'runs/par',
  seed: 11,
  combine: 'half',
  modelOrder: ['cand', 'base'],
  metricInfo: (id) => ({ id, name: id, abbr: id, scale: { min: 0, max: 100 } }),
  metricOrder: ['veg', 'spc'],
  pairs: [['cand', 'base']],
};

function judgment(i: number, sampleId: string, model: string, metric: string, judge: string, round: number): Judgment {
  // Scores like 61/7 have no exact binary form: any change in summation order would show in the last digits.
  const failed = i % 29 === 0;
  const score = failed ? null : ((i * 37) % 101) / 7;
  return {
    type: 'judgment',
    sampleId,
    model,
    metric,
    judge,
    round,
    mode: 'per-response',
    score,
    ...(failed ? { failure: { kind: 'parse' as const, message: 'no score' } } : {}),
    raw: [`reply ${i}`],
    attempts: 1 + (i % 2),
    usage: { prompt: 100 + i, completion: 7, total: 107 + i },
    latencyMs: 3,
    sent: { model: judge },
    provenance: { judgeHash: 'j', templateHash: 't', rubricVersion: '1', responseHash: 'r', framesHash: null, order: 'single', round },
    selfId: i % 31 === 0 ? ['as an AI'] : [],
    answerChars: 50 + ((sampleId.length * 7 + i) % 40),
  };
}

function comparison(sampleId: string, round: number, credit: number): Comparison {
  return {
    type: 'comparison',
    sampleId,
    candidate: 'cand',
    baseline: 'base',
    metric: 'veg',
    judge: 'j1',
    round,
    orders: [],
    credit,
    candidateChars: 60,
    baselineChars: 55,
  } as unknown as Comparison;
}

/**
 * A run of 40 samples × 2 models × 2 metrics × 8 rounds over two judge logs,
 * lines shuffled (seeded): ranges then often hold several rounds of a cell
 * whose other rounds sit in other ranges.
 */
function writeRun(dir: string): string[][] {
  const byJudge: Record<string, string[]> = { j1: [], j2: [] };
  let i = 0;
  for (let s = 0; s < 40; s++)
    for (const model of ['cand', 'base'])
      for (const metric of ['veg', 'spc'])
        for (const judge of ['j1', 'j2'])
          for (let round = 1; round <= 8; round++)
            byJudge[judge]!.push(JSON.stringify(judgment(i++, `s${String(s).padStart(3, '0')}`, model, metric, judge, round)));
  let x = 12345;
  const rand = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 4294967296;
  mkdirSync(join(dir, 'judgments'), { recursive: true });
  mkdirSync(join(dir, 'comparisons'), { recursive: true });
  for (const [judge, lines] of Object.entries(byJudge)) {
    for (let k = lines.length - 1; k > 0; k--) {
      const r = Math.floor(rand() * (k + 1));
      [lines[k], lines[r]] = [lines[r]!, lines[k]!];
    }
    writeFileSync(join(dir, 'judgments', `${judge}.jsonl`), lines.join('\n') + '\n');
  }
  writeFileSync(join(dir, 'comparisons', 'j1.jsonl'), [0, 1, 2, 3].map((s) => JSON.stringify(comparison(`s00${s}`, 1, s % 2))).join('\n') + '\n');
  return Object.values(byJudge);
}

async function both(dir: string) {
  const store = new runMod.RunStore(dir);
  const seq = await collectMod.collect(store);
  // Ranges of 8 KiB: dozens per log, so (sample, judge) cells are split across workers.
  const par = await parallel.collectParallel(store, pool, 8192);
  const intervals = await parallel.intervalsParallel(aggregate.intervalJobs(par, meta), pool, 0);
  return { seq, par, seqReport: aggregate.buildReport(seq, meta), parReport: aggregate.buildReport(par, meta, intervals), intervals };
}

describe('report on worker threads', () => {
  it('gives exactly the one-thread report, digit for digit', async () => {
    const dir = join(root, 'run');
    writeRun(dir);
    const { seq, par, seqReport, parReport, intervals } = await both(dir);
    // The intervals really came from the workers, one per score cell and paired difference.
    expect(intervals?.size).toBe(2 * 2 + 2);
    expect(par.counts).toEqual(seq.counts);
    expect(par.counts.judgments).toBe(40 * 2 * 2 * 2 * 8);
    expect(JSON.stringify(parReport)).toBe(JSON.stringify(seqReport));
  });

  it('gives the same report when it is built while the workers compute its intervals (placeholders filled after)', async () => {
    const dir = join(root, 'late');
    writeRun(dir);
    const { seq, par } = await both(dir);
    const jobs = aggregate.intervalJobs(par, meta);
    const pending = parallel.intervalsParallel(jobs, pool, 0)!;
    const late = new lateMod.LateIntervals(jobs.map((j) => j.seed));
    const report = aggregate.buildReport(par, meta, late);
    expect(late.fill(await pending)).toBe(true);
    expect(JSON.stringify(report)).toBe(JSON.stringify(aggregate.buildReport(seq, meta)));
  });

  it('counts duplicates inside one range, and resolves one split across ranges like the one-thread pass', async () => {
    const dir = join(root, 'dups');
    const [j1] = writeRun(dir);
    const log = join(dir, 'judgments', 'j1.jsonl');
    // The first line again at the very end (another range), with another score: the first copy must win.
    const first = JSON.parse(j1![0]!) as Judgment;
    appendFileSync(log, JSON.stringify({ ...first, score: 99 }) + '\n');
    // And another line twice more, back to back (one range, apart from its first copy).
    appendFileSync(log, j1![5]! + '\n' + j1![5]! + '\n');
    const { seq, par, seqReport, parReport } = await both(dir);
    expect(seq.duplicates).toBe(3);
    expect(par.duplicates).toBe(3);
    expect(JSON.stringify(parReport)).toBe(JSON.stringify(seqReport));
  });

  it('stays in one thread for a small run unless told otherwise', () => {
    const dir = join(root, 'run');
    const store = new runMod.RunStore(dir);
    expect(parallel.reportThreads(store, {})).toBe(1);
    expect(parallel.reportThreads(store, { ROLEJUDGE_REPORT_THREADS: '3' })).toBe(3);
    expect(parallel.reportThreads(store, { ROLEJUDGE_REPORT_THREADS: 'x' })).toBe(1);
  });
});
