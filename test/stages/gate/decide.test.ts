import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/stages/gate/decide.js';
import type { GateEvidence } from '../../../src/stages/gate/evidence.js';
import { clusterRobustPairedCi, createRng, pairedMdeT, signTestMde, studentTQuantile } from '../../../src/stats/index.js';
import { counts, lbRow, pwRow, report, settings } from './report-fixture.js';

/** n per-sample differences with mean `mean`: mean ± spread alternating (each sample its own cluster unless `clusters`). */
function spread(mean: number, half: number, n = 20, clusters?: string[]) {
  const diffs = Array.from({ length: n }, (_, i) => mean + (i % 2 ? half : -half));
  const m = diffs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(diffs.reduce((a, d) => a + (d - m) ** 2, 0) / (n - 1));
  return { n, sd, diffs, clusters: clusters ?? diffs.map((_, i) => `sample:${i}`), clusterBy: clusters ? 'session' : 'none' };
}

const evidence = (over: Partial<GateEvidence> = {}): GateEvidence => ({
  records: 120,
  judgeFailures: 0,
  paired: { veg: spread(0, 1.2), spc: spread(0, 0.8) },
  ...over,
});

const failed = (v: ReturnType<typeof decide>) => v.checks.filter((c) => !c.pass).map((c) => c.name);

describe('decide', () => {
  it('passes when the candidate is at least as good everywhere', () => {
    const r = report([lbRow('new', { veg: 6.1, spc: 5.0 }), lbRow('old', { veg: 6.0, spc: 5.1 })], [pwRow('new', 'old', 'veg', 12, 8, 0)]);
    const v = decide(r, settings({ margin: 0.2 }), evidence({ paired: { veg: spread(0.1, 1.2), spc: spread(-0.1, 0.8) } }));
    expect(v.status).toBe('pass');
    expect(v.exitCode).toBe(0);
    expect(failed(v)).toEqual([]);
    // SPC dropped by 0.1, inside the 0.2 margin: checked and passed.
    const spc = v.checks.find((c) => c.kind === 'mean' && c.metric === 'spc')!;
    expect(spc.value).toBeCloseTo(-0.1, 12);
    expect(spc.pass).toBe(true);
  });

  it('fails a mean only when the interval of the drop lies wholly below −margin', () => {
    const r = report([lbRow('new', { veg: 6.0, spc: 4.6 }), lbRow('old', { veg: 6.0, spc: 5.0 })], []);
    // SPC fell by 0.4 on every sample, ± 0.2: the interval is about [−0.51, −0.29].
    const ev = evidence({ paired: { veg: spread(0, 1.2), spc: spread(-0.4, 0.2) } });
    const v = decide(r, settings({ margin: 0.25 }), ev);
    expect(v.status).toBe('regression');
    expect(v.exitCode).toBe(1);
    expect(failed(v)).toEqual(['mean SPC']);
    const spc = v.checks.find((c) => c.name === 'mean SPC')!;
    // Two metrics: each interval is two-sided at 1 − 0.05/2 = 97.5%, cluster-robust t (here: paired t).
    const want = clusterRobustPairedCi(ev.paired.spc!.diffs!, new Array(20).fill(0), ev.paired.spc!.clusters!, 0.975)!;
    expect(spc.interval!.ci[0]).toBeCloseTo(want.ci[0], 12);
    expect(spc.interval!.ci[1]).toBeCloseTo(want.ci[1], 12);
    const half = (studentTQuantile(1 - 0.025 / 2, 19) * ev.paired.spc!.sd!) / Math.sqrt(20);
    expect(spc.interval!.ci[1]).toBeCloseTo(-0.4 + half, 9);
    expect(spc.thresholdText).toBe('fail if upper < -0.25');
    expect(spc.valueText).toContain('97.5% paired t');
    // A wider margin absorbs the same drop: the upper bound −0.29 is not below −0.5.
    expect(decide(r, settings({ margin: 0.5 }), ev).status).toBe('pass');
  });

  it('does not cry wolf: a drop of the point estimates inside the noise passes', () => {
    // Old rule: Δ = −0.4 < −0.3 → regression. With sd 2 over 20 samples the interval spans 0.
    const r = report([lbRow('new', { veg: 6.0, spc: 4.6 }), lbRow('old', { veg: 6.0, spc: 5.0 })], []);
    const v = decide(r, settings({ margin: 0.3 }), evidence({ paired: { veg: spread(0, 1.2), spc: spread(-0.4, 2) } }));
    expect(v.status).toBe('pass');
    const spc = v.checks.find((c) => c.name === 'mean SPC')!;
    expect(spc.interval!.ci[0]).toBeLessThan(-0.3);
    expect(spc.interval!.ci[1]).toBeGreaterThan(0);
  });

  it('treats a cluster as one unit: the same drop shown per sample is not shown per session', () => {
    const r = report([lbRow('new', { veg: 6.0, spc: 4.6 }), lbRow('old', { veg: 6.0, spc: 5.0 })], []);
    // Two sessions of 10: session means −0.6 and −0.2 (differences within a session are near-identical).
    const diffs = Array.from({ length: 20 }, (_, i) => (i < 10 ? -0.6 : -0.2) + (i % 2 ? 0.01 : -0.01));
    const sessions = diffs.map((_, i) => (i < 10 ? 's1' : 's2'));
    const flat = { n: 20, sd: 0.2, diffs, clusters: diffs.map((_, i) => `sample:${i}`), clusterBy: 'none' };
    const byS = { ...flat, clusters: sessions, clusterBy: 'session' };
    expect(decide(r, settings({ margin: 0.2 }), evidence({ paired: { veg: spread(0, 1), spc: flat } })).status).toBe('regression');
    const v = decide(r, settings({ margin: 0.2 }), evidence({ paired: { veg: spread(0, 1), spc: byS } }));
    expect(v.status).toBe('pass');
    const spc = v.checks.find((c) => c.name === 'mean SPC')!;
    expect(spc.interval!.clusters).toBe(2);
    expect(spc.valueText).toContain('cluster-robust t, 2 session clusters');
  });

  it('non-inferiority of means passes only when the lower bound is above −margin', () => {
    const r = report([lbRow('new', { veg: 6.0, spc: 5.0 }), lbRow('old', { veg: 6.0, spc: 5.0 })], []);
    const tight = evidence({ paired: { veg: spread(0, 0.1), spc: spread(0, 0.1) } });
    const noisy = evidence({ paired: { veg: spread(0, 3), spc: spread(0, 0.1) } });
    expect(decide(r, settings({ margin: 0.2, nonInferiority: true }), tight).status).toBe('pass');
    const v = decide(r, settings({ margin: 0.2, nonInferiority: true }), noisy);
    expect(v.status).toBe('regression');
    expect(failed(v)).toEqual(['mean VEG']);
    expect(v.checks.find((c) => c.name === 'mean VEG')!.thresholdText).toBe('pass if lower > -0.20');
    // Without the option the same noise is no regression.
    expect(decide(r, settings({ margin: 0.2 }), noisy).status).toBe('pass');
  });

  it('fails a significant pairwise loss, and only a significant one', () => {
    const lb = [lbRow('new', { veg: 6, spc: 5 }), lbRow('old', { veg: 6, spc: 5 })];
    const loss = decide(report(lb, [pwRow('new', 'old', 'veg', 3, 17, 0, 0.004)]), settings(), evidence());
    expect(loss.status).toBe('regression');
    expect(failed(loss)).toEqual(['pairwise VEG (judge-a)']);
    expect(loss.checks.find((c) => c.kind === 'pairwise')!.value).toBeCloseTo(-70, 9);
    // Same losses but Holm pushes p above alpha: not significant, passes.
    expect(decide(report(lb, [pwRow('new', 'old', 'veg', 3, 17, 0, 0.08)]), settings(), evidence()).status).toBe('pass');
    // A significant win is no regression.
    expect(decide(report(lb, [pwRow('new', 'old', 'veg', 17, 3, 0, 0.004)]), settings(), evidence()).status).toBe('pass');
  });

  it('reads a row compared the other way round from the candidate side', () => {
    const lb = [lbRow('new', { veg: 6, spc: 5 }), lbRow('old', { veg: 6, spc: 5 })];
    // old beat new 17–3: for candidate "new" that is a significant loss.
    const v = decide(report(lb, [pwRow('old', 'new', 'veg', 17, 3, 0, 0.004)]), settings(), evidence());
    expect(v.status).toBe('regression');
    const c = v.checks.find((x) => x.kind === 'pairwise')!;
    expect(c.value).toBeCloseTo(-70, 9);
  });

  it('applies the non-inferiority floor to the Wilson lower bound', () => {
    const lb = [lbRow('new', { veg: 6, spc: 5 }), lbRow('old', { veg: 6, spc: 5 })];
    const row = pwRow('new', 'old', 'veg', 11, 9, 0);
    const low = row.decisiveCi95![0];
    const below = decide(report(lb, [row]), settings({ nonInferiorityFloor: low + 0.01 }), evidence());
    expect(below.status).toBe('regression');
    expect(failed(below)).toEqual(['non-inferiority VEG (judge-a)']);
    expect(below.checks.find((c) => c.kind === 'non-inferiority')!.value).toBe(low);
    expect(decide(report(lb, [row]), settings({ nonInferiorityFloor: low - 0.01 }), evidence()).status).toBe('pass');
    // Mirrored row: the candidate's lower bound is 1 − the baseline's upper bound.
    const rev = pwRow('old', 'new', 'veg', 9, 11, 0);
    const m = decide(report(lb, [rev]), settings({ nonInferiorityFloor: 0 }), evidence());
    expect(m.checks.find((c) => c.kind === 'non-inferiority')!.value).toBeCloseTo(1 - rev.decisiveCi95![1], 12);
  });

  it('declares the run unfit when judge failures exceed the allowed share', () => {
    const r = report([lbRow('new', { veg: 6, spc: 5 }), lbRow('old', { veg: 6, spc: 5 })], []);
    const v = decide(r, settings({ maxFailureShare: 0.05 }), evidence({ records: 100, judgeFailures: 6 }));
    expect(v.status).toBe('unfit');
    expect(v.exitCode).toBe(3);
    expect(failed(v)).toEqual(['judge failures']);
    expect(v.checks[0]!.value).toBeCloseTo(0.06, 12);
    expect(decide(r, settings({ maxFailureShare: 0.05 }), evidence({ records: 100, judgeFailures: 5 })).status).toBe('pass');
  });

  it('without evidence, counts every comparison failure against the judge', () => {
    const r = report(
      [lbRow('new', { veg: 6, spc: 5 }), lbRow('old', { veg: 6, spc: 5 })],
      [],
      counts({ judgments: 80, comparisons: 20, parseFailures: 2, judgeErrors: 1, comparisonFailures: 3 }),
    );
    const v = decide(r, settings({ maxFailureShare: 0.05 }));
    expect(v.checks[0]!.value).toBeCloseTo(6 / 100, 12);
    expect(v.status).toBe('unfit');
  });

  it('declares the run unfit when a model has no data, or nothing is comparable', () => {
    const noBase = decide(report([lbRow('new', { veg: 6, spc: 5 })], []), settings(), evidence());
    expect(noBase.exitCode).toBe(3);
    expect(failed(noBase)).toEqual(['baseline data']);
    const disjoint = decide(report([lbRow('new', { veg: 6 }), lbRow('old', { spc: 5 })], []), settings(), evidence());
    expect(disjoint.exitCode).toBe(3);
    expect(failed(disjoint)).toEqual(['comparable data']);
    const empty = decide(report([], [], counts({ judgments: 0, comparisons: 0 })), settings());
    expect(empty.exitCode).toBe(3);
  });

  it('declares a run a budget stopped unfit: a pass on part of the split does not stand for the whole', () => {
    const r = report([lbRow('new', { veg: 6.1, spc: 5.0 }), lbRow('old', { veg: 6.0, spc: 5.1 })], [pwRow('new', 'old', 'veg', 12, 8, 0)]);
    const complete = decide(r, settings({ margin: 0.2 }), evidence());
    expect(complete.exitCode).toBe(0);
    r.incomplete = { budgetStops: [{ stage: 'score', planned: 16, notDone: 5, unit: 'judgments', shard: '2/2' }] };
    const stopped = decide(r, settings({ margin: 0.2 }), evidence());
    expect(stopped.status).toBe('unfit');
    expect(stopped.exitCode).toBe(3);
    expect(failed(stopped)).toEqual(['complete run']);
    expect(stopped.checks.find((c) => c.name === 'complete run')?.detail).toContain(
      'shard 2/2: score stopped at the budget (--max-calls/--max-tokens): 5 of 16 judgments not done',
    );
  });

  it("corrects pairwise rows across judges: an ensemble's members do not each get α", () => {
    // Two judges each see a loss at p ≈ 0.041 (5 of 20 decisive): alone, either fails the gate.
    const two = [pwRow('new', 'old', 'veg', 5, 15, 0), { ...pwRow('new', 'old', 'veg', 5, 15, 0), judge: 'judge-b' }];
    const lb = [lbRow('new', { veg: 6 }), lbRow('old', { veg: 6 })];
    expect(two[0]!.p).toBeLessThan(0.05);
    expect(decide(report(lb, [two[0]!]), settings()).status).toBe('regression');
    const both = decide(report(lb, two), settings());
    expect(both.status).toBe('pass');
    expect(both.checks.filter((c) => c.kind === 'pairwise').map((c) => c.valueText)).toEqual([
      expect.stringContaining(`p(Holm) ${(2 * two[0]!.p).toExponential(2)}`),
      expect.stringContaining(`p(Holm) ${(2 * two[0]!.p).toExponential(2)}`),
    ]);
  });

  it('with 8 noisy judges and no real change, the pairwise checks false-alarm within α/2 (seeded simulation)', () => {
    const rng = createRng(16);
    const lb = [lbRow('new', { veg: 6 }), lbRow('old', { veg: 6 })];
    let alarms = 0;
    const sims = 400;
    for (let k = 0; k < sims; k++) {
      const rows = Array.from({ length: 8 }, (_, j) => {
        const o = [0, 0, 0];
        for (let i = 0; i < 48; i++) o[rng.int(3)]! += 1;
        return { ...pwRow('new', 'old', 'veg', o[0]!, o[1]!, o[2]!), judge: `judge-${j}` };
      });
      if (decide(report(lb, rows), settings()).status === 'regression') alarms++;
    }
    // Per judge the two-sided test fails on a loss at up to 2.5 %; eight of them
    // uncorrected give ~13 %. Corrected, at most 2.5 % plus simulation error.
    expect(alarms / sims).toBeLessThanOrEqual(0.04);
  });

  it('an unfit run wins over a regression', () => {
    const r = report([lbRow('new', { veg: 2, spc: 2 }), lbRow('old', { veg: 6, spc: 5 })], []);
    expect(decide(r, settings(), evidence({ records: 10, judgeFailures: 5 })).exitCode).toBe(3);
  });

  it('gives the planning figures of the stats functions', () => {
    const r = report([lbRow('new', { veg: 6, spc: 5 }), lbRow('old', { veg: 6, spc: 5 })], [pwRow('new', 'old', 'veg', 12, 8, 5)]);
    const v = decide(r, settings({ alpha: 0.05, power: 0.8 }), evidence());
    const sign = v.checks.find((c) => c.kind === 'pairwise')!.planning!;
    expect(sign.kind).toBe('sign-test');
    expect(sign.kind === 'sign-test' && sign.winRate).toBe(signTestMde(20, 0.05, 0.8)!.p1);
    expect(sign.text).toContain('with 20 decisive comparisons');
    // The mean check's figure is the power of the interval it applies: 97.5% (two metrics), its se and df,
    // and the margin the drop must exceed.
    const mean = v.checks.find((c) => c.kind === 'mean' && c.metric === 'veg')!.planning!;
    const ev = evidence().paired.veg!;
    const iv = clusterRobustPairedCi(ev.diffs!, new Array(20).fill(0), ev.clusters!, 0.975)!;
    const want = 0.2 + (studentTQuantile(1 - 0.025 / 2, 19) + studentTQuantile(0.8, 19)) * iv.se;
    expect(mean.kind === 'paired-mean' && mean.mde).toBeCloseTo(want, 12);
    // Without clusters the se is the paired t one: the old figure at the nominal α was smaller.
    expect(iv.se).toBeCloseTo(ev.sd! / Math.sqrt(20), 12);
    expect(want).toBeGreaterThan(pairedMdeT(ev.sd!, 20, 0.05, 0.8)!);
    expect(mean.text).toContain('a true drop of ≥');
  });

  it("the sign test's figure is at Holm's first step over the judge's rows, and counts clusters when they decide", () => {
    const rows = [pwRow('new', 'old', 'veg', 30, 20, 5), pwRow('new', 'old', 'spc', 28, 22, 5)];
    const v = decide(report([lbRow('new', { veg: 6, spc: 5 }), lbRow('old', { veg: 6, spc: 5 })], rows), settings(), evidence());
    const sign = v.checks.find((c) => c.kind === 'pairwise' && c.metric === 'veg')!.planning!;
    expect(sign.kind === 'sign-test' && sign.winRate).toBe(signTestMde(50, 0.025, 0.8)!.p1);
    const clustered = {
      ...rows[0]!,
      clustered: { by: 'session', clusters: 12, positive: 7, negative: 3, tied: 2, p: 0.34, log10p: -0.47, pHolm: 0.68, log10pHolm: -0.17 },
    };
    const vc = decide(report([lbRow('new', { veg: 6, spc: 5 }), lbRow('old', { veg: 6, spc: 5 })], [clustered, rows[1]!]), settings(), evidence());
    const cs = vc.checks.find((c) => c.kind === 'pairwise' && c.metric === 'veg')!.planning!;
    expect(cs.kind === 'sign-test' && cs.decisive).toBe(10);
    expect(cs.text).toContain('decisive session clusters');
  });

  it('a true drop of the printed size fails the gate about as often as the power says (clustered samples)', () => {
    // 12 sessions of 5 samples; the session effect and the item noise both sd 8: the
    // differences are far from independent, and the gate's interval is at 97.5%.
    const rng = createRng(20261203);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    const sessions = Array.from({ length: 60 }, (_, i) => `s${Math.floor(i / 5)}`);
    const trial = (drop: number) => {
      const effects = Array.from({ length: 12 }, () => 8 * normal());
      const diffs = sessions.map((_, i) => -drop + effects[Math.floor(i / 5)]! + 8 * normal());
      const mean = diffs.reduce((a, b) => a + b, 0) / 60;
      const sd = Math.sqrt(diffs.reduce((a, d) => a + (d - mean) ** 2, 0) / 59);
      const paired = { veg: spread(0, 1, 60), spc: { n: 60, sd, diffs, clusters: sessions, clusterBy: 'session' } };
      const r = report([lbRow('new', { veg: 6, spc: 50 + mean }, 60), lbRow('old', { veg: 6, spc: 50 }, 60)], []);
      const spc = decide(r, settings({ margin: 0 }), evidence({ paired })).checks.find((c) => c.name === 'mean SPC')!;
      return { failed: !spc.pass, printed: spc.planning!.kind === 'paired-mean' ? spc.planning!.mde! : Number.NaN };
    };
    const printed = Array.from({ length: 200 }, () => trial(0).printed).sort((a, b) => a - b);
    const median = printed[100]!;
    const runs = Array.from({ length: 400 }, () => trial(median));
    const rate = runs.filter((t) => t.failed).length / runs.length;
    // Power 80% asked; the old figure (item n, nominal α) printed ~5 where ~12 is needed, and failed ~1 run in 4.
    expect(rate).toBeGreaterThan(0.65);
    expect(rate).toBeLessThan(0.95);
  });

  it('says "not estimable" for the detectable difference when the sd is 0', () => {
    const r = report([lbRow('new', { veg: 6, spc: 5 }), lbRow('old', { veg: 6, spc: 5 })], []);
    const v = decide(r, settings(), evidence({ paired: { veg: spread(0, 0), spc: spread(0, 0.8) } }));
    const mean = v.checks.find((c) => c.kind === 'mean' && c.metric === 'veg')!.planning!;
    expect(mean.kind === 'paired-mean' && mean.mde).toBe(null);
    expect(mean.text).toContain('not estimable');
  });
});
