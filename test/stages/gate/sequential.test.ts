// The gate on a run that --until-decided stopped early: the fixed-n sign test
// and t interval are not valid on an optionally stopped sample, so the gate
// must judge from the anytime-valid figures (report.untilDecided).
import { describe, expect, it } from 'vitest';
import type { Report, UntilDecidedSection } from '../../../src/core/report.js';
import { decide } from '../../../src/stages/gate/decide.js';
import type { GateEvidence } from '../../../src/stages/gate/evidence.js';
import { verdictText } from '../../../src/stages/gate/table.js';
import { lbRow, pwRow, report, settings } from './report-fixture.js';

const stage = (stoppedEarly: boolean) => ({
  stoppedEarly,
  samplesJudged: 30,
  samplesInSplit: 100,
  stoppingPrefix: stoppedEarly ? 26 : null,
  callsPerSample: 2,
  callsSaved: 140,
  alpha: 0.05,
  seed: 1,
});

function compared(pAnytimeHolm: number, wins: number, losses: number, stoppedEarly = true, flip = false): UntilDecidedSection {
  return {
    compare: {
      ...stage(stoppedEarly),
      comparisons: [
        {
          candidate: flip ? 'old' : 'new',
          baseline: flip ? 'new' : 'old',
          metric: 'veg',
          judge: 'judge-a',
          wins: flip ? losses : wins,
          losses: flip ? wins : losses,
          ties: 0,
          eValue: 1 / pAnytimeHolm,
          pAnytime: pAnytimeHolm,
          pAnytimeHolm,
          decidedAfter: pAnytimeHolm < 0.05 ? 26 : null,
          winner: null,
        },
      ],
    },
  };
}

/** The fixed-n row says a significant loss (Holm p 0.001). */
const lossy = (u: UntilDecidedSection): Report => ({ ...report([], [pwRow('new', 'old', 'veg', 8, 22, 0, 0.001)]), untilDecided: u });
const pairwise = (r: Report) => decide(r, settings()).checks.find((c) => c.kind === 'pairwise')!;

describe('gate on a stopped --until-decided compare', () => {
  it('uses the anytime p-value, not the fixed-n one: anytime p 0.2 passes where fixed-n Holm 0.001 would fail', () => {
    const c = pairwise(lossy(compared(0.2, 8, 22)));
    expect(c.pass).toBe(true);
    expect(c.valueText).toMatch(/anytime p\(Holm\) 2\.00e-1/);
    expect(c.valueText).toMatch(/--until-decided stopped early/);
  });

  it('fails on a significant anytime loss, and the verdict says the sequential p was used', () => {
    const r = lossy(compared(0.004, 8, 22));
    const v = decide(r, settings());
    expect(v.status).toBe('regression');
    const c = pairwise(r);
    expect(c.pass).toBe(false);
    expect(c.detail).toMatch(/anytime p\(Holm\) 4\.00e-3/);
    expect(verdictText(v)).toMatch(/anytime p\(Holm\)/);
  });

  it('a significant anytime result in the candidate’s favour is no loss', () => {
    expect(pairwise(lossy(compared(0.004, 22, 8))).pass).toBe(true);
  });

  it('reads a family recorded the other way round (baseline as compare candidate)', () => {
    expect(pairwise(lossy(compared(0.004, 8, 22, true, true))).pass).toBe(false);
    expect(pairwise(lossy(compared(0.004, 22, 8, true, true))).pass).toBe(true);
  });

  it('a compare that ran to the end of the split keeps the fixed-n rule', () => {
    const c = pairwise(lossy(compared(0.2, 8, 22, false)));
    expect(c.pass).toBe(false);
    expect(c.valueText).toMatch(/p\(Holm\)/);
    expect(c.valueText).not.toMatch(/anytime/);
  });
});

describe('gate on a stopped --until-decided score', () => {
  const ev: GateEvidence = {
    records: 60,
    judgeFailures: 0,
    // A paired t interval that says a clear drop: −1 ± 0.1.
    paired: {
      veg: {
        n: 20,
        sd: 0.1,
        diffs: Array.from({ length: 20 }, (_, i) => -1 + (i % 2 ? 0.1 : -0.1)),
        clusters: Array.from({ length: 20 }, (_, i) => `s${i}`),
        clusterBy: 'none',
      },
    },
  };
  const scored = (lower: number, upper: number, stoppedEarly = true): Report => ({
    ...report([lbRow('new', { veg: 5 }), lbRow('old', { veg: 6 })], []),
    untilDecided: {
      score: {
        ...stage(stoppedEarly),
        pairs: [
          {
            candidate: 'new',
            baseline: 'old',
            metric: 'veg',
            judge: 'judge-a',
            n: 26,
            mean: -1,
            lower,
            upper,
            alpha: 0.05,
            margin: 0,
            decidedAfter: null,
            decision: null,
          },
        ],
      },
    },
  });
  const mean = (r: Report) => decide(r, settings(), ev).checks.find((c) => c.kind === 'mean')!;

  it('uses the confidence sequence: a wide anytime interval shows no regression where the t interval would', () => {
    const c = mean(scored(-2.5, 0.4));
    expect(c.pass).toBe(true);
    expect(c.interval?.ci).toEqual([-2.5, 0.4]);
    expect(c.interval?.estimate).toBe(-1);
    expect(c.valueText).toMatch(/anytime-valid confidence sequence/);
  });

  it('fails when the whole anytime interval is below −margin', () => {
    expect(mean(scored(-2.5, -0.3)).pass).toBe(false);
  });

  it('a score that ran to the end keeps the paired t interval', () => {
    const c = mean(scored(-2.5, 0.4, false));
    expect(c.pass).toBe(false);
    expect(c.valueText).toMatch(/paired t/);
  });
});
