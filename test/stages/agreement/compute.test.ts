import { describe, expect, it } from 'vitest';
import { computeAgreement, humanMeans } from '../../../src/stages/agreement/compute.js';
import { unitKey, type JudgeScores } from '../../../src/stages/agreement/judge-scores.js';
import { kendallTauB, pearson, spearman } from '../../../src/stats/index.js';

const rating = (sampleId: string, model: string, metric: string, score: number) => ({ sampleId, model, metric, score, line: 0 });

describe('humanMeans', () => {
  it('averages several raters of one unit', () => {
    const m = humanMeans([rating('s1', 'a', 'veg', 2), rating('s1', 'a', 'veg', 5), rating('s1', 'b', 'veg', 1)]);
    expect(m.get('veg')!.get(unitKey('s1', 'a'))).toBe(3.5);
    expect(m.get('veg')!.get(unitKey('s1', 'b'))).toBe(1);
  });
});

describe('computeAgreement', () => {
  const units = ['s1', 's2', 's3', 's4', 's5'].map((s) => unitKey(s, 'a'));
  const human = new Map([['veg', new Map(units.map((u, i) => [u, [3, 1, 4, 1, 5][i]!]))]]);
  const j1 = [2.5, 1, 3, 2, 4.5];
  const j2 = [3, 2, 2, 1, 5];
  const judges: JudgeScores = {
    judges: ['j1', 'j2'],
    // s5 has no ensemble score (both judges failed there) in this fixture.
    ensemble: new Map([['veg', new Map(units.slice(0, 4).map((u, i) => [u, (j1[i]! + j2[i]!) / 2]))]]),
    byJudge: new Map([
      [
        'veg',
        new Map([
          ['j1', new Map(units.map((u, i) => [u, j1[i]!]))],
          ['j2', new Map(units.slice(0, 4).map((u, i) => [u, j2[i]!]))],
        ]),
      ],
    ]),
  };

  it('gives the stats functions’ coefficients on the paired units, ensemble and per judge', () => {
    const r = computeAgreement(human, judges, ['veg']);
    expect(r.rows.map((x) => [x.judge, x.n])).toEqual([
      [null, 4],
      ['j1', 5],
      ['j2', 4],
    ]);
    const h4 = [3, 1, 4, 1];
    const ens = j1.slice(0, 4).map((v, i) => (v + j2[i]!) / 2);
    expect(r.rows[0]).toEqual({ metric: 'veg', judge: null, n: 4, pearson: pearson(h4, ens), spearman: spearman(h4, ens), kendallTauB: kendallTauB(h4, ens) });
    expect(r.rows[1]!.pearson).toBe(pearson([3, 1, 4, 1, 5], j1));
    expect(r.rows[1]!.kendallTauB).toBe(kendallTauB([3, 1, 4, 1, 5], j1));
    expect(r.rows[2]!.spearman).toBe(spearman(h4, j2.slice(0, 4)));
    expect(r.unmatched).toEqual({ veg: 1 });
    expect(r.rated).toEqual({ veg: 5 });
  });

  it('returns n = 0 and null coefficients for a metric the run never scored', () => {
    const r = computeAgreement(new Map([['cn', new Map([[units[0]!, 3]])]]), judges);
    expect(r.rows).toEqual([{ metric: 'cn', judge: null, n: 0, pearson: null, spearman: null, kendallTauB: null }]);
    expect(r.unmatched).toEqual({ cn: 1 });
  });
});
