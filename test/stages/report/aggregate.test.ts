// The report's figures from a tiny hand-made run directory, checked against
// values computed by hand in the comments below (not by the code under test).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { loadConfig } from '../../../src/config/load.js';
import { buildReport, type ReportMeta } from '../../../src/stages/report/aggregate.js';
import { collect } from '../../../src/stages/report/collect-run.js';
import type { PairwiseRow, Report } from '../../../src/core/report.js';
import { makeReport } from '../../../src/stages/report/report.js';
import { RunStore } from '../../../src/store/run.js';
import type { Comparison, FailureKind, Judgment, OrderedVerdict, Verdict } from '../../../src/core/records.js';

const root = mkdtempSync(join(tmpdir(), 'rolejudge-aggregate-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function judgment(sampleId: string, model: string, metric: string, judge: string, round: number, score: number | null, failure?: FailureKind): Judgment {
  return {
    type: 'judgment',
    sampleId,
    model,
    metric,
    judge,
    round,
    mode: 'per-response',
    score,
    ...(failure ? { failure: { kind: failure, message: `${failure} in test` } } : {}),
    raw: [score === null ? 'garbled' : `{"score": ${score}}`],
    attempts: 1,
    usage: { prompt: 10, completion: 2, total: 12 },
    latencyMs: 5,
    sent: { model: judge },
    provenance: { judgeHash: 'jh', templateHash: 'th', rubricVersion: '1', responseHash: 'rh', framesHash: null, order: 'single', round },
    selfId: [],
    answerChars: 40 + sampleId.length,
  };
}

/** One position order; the verdict is the judge's label, the outcome the candidate's view. */
function order(o: 'AB' | 'BA', verdict: Verdict | null): OrderedVerdict {
  const candLabel = o === 'AB' ? 'A' : 'B';
  const outcome = verdict === null ? null : verdict === 'tie' ? 'tie' : verdict === candLabel ? 'win' : 'loss';
  return {
    order: o,
    verdict,
    outcome,
    raw: [],
    attempts: 1,
    usage: null,
    latencyMs: null,
    sent: { model: 'x' },
    templateHash: 'th',
    ...(verdict === null ? { failure: { kind: 'parse' as const, message: 'no verdict' } } : {}),
  };
}

/**
 * A comparison of cand vs base. `ab`/`ba` are the judge's verdicts in each
 * order; credit is the half rule over the orders (win 1, tie ½, loss 0).
 */
function comparison(sampleId: string, metric: string, judge: string, round: number, ab: Verdict | null, ba: Verdict | null): Comparison {
  const orders = [order('AB', ab), order('BA', ba)];
  const credits = orders.filter((x) => x.outcome).map((x) => (x.outcome === 'win' ? 1 : x.outcome === 'tie' ? 0.5 : 0));
  const credit = credits.length ? credits.reduce((a: number, b) => a + b, 0) / credits.length : null;
  return {
    type: 'comparison',
    sampleId,
    candidate: 'cand',
    baseline: 'base',
    metric,
    judge,
    round,
    orders,
    rule: 'half',
    outcome: credit === null ? null : credit > 0.5 ? 'win' : credit < 0.5 ? 'loss' : 'tie',
    credit,
    ...(credit === null ? { failure: { kind: 'parse' as const, message: 'no verdict' } } : {}),
    provenance: { judgeHash: 'jh', templateHash: 'th', rubricVersion: '1', responseHash: 'rh', framesHash: null, round },
    candidateChars: 30 + round,
    baselineChars: 20 + sampleId.length,
  };
}

/** Writes the run's records. Every expected figure below is computed by hand from these. */
async function writeRun(dir: string): Promise<RunStore> {
  const store = new RunStore(dir);
  store.init({ runId: 'tiny', configHash: 'h', rolejudgeVersion: 't', createdAt: '2025-01-01T00:00:00.000Z', seed: 7 }, {});
  const j1 = store.writer(store.judgmentsFile('j1'));
  const j2 = store.writer(store.judgmentsFile('j2'));
  const J = { j1, j2 } as const;
  const add = (...a: Parameters<typeof judgment>) => J[a[3] as 'j1' | 'j2'].append(judgment(...a));

  // cand / veg
  //   s1: j1 rounds 4, 6 → 5;  j2 rounds 8, (parse failure) → 8;  sample 6.5
  //   s2: j1 2, 2 → 2;         j2 4, 4 → 4;                       sample 3
  //   s3: j1 (parse), (error); j2 7, 9 → 8;                        sample 8
  //   mean = (6.5 + 3 + 8) / 3 = 35/6; failures = 3
  add('s1', 'cand', 'veg', 'j1', 0, 4);
  add('s1', 'cand', 'veg', 'j1', 1, 6);
  add('s1', 'cand', 'veg', 'j2', 0, 8);
  add('s1', 'cand', 'veg', 'j2', 1, null, 'parse');
  add('s2', 'cand', 'veg', 'j1', 0, 2);
  add('s2', 'cand', 'veg', 'j1', 1, 2);
  add('s2', 'cand', 'veg', 'j2', 0, 4);
  add('s2', 'cand', 'veg', 'j2', 1, 4);
  add('s3', 'cand', 'veg', 'j1', 0, null, 'parse');
  add('s3', 'cand', 'veg', 'j1', 1, null, 'error');
  add('s3', 'cand', 'veg', 'j2', 0, 7);
  add('s3', 'cand', 'veg', 'j2', 1, 9);
  // cand / spc (j1 only, rounds agree): 3, 5, 7 → mean 5
  for (const [s, v] of [
    ['s1', 3],
    ['s2', 5],
    ['s3', 7],
  ] as const)
    for (const r of [0, 1]) add(s, 'cand', 'spc', 'j1', r, v);
  // base / veg: s1 5,5 | 5,5 → 5;  s2 6,6 | 6,6 → 6;  s3 j1 1,3 → 2 | j2 2,2 → 2;  mean 13/3
  for (const [s, a, b, c, d] of [
    ['s1', 5, 5, 5, 5],
    ['s2', 6, 6, 6, 6],
    ['s3', 1, 3, 2, 2],
  ] as const) {
    add(s, 'base', 'veg', 'j1', 0, a);
    add(s, 'base', 'veg', 'j1', 1, b);
    add(s, 'base', 'veg', 'j2', 0, c);
    add(s, 'base', 'veg', 'j2', 1, d);
  }
  // base / spc (j1 only, rounds agree): 4, 4, 1 → mean 3
  for (const [s, v] of [
    ['s1', 4],
    ['s2', 4],
    ['s3', 1],
  ] as const)
    for (const r of [0, 1]) add(s, 'base', 'spc', 'j1', r, v);
  // solo / veg only: 6 → its Avg is undefined (no spc)
  add('s1', 'solo', 'veg', 'j1', 0, 6);
  // Duplicate of a recorded key with a wild score: must be ignored (and counted).
  add('s2', 'cand', 'veg', 'j1', 0, 100);
  await j1.close();
  await j2.close();

  // cand vs base, veg, judge j1, two rounds. Credits by sample (round 0, round 1 → mean → outcome):
  //   p1: [A,B]=1, [A,B]=1       → 1    win
  //   p2: [A,B]=1, [A,A]=½       → ¾    win
  //   p3: [A,B]=1, [B,A]=0       → ½    tie
  //   p4: [B,A]=0, [A,A]=½       → ¼    loss
  //   p5: [A,A]=½, [B,B]=½       → ½    tie
  //   p6: [A,B]=1, failed        → 1    win
  //   p7: failed,  failed        → excluded
  //   win 3, loss 1, tie 2, n 6, failures 3; sign test 3 vs 1: 2·P(X≥3|4,½) = 2·5/16 = 0.625
  // Position (j1, veg): 11 records with both orders decided; consistent = 5×[A,B] + 2×[B,A] = 7;
  //   verdicts 22, first-position (A) wins = 5 + 2 + 3×2 ([A,A]) + 0 ([B,B]) = 13.
  const c1 = store.writer(store.comparisonsFile('j1'));
  const veg: Array<[string, number, Verdict | null, Verdict | null]> = [
    ['p1', 0, 'A', 'B'],
    ['p1', 1, 'A', 'B'],
    ['p2', 0, 'A', 'B'],
    ['p2', 1, 'A', 'A'],
    ['p3', 0, 'A', 'B'],
    ['p3', 1, 'B', 'A'],
    ['p4', 0, 'B', 'A'],
    ['p4', 1, 'A', 'A'],
    ['p5', 0, 'A', 'A'],
    ['p5', 1, 'B', 'B'],
    ['p6', 0, 'A', 'B'],
    ['p6', 1, null, null],
    ['p7', 0, null, null],
    ['p7', 1, null, null],
  ];
  for (const [s, r, ab, ba] of veg) c1.append(comparison(s, 'veg', 'j1', r, ab, ba));
  // spc, j1: 5 wins, 0 losses → p = 2/32 = 0.0625. Consistency 1, first-position rate 5/10.
  for (const s of ['q1', 'q2', 'q3', 'q4', 'q5']) c1.append(comparison(s, 'spc', 'j1', 0, 'A', 'B'));
  // Duplicate key of p3 round 0 with a loss: counted it would turn p3 into a loss.
  c1.append(comparison('p3', 'veg', 'j1', 0, 'B', 'A'));
  await c1.close();
  // veg, j2: 2 wins → p = 2/4 = 0.5; alone in j2's Holm family.
  const c2 = store.writer(store.comparisonsFile('j2'));
  for (const s of ['w1', 'w2']) c2.append(comparison(s, 'veg', 'j2', 0, 'A', 'B'));
  await c2.close();
  return store;
}

const meta: ReportMeta = {
  rolejudgeVersion: 'test',
  runId: 'tiny',
  configHash: 'h',
  generatedFrom: 'runs/tiny',
  seed: 7,
  combine: 'half',
  modelOrder: ['cand', 'base', 'solo'],
  metricInfo: (id) => ({ id, name: id.toUpperCase(), abbr: id.toUpperCase(), scale: { min: 1, max: 10 } }),
  metricOrder: ['veg', 'spc'],
  pairs: [['cand', 'base']],
};

function row(report: Report, judge: string, metric: string): PairwiseRow {
  const r = report.pairwise.find((x) => x.judge === judge && x.metric === metric);
  if (!r) throw new Error(`no pairwise row for ${judge}/${metric}`);
  return r;
}

describe('buildReport from a hand-made run', () => {
  let report: Report;
  let duplicates: number;
  beforeAll(async () => {
    const store = await writeRun(join(root, 'run-a'));
    const c = await collect(store);
    duplicates = c.duplicates;
    report = buildReport(c, meta);
  });

  it('orders models and metrics as configured', () => {
    expect(report.models).toEqual(['cand', 'base', 'solo']);
    expect(report.metrics.map((m) => m.id)).toEqual(['veg', 'spc']);
    expect(report.judges).toEqual(['j1', 'j2']);
  });

  it('averages rounds per sample, then judges, then samples', () => {
    const cand = report.leaderboard.find((r) => r.model === 'cand')!;
    expect(cand.scores.veg!.mean).toBeCloseTo(35 / 6, 12);
    expect(cand.scores.veg!.n).toBe(3);
    expect(cand.scores.spc!.mean).toBeCloseTo(5, 12);
    const base = report.leaderboard.find((r) => r.model === 'base')!;
    expect(base.scores.veg!.mean).toBeCloseTo(13 / 3, 12);
    expect(base.scores.spc!.mean).toBeCloseTo(3, 12);
    // sd of per-sample means (6.5, 3, 8): mean 35/6, squared deviations (2/3)² + (17/6)² + (13/6)² = 79/6, variance 79/12
    expect(cand.scores.veg!.sd).toBeCloseTo(Math.sqrt(79 / 12), 12);
  });

  it('Avg is the mean of the metric means, null when a metric is missing', () => {
    const avg = Object.fromEntries(report.leaderboard.map((r) => [r.model, r.avg]));
    expect(avg.cand).toBeCloseTo((35 / 6 + 5) / 2, 12);
    expect(avg.base).toBeCloseTo((13 / 3 + 3) / 2, 12);
    expect(avg.solo).toBeNull();
    expect(report.leaderboard.find((r) => r.model === 'solo')!.scores.veg!.mean).toBe(6);
  });

  it('counts failures per cell and does not average them in', () => {
    const cand = report.leaderboard.find((r) => r.model === 'cand')!;
    expect(cand.scores.veg!.failures).toBe(3);
    expect(cand.scores.spc!.failures).toBe(0);
    expect(report.counts.judgmentFailures).toBe(3);
    expect(report.counts.parseFailures).toBe(2);
    expect(report.counts.judgeErrors).toBe(1);
    // 12 cand/veg + 6 cand/spc + 12 base/veg + 6 base/spc + 1 solo, duplicate excluded
    expect(report.counts.judgments).toBe(37);
  });

  it('ignores duplicate keys and counts them', () => {
    expect(duplicates).toBe(2);
    expect(report.counts.comparisons).toBe(14 + 5 + 2);
    expect(report.counts.comparisonFailures).toBe(3);
  });

  it('combines two rounds by mean credit per sample', () => {
    const r = row(report, 'j1', 'veg');
    expect([r.win, r.loss, r.tie, r.n, r.failures]).toEqual([3, 1, 2, 6, 3]);
    expect(r.winPct).toBeCloseTo(50, 12);
    expect(r.lossPct).toBeCloseTo(100 / 6, 12);
    expect(r.tiePct).toBeCloseTo(100 / 3, 12);
    expect(r.net).toBeCloseTo(100 / 3, 12);
    expect(r.decisive).toBeCloseTo(0.75, 12);
    expect(r.p).toBeCloseTo(0.625, 12);
  });

  it('computes net, decisive rate and the exact sign test for 5 wins, 0 losses', () => {
    const r = row(report, 'j1', 'spc');
    expect([r.win, r.loss, r.tie, r.n]).toEqual([5, 0, 0, 5]);
    expect(r.net).toBeCloseTo(100, 12);
    expect(r.decisive).toBe(1);
    expect(r.p).toBeCloseTo(0.0625, 12);
    expect(r.log10p).toBeCloseTo(Math.log10(0.0625), 12);
    expect(r.decisiveCi95![1]).toBeCloseTo(1, 12);
    expect(r.decisiveCi95![0]).toBeGreaterThan(0.5);
    expect(r.decisiveCi95![0]).toBeLessThan(1);
  });

  it('adjusts p by Holm across the rows of one judge only', () => {
    // j1 family {0.0625, 0.625}: 2·0.0625 = 0.125; max(0.125, 1·0.625) = 0.625.
    expect(row(report, 'j1', 'spc').pHolm).toBeCloseTo(0.125, 12);
    expect(row(report, 'j1', 'veg').pHolm).toBeCloseTo(0.625, 12);
    // j2 family {0.5}: unadjusted.
    const j2 = row(report, 'j2', 'veg');
    expect([j2.win, j2.loss, j2.n]).toEqual([2, 0, 2]);
    expect(j2.p).toBeCloseTo(0.5, 12);
    expect(j2.pHolm).toBeCloseTo(0.5, 12);
  });

  it('measures position bias: consistency across the swap and first-position win rate', () => {
    const veg = report.positionBias.find((b) => b.judge === 'j1' && b.metric === 'veg')!;
    expect(veg.pairs).toBe(11);
    expect(veg.consistency).toBeCloseTo(7 / 11, 12);
    expect(veg.firstPositionWinRate).toBeCloseTo(13 / 22, 12);
    const spc = report.positionBias.find((b) => b.judge === 'j1' && b.metric === 'spc')!;
    expect(spc.consistency).toBe(1);
    expect(spc.firstPositionWinRate).toBeCloseTo(0.5, 12);
  });

  it('agreement between rounds is 1 when rounds agree exactly', () => {
    const spc = report.agreement.find((a) => a.metric === 'spc')!;
    expect(spc.betweenRounds).toBeCloseTo(1, 12);
    // Only one judge scored spc: nothing to compare across judges.
    expect(spc.betweenJudges).toBeNull();
    const veg = report.agreement.find((a) => a.metric === 'veg')!;
    expect(veg.betweenRounds).not.toBeNull();
    expect(veg.betweenRounds!).toBeLessThan(1);
  });

  it('paired differences use per-sample means', () => {
    // veg: 6.5−5, 3−6, 8−2 → mean 1.5; spc: 3−4, 5−4, 7−1 → mean 2
    const d = (metric: string) => report.pairedDiffs.find((x) => x.metric === metric)!;
    expect(d('veg').n).toBe(3);
    expect(d('veg').meanDiff).toBeCloseTo(1.5, 12);
    expect(d('spc').meanDiff).toBeCloseTo(2, 12);
  });
});

describe('makeReport', () => {
  it('regenerating the report gives byte-identical files', async () => {
    const dir = join(root, 'project');
    mkdirSync(dir, { recursive: true });
    const configFile = join(dir, 'rolejudge.yaml');
    writeFileSync(
      configFile,
      YAML.stringify({
        run: { id: 'tiny', outputDir: 'runs', reportsDir: 'reports', seed: 7 },
        dataset: { path: 'data.jsonl' },
        models: [
          { name: 'cand', outputs: 'cand.jsonl' },
          { name: 'base', outputs: 'base.jsonl' },
          { name: 'solo', outputs: 'solo.jsonl' },
        ],
        judges: ['offline'],
        rubrics: ['veg', 'spc'],
        compare: { candidates: ['cand'], baselines: ['base'], combine: 'half' },
      }),
    );
    const loaded = loadConfig(configFile);
    await writeRun(join(dir, 'runs', 'tiny'));
    const first = await makeReport(loaded);
    expect(first.dir).toBe(join(dir, 'reports', 'tiny'));
    expect(first.files.map((f) => f.slice(first.dir.length + 1)).sort()).toEqual([
      'leaderboard.csv',
      'pairwise.csv',
      'report.html',
      'report.json',
      'report.md',
      'table.tex',
    ]);
    expect(first.duplicates).toBe(2);
    // The shipped rubric names the metric.
    expect(first.report.metrics.find((m) => m.id === 'veg')!.abbr).toBe('VEG');
    expect(first.report.leaderboard.find((r) => r.model === 'cand')!.scores.veg!.mean).toBeCloseTo(35 / 6, 12);
    const bytes1 = first.files.map((f) => readFileSync(f));
    const second = await makeReport(loaded);
    expect(second.files).toEqual(first.files);
    second.files.forEach((f, i) => expect(readFileSync(f).equals(bytes1[i]!), f).toBe(true));
  });
});
