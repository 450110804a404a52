// Human-label correction on a hand-computed case.
import { describe, expect, it } from 'vitest';
import { calibrateMeans, parseHumanCsv, pinWarnings } from '../../../src/stages/report/calibration.js';
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
