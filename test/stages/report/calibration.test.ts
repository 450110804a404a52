// Human-label correction on a hand-computed case.
import { describe, expect, it } from 'vitest';
import { calibrateMeans, parseHumanCsv, parseHumanLabels, pinWarnings } from '../../../src/stages/report/calibration.js';
import { calibrateWinRates } from '../../../src/stages/report/calibration-verdicts.js';
import { InputError } from '../../../src/core/errors.js';

// Judge per-sample scores of model m on metric veg: u1..u5 unlabelled (6 7 8 5 9),
// l1..l4 labelled (judge 7 6 8 5; human 6 6 7 3).
const judge = new Map([
  [
    'm',
    new Map([
      [
        'veg',
        new Map([
          ['u1', 6],
          ['u2', 7],
          ['u3', 8],
          ['u4', 5],
          ['u5', 9],
          ['l1', 7],
          ['l2', 6],
          ['l3', 8],
          ['l4', 5],
        ]),
      ],
    ]),
  ],
]);
const CSV = 'sample_id,model,metric,score,judge_hash\nl1,m,veg,6,jh\nl2,m,veg,6,jh\n"l3",m,veg,7,jh\nl4,m,veg,3,jh\nzz,m,veg,9,jh\n';

describe('calibrate', () => {
  it('gives the prediction-powered mean computed by hand', () => {
    const [r] = calibrateMeans(judge, parseHumanCsv(CSV, 'h.csv'));
    // Unlabelled mean 7 (var 2.5, N 5); human − judge on l1..l4: −1 0 −1 −2, mean −1 (var 2/3, n 4).
    // Estimate 7 − 1 = 6; se = √(2.5/5 + (2/3)/4) = √(2/3) = 0.8165; 95%: 6 ± 1.95996·0.8165.
    expect(r!.ppi!.estimate).toBeCloseTo(6, 12);
    expect(r!.ppi!.se).toBeCloseTo(Math.sqrt(2 / 3), 12);
    expect(r!.ppi!.ci[0]).toBeCloseTo(6 - 1.959964 * Math.sqrt(2 / 3), 5);
    // The uncorrected judge mean over all 9 samples: 61/9.
    expect(r!.judgeMean).toBeCloseTo(61 / 9, 12);
    expect(r!.labelled).toBe(4);
    // zz has no judge score: not used, and counted.
    expect(r!.unmatched).toBe(1);
  });

  it('rejects a bad label file naming file, line and field, all problems at once', () => {
    const bad = 'sample_id,model,metric,score\nl1,m,veg,six\n,m,veg,4\nl1,m,veg,5\n';
    let err: unknown;
    try {
      parseHumanCsv(bad, 'h.csv');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const msg = (err as Error).message;
    expect(msg).toContain('h.csv:2: field "score" expects a number, got "six"');
    expect(msg).toContain('h.csv:3: field "sample_id" is empty');
    expect(msg).toContain('h.csv:4: sample "l1", model "m", metric "veg" already labelled on line 2');
    expect(() => parseHumanCsv('sample_id,model,score\n', 'h.csv')).toThrow(/h\.csv:1: missing column "metric"/);
  });

  it('warns when the pinned judge or rubric hash differs from the run', () => {
    const labels = parseHumanCsv(CSV, 'h.csv');
    expect(pinWarnings(labels, { judge: new Set(['jh']), rubric: new Set(['t1']) })).toEqual([]);
    const w = pinWarnings(labels, { judge: new Set(['other']), rubric: new Set(['t1']) });
    expect(w).toHaveLength(1);
    expect(w[0]).toContain('pinned to judge jh');
  });
});

describe('calibrate decisive win rates', () => {
  // One pair (cand vs base, metric veg, judge j). The judge's verdicts on 100
  // samples: u0..u59 unlabelled, repeating + + − 0 + −; l0..l39 labelled,
  // repeating + 0 − + (judge) and + + − − (human).
  // Judge decisive win rate on all 100: wins 30 + 20 = 50, losses 20 + 10 = 30 → 50/80 = 0.625.
  // PPI, by hand in fractions: win part Ŵ = 30/60 + mean(win_h − win_j) = 1/2 + 0 = 1/2;
  // decisive part D̂ = 50/60 + mean(dec_h − dec_j) = 5/6 + 1/4 = 13/12; θ̂ = Ŵ/D̂ = 6/13.
  // Linearised: z = win − θ̂·dec on the unlabelled (values 7/13 ×30, −6/13 ×20, 0 ×10),
  // mean 1/13, sample var 2055/9971; r = Δwin − θ̂·Δdec on the labelled (0, 1 − 6/13, 0, −1, ten times each),
  // sample var 2090/6591; var θ̂ = (2055/9971/60 + 2090/6591/40)/(13/12)² = 212088/21906287,
  // se = 0.0983951431204881; 95%: 6/13 ± 1.959964·se = [0.268687524768641, 0.654389398308282].
  // Correction from the judge's unlabelled rate (30/50 = 0.6): 6/13 − 3/5 = −9/65.
  const verdicts = new Map<string, 1 | -1 | 0>();
  const U = [1, 1, -1, 0, 1, -1] as const;
  const J = [1, 0, -1, 1] as const;
  const H = ['A', 'cand', 'base', 'B'];
  for (let i = 0; i < 60; i++) verdicts.set(`u${i}`, U[i % 6]!);
  for (let i = 0; i < 40; i++) verdicts.set(`l${i}`, J[i % 4]!);
  const rows = Array.from({ length: 40 }, (_, i) => `l${i},cand,base,veg,${H[i % 4]},jh`);
  const csv = `sample_id,candidate,baseline,metric,verdict,judge_hash\n${rows.join('\n')}\n`;
  const cell = { candidate: 'cand', baseline: 'base', metric: 'veg', judge: 'j', verdicts };

  it('gives the hand-computed judge rate, corrected rate and interval', () => {
    const labels = parseHumanLabels(csv, 'h.csv');
    expect(labels.scores).toEqual([]);
    expect(labels.verdicts.map((v) => v.verdict).slice(0, 4)).toEqual([1, 1, -1, -1]);
    const [r] = calibrateWinRates([cell], labels.verdicts);
    expect(r!.judgeDecisive).toBe(0.625);
    expect(r!.judgeComparisons).toBe(100);
    expect(r!.labelled).toBe(40);
    expect(r!.unmatched).toBe(0);
    expect(r!.ppi!.estimate).toBeCloseTo(6 / 13, 14);
    expect(r!.ppi!.se).toBeCloseTo(Math.sqrt(212088 / 21906287), 14);
    expect(r!.ppi!.ci[0]).toBeCloseTo(0.268687524768641, 12);
    expect(r!.ppi!.ci[1]).toBeCloseTo(0.654389398308282, 12);
    expect(r!.ppi!.judgeEstimate).toBeCloseTo(0.6, 14);
    expect(r!.ppi!.correction).toBeCloseTo(-9 / 65, 14);
  });

  it('reads a pair labelled the other way round as the same comparison', () => {
    // The same human verdicts written as "base vs cand", winners named (A → cand, B → base):
    // each row's candidate is now base, so the parser's +1/−1 are for base and must be flipped back.
    const winner = ['cand', 'cand', 'base', 'base'];
    const other = Array.from({ length: 40 }, (_, i) => `l${i},base,cand,veg,${winner[i % 4]},jh`);
    const labels = parseHumanLabels(`sample_id,candidate,baseline,metric,verdict,judge_hash\n${other.join('\n')}\n`, 'h.csv');
    expect(labels.verdicts.map((v) => v.verdict).slice(0, 4)).toEqual([-1, -1, 1, 1]);
    const [r] = calibrateWinRates([cell], labels.verdicts);
    expect(r!.labelled).toBe(40);
    expect(r!.ppi!.estimate).toBeCloseTo(6 / 13, 14);
    expect(r!.ppi!.se).toBeCloseTo(Math.sqrt(212088 / 21906287), 14);
  });

  it("pins the verdict calibration to the comparisons' judge and rubric hashes", () => {
    const labels = parseHumanLabels(csv, 'h.csv');
    expect(pinWarnings(labels.verdicts, { judge: new Set(['jh']), rubric: new Set() })).toEqual([]);
    expect(pinWarnings(labels.verdicts, { judge: new Set(['jh2']), rubric: new Set() })[0]).toContain('pinned to judge jh, but the run');
  });

  it('rejects bad verdict rows naming file, line and field, all at once', () => {
    const bad =
      'sample_id,model,score,candidate,baseline,metric,verdict\n' +
      's1,,,cand,base,veg,maybe\n' +
      's2,,,cand,cand,veg,tie\n' +
      's3,m,4,cand,base,veg,A\n' +
      's4,,,cand,,veg,A\n' +
      's5,,,cand,base,veg,tie\n' +
      's5,,,base,cand,veg,A\n';
    let err: unknown;
    try {
      parseHumanLabels(bad, 'h.csv');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const msg = (err as Error).message;
    expect(msg).toContain('h.csv:2: field "verdict" expects "cand", "base", A (candidate), B (baseline) or tie, got "maybe"');
    expect(msg).toContain('h.csv:3: field "baseline" is the candidate itself ("cand")');
    expect(msg).toContain('h.csv:4: fill either model, score or candidate, baseline, verdict, not both');
    expect(msg).toContain('h.csv:5: field "baseline" is empty');
    expect(msg).toContain('h.csv:7: sample "s5", base vs cand, metric "veg" already labelled on line 6');
    expect(() => parseHumanLabels('sample_id,metric,candidate,verdict\n', 'h.csv')).toThrow(/h\.csv:1: missing column "baseline"/);
  });
});
