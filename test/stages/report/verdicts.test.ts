// The report fixes of issue 14 on hand-made runs: clustered intervals and the
// cluster sign test beside the i.i.d. figures, the t-based MDD, the
// first-position rate without ties, Avg over one scale, Davidson rankings.
// Expected values are worked out by hand in the comments.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport, type ReportMeta } from '../../../src/stages/report/aggregate.js';
import { collect } from '../../../src/stages/report/collect-run.js';
import { RunStore } from '../../../src/store/run.js';
import { davidson, pairedMdeT } from '../../../src/stats/index.js';
import type { Comparison, Judgment, OrderedVerdict, Verdict } from '../../../src/core/records.js';
import type { Report } from '../../../src/core/report.js';

const root = mkdtempSync(join(tmpdir(), 'rolejudge-verdicts-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function judgment(sampleId: string, model: string, metric: string, score: number): Judgment {
  return {
    type: 'judgment',
    sampleId,
    model,
    metric,
    judge: 'j',
    round: 0,
    mode: 'per-response',
    score,
    raw: [],
    attempts: 1,
    usage: null,
    latencyMs: 1,
    sent: { model: 'j' },
    provenance: { judgeHash: 'jh', templateHash: 'th', rubricVersion: '1', responseHash: 'rh', framesHash: null, order: 'single', round: 0 },
    selfId: [],
    answerChars: 10,
  } as unknown as Judgment;
}

function order(o: 'AB' | 'BA', verdict: Verdict | null): OrderedVerdict {
  const cand = o === 'AB' ? 'A' : 'B';
  const outcome = verdict === null ? null : verdict === 'tie' ? 'tie' : verdict === cand ? 'win' : 'loss';
  return {
    order: o,
    verdict,
    outcome,
    raw: [],
    attempts: 1,
    usage: null,
    latencyMs: null,
    sent: { model: 'j' },
    templateHash: 'th',
    ...(verdict === null ? { failure: { kind: 'parse' as const, message: 'x' } } : {}),
  };
}

function comparison(sampleId: string, candidate: string, baseline: string, ab: Verdict | null, ba: Verdict | null, metric = 'veg'): Comparison {
  const orders = [order('AB', ab), order('BA', ba)];
  const credits = orders.filter((x) => x.outcome).map((x) => (x.outcome === 'win' ? 1 : x.outcome === 'tie' ? 0.5 : 0));
  const credit = credits.length ? credits.reduce((a: number, b) => a + b, 0) / credits.length : null;
  return {
    type: 'comparison',
    sampleId,
    candidate,
    baseline,
    metric,
    judge: 'j',
    round: 0,
    orders,
    rule: 'half',
    outcome: credit === null ? null : credit > 0.5 ? 'win' : credit < 0.5 ? 'loss' : 'tie',
    credit,
    provenance: { judgeHash: 'jh', templateHash: 'th', rubricVersion: '1', responseHash: 'rh', framesHash: null, round: 0 },
    candidateChars: 10,
    baselineChars: 10,
  } as Comparison;
}

const SCALES: Record<string, { min: number; max: number }> = { veg: { min: 1, max: 10 }, spc: { min: 1, max: 10 }, pct: { min: 0, max: 100 } };
const meta = (over: Partial<ReportMeta> = {}): ReportMeta => ({
  rolejudgeVersion: 't',
  runId: 'r',
  configHash: 'h',
  generatedFrom: 'runs/r',
  seed: 7,
  combine: 'half',
  modelOrder: ['cand', 'base'],
  metricInfo: (id) => ({ id, name: id, abbr: id.toUpperCase(), scale: SCALES[id] ?? { min: 1, max: 10 } }),
  metricOrder: ['veg', 'spc', 'pct'],
  pairs: [['cand', 'base']],
  ...over,
});

let n = 0;
async function run(judgments: Judgment[], comparisons: Comparison[], m: ReportMeta): Promise<Report> {
  const store = new RunStore(join(root, `run-${n++}`));
  store.init({ runId: 'r', configHash: 'h', rolejudgeVersion: 't', createdAt: '2025-01-01T00:00:00.000Z', seed: 7 }, {});
  const jw = store.writer(store.judgmentsFile('j'));
  for (const j of judgments) jw.append(j);
  await jw.close();
  const cw = store.writer(store.comparisonsFile('j'));
  for (const c of comparisons) cw.append(c);
  await cw.close();
  return buildReport(await collect(store), m);
}

// Four samples in two sessions: cand scores 1, 1 (s1) and 3, 3 (s2); base scores 2 everywhere.
const SESSIONS = {
  by: 'session',
  of: new Map([
    ['a', 's1'],
    ['b', 's1'],
    ['c', 's2'],
    ['d', 's2'],
  ]),
};
const clusteredRun = () => [
  ...[
    ['a', 1],
    ['b', 1],
    ['c', 3],
    ['d', 3],
  ].map(([id, v]) => judgment(id as string, 'cand', 'veg', v as number)),
  ...['a', 'b', 'c', 'd'].map((id) => judgment(id, 'base', 'veg', 2)),
];

describe('cluster-aware report figures', () => {
  it('gives the cluster bootstrap interval, the design effect and the cluster count beside the i.i.d. interval', async () => {
    const r = await run(clusteredRun(), [], meta({ clusters: SESSIONS }));
    const cell = r.leaderboard.find((x) => x.model === 'cand')!.scores.veg!;
    // Every replicate mixes the session means 1 and 3: [1, 3].
    expect(cell.clustered!.ci95).toEqual([1, 3]);
    expect(cell.clustered!.clusters).toBe(2);
    expect(cell.clustered!.by).toBe('session');
    // ȳ = 2, s² = 4/3, varIid = 1/3; cluster residual sums −2, +2: varClustered = 2·8/16 = 1; deff = 3.
    expect(cell.clustered!.designEffect).toBeCloseTo(3, 12);
    // The unclustered interval stays, and is narrower here.
    expect(cell.ci95).not.toBeNull();
    expect(r.clustering).toEqual({ by: 'session', clusters: 2 });
    const d = r.pairedDiffs.find((x) => x.metric === 'veg')!;
    // Differences −1, −1, +1, +1 resampled by session: [−1, 1].
    expect(d.clustered!.ci95).toEqual([-1, 1]);
  });

  it('has no clustered figures without a cluster map, and says so', async () => {
    const r = await run(clusteredRun(), [], meta());
    expect(r.leaderboard[0]!.scores.veg!.clustered).toBeUndefined();
    expect(r.clustering).toEqual({ by: 'none', clusters: 0 });
  });

  it('runs a cluster-level sign test beside the item-level one, Holm-adjusted', async () => {
    // Session A: a1 a2 a3 wins; B: b1 win; C: c1 loss. Items 4–1: p = 2·6/32 = 0.375.
    // Clusters: A +3, B +1, C −1 → 2 positive, 1 negative: p = 2·P(X ≥ 2 | 3, ½) = 1.
    const of = new Map([
      ['a1', 'A'],
      ['a2', 'A'],
      ['a3', 'A'],
      ['b1', 'B'],
      ['c1', 'C'],
    ]);
    const comps = ['a1', 'a2', 'a3', 'b1'].map((id) => comparison(id, 'cand', 'base', 'A', 'B'));
    comps.push(comparison('c1', 'cand', 'base', 'B', 'A'));
    const r = await run(clusteredRun(), comps, meta({ clusters: { by: 'session', of } }));
    const row = r.pairwise[0]!;
    expect(row.p).toBeCloseTo(0.375, 12);
    expect(row.clustered).toMatchObject({ by: 'session', clusters: 3, positive: 2, negative: 1, tied: 0 });
    expect(row.clustered!.p).toBeCloseTo(1, 12);
    expect(row.clustered!.pHolm).toBeCloseTo(1, 12);
  });
});

describe('report fixes', () => {
  it('puts the t-based minimum detectable difference in the paired differences', async () => {
    const r = await run(clusteredRun(), [], meta());
    const d = r.pairedDiffs.find((x) => x.metric === 'veg')!;
    // Differences −1, −1, 1, 1: sd = √(4/3).
    expect(d.sd).toBeCloseTo(Math.sqrt(4 / 3), 12);
    expect(d.mdd).toBeCloseTo(pairedMdeT(Math.sqrt(4 / 3), 4)!, 12);
    // All differences equal: sd 0, not estimable.
    const flat = await run(
      ['a', 'b', 'c'].flatMap((id) => [judgment(id, 'cand', 'veg', 5), judgment(id, 'base', 'veg', 4)]),
      [],
      meta(),
    );
    expect(flat.pairedDiffs[0]!.mdd).toBeNull();
  });

  it('leaves ties out of the first-position win rate and reports the tie share', async () => {
    // 40 comparisons [A, B]: 40 first-position wins, 40 second. 9 × [tie, tie] + 1 × [tie, failed]: 19 ties.
    const comps = Array.from({ length: 40 }, (_, i) => comparison(`w${i}`, 'cand', 'base', 'A', 'B'));
    for (let i = 0; i < 9; i++) comps.push(comparison(`t${i}`, 'cand', 'base', 'tie', 'tie'));
    comps.push(comparison('t9', 'cand', 'base', 'tie', null));
    const r = await run([], comps, meta());
    const pb = r.positionBias[0]!;
    // Old: 40 / 99 = 0.404 for a position-neutral judge.
    expect(pb.firstPositionWinRate).toBeCloseTo(0.5, 12);
    expect(pb.tieShare).toBeCloseTo(19 / 99, 12);
  });

  it('averages metric means raw only when they share a scale, else rescaled to 0–100', async () => {
    const js = ['a', 'b'].flatMap((id) => [judgment(id, 'cand', 'veg', 6), judgment(id, 'cand', 'pct', 50)]);
    const mixed = await run(js, [], meta());
    // veg 6 on 1–10 → 55.6; pct 50 on 0–100 → 50; Avg 52.78 (the raw mean would be 28).
    expect(mixed.leaderboard[0]!.avg).toBeCloseTo((((6 - 1) / 9) * 100 + 50) / 2, 10);
    expect(mixed.avgScale).toBe('rescaled-0-100');
    const same = await run(
      ['a', 'b'].flatMap((id) => [judgment(id, 'cand', 'veg', 6), judgment(id, 'cand', 'spc', 4)]),
      [],
      meta(),
    );
    expect(same.leaderboard[0]!.avg).toBeCloseTo(5, 12);
    expect(same.avgScale).toBe('rubric');
  });

  it('ranks three systems with Davidson when there are ties', async () => {
    const comps: Comparison[] = [];
    const add = (c: string, b: string, w: number, l: number, t: number) => {
      for (let i = 0; i < w; i++) comps.push(comparison(`${c}${b}w${i}`, c, b, 'A', 'B'));
      for (let i = 0; i < l; i++) comps.push(comparison(`${c}${b}l${i}`, c, b, 'B', 'A'));
      for (let i = 0; i < t; i++) comps.push(comparison(`${c}${b}t${i}`, c, b, 'tie', 'tie'));
    };
    add('x', 'y', 6, 3, 2);
    add('y', 'z', 5, 2, 3);
    add('x', 'z', 7, 1, 2);
    const r = await run([], comps, meta({ modelOrder: ['x', 'y', 'z'], pairs: [] }));
    const rk = r.rankings[0]!;
    expect(rk.model).toBe('davidson');
    const outcomes = [
      ...Array(6).fill({ a: 'x', b: 'y', score: 1 }),
      ...Array(3).fill({ a: 'x', b: 'y', score: 0 }),
      ...Array(2).fill({ a: 'x', b: 'y', score: 0.5 }),
      ...Array(5).fill({ a: 'y', b: 'z', score: 1 }),
      ...Array(2).fill({ a: 'y', b: 'z', score: 0 }),
      ...Array(3).fill({ a: 'y', b: 'z', score: 0.5 }),
      ...Array(7).fill({ a: 'x', b: 'z', score: 1 }),
      ...Array(1).fill({ a: 'x', b: 'z', score: 0 }),
      ...Array(2).fill({ a: 'x', b: 'z', score: 0.5 }),
    ];
    const want = davidson(outcomes);
    expect(rk.tieParameter).toBeCloseTo(want.tieParameter, 10);
    expect(rk.systems.map((s) => s.model)).toEqual(['x', 'y', 'z']);
    expect(rk.systems[0]!.strength).toBeCloseTo(want.systems[0]!.strength, 10);
    expect(rk.systems[0]!.ci95[0]).toBeLessThan(rk.systems[0]!.strength);
  });
});

describe('report.md shows the new figures', () => {
  it('clustered beside i.i.d. intervals, the cluster count, the MDD and a rescaled Avg', async () => {
    const { renderMarkdown } = await import('../../../src/stages/report/writers/markdown.js');
    const r = await run([...clusteredRun(), judgment('a', 'cand', 'pct', 40), judgment('a', 'base', 'pct', 60)], [], meta({ clusters: SESSIONS }));
    const md = renderMarkdown(r);
    expect(md).toContain('## Clustered intervals');
    expect(md).toContain('2 session clusters');
    expect(md).toMatch(/\| cand \| VEG \| 2\.00 \| [^|]+ \| 1\.00, 3\.00 \| 2 \| 3\.00 \|/);
    expect(md).toContain('## Detectable differences');
    // pct has one paired sample: n < 2, not estimable.
    expect(md).toMatch(/\| cand − base \| PCT \| 1 \| – \| not estimable \|/);
    expect(md).toContain('Avg (0–100)');
  });
});
