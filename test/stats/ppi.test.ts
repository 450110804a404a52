import { describe, expect, it } from 'vitest';
import { ppiDecisiveWinRate, ppiMean } from '../../src/stats/ppi.js';
import { createRng } from '../../src/stats/rng.js';
import { normalQuantile } from '../../src/stats/distributions.js';

const Z = 1.959963984540054; // z_0.975

describe('ppiMean', () => {
  it('gives the hand-computed estimate and interval', () => {
    // Unlabelled judge 6 7 8 5 9: mean 7, sample var (1+0+1+4+4)/4 = 2.5.
    // Labelled judge 7 6 8 5, human 6 6 7 3: human − judge = −1 0 −1 −2,
    // mean −1, sample var (0+1+0+1)/3 = 2/3.
    // Estimate 7 + (−1) = 6; var = 2.5/5 + (2/3)/4 = 2/3; se = 0.816496580927726.
    const r = ppiMean([6, 7, 8, 5, 9], [7, 6, 8, 5], [6, 6, 7, 3]) as NonNullable<ReturnType<typeof ppiMean>>;
    expect(r.estimate).toBeCloseTo(6, 14);
    expect(r.se).toBeCloseTo(Math.sqrt(2 / 3), 14);
    expect(r.ci[0]).toBeCloseTo(6 - Z * Math.sqrt(2 / 3), 12);
    expect(r.ci[1]).toBeCloseTo(6 + Z * Math.sqrt(2 / 3), 12);
    expect(r.judgeEstimate).toBe(7);
    expect(r.correction).toBeCloseTo(-1, 14);
    // Human only: mean 5.5, sample var (0.25+0.25+2.25+6.25)/3 = 3, se = sqrt(3/4).
    expect(r.humanOnly?.estimate).toBe(5.5);
    expect(r.humanOnly?.se).toBeCloseTo(Math.sqrt(0.75), 14);
    expect(r).toMatchObject({ unlabelled: 5, labelled: 4, level: 0.95 });
  });

  it('covers the true mean about 95% of the time when the judge is biased', () => {
    // Truth: human score ~ N(5, 1); the judge reads it with bias +1.5 and noise sd 0.5.
    // 1000 seeded replications; the binomial sd of the coverage is 0.007.
    const rng = createRng('ppi-coverage');
    const normal = (): number => normalQuantile(Math.min(1 - 1e-12, Math.max(1e-12, rng.next())));
    let covered = 0;
    let judgeCovered = 0;
    for (let rep = 0; rep < 1000; rep++) {
      const draw = (): [number, number] => {
        const h = 5 + normal();
        return [h, h + 1.5 + 0.5 * normal()];
      };
      const unl = Array.from({ length: 200 }, () => draw()[1]);
      const lab = Array.from({ length: 30 }, draw);
      const r = ppiMean(
        unl,
        lab.map((x) => x[1]),
        lab.map((x) => x[0]),
      ) as NonNullable<ReturnType<typeof ppiMean>>;
      if (r.ci[0] <= 5 && 5 <= r.ci[1]) covered++;
      if (Math.abs((r.judgeEstimate as number) - 5) < Z * 0.08) judgeCovered++;
    }
    expect(covered / 1000).toBeGreaterThan(0.925);
    expect(covered / 1000).toBeLessThan(0.975);
    expect(judgeCovered).toBe(0); // the uncorrected judge mean is 1.5 off
  });

  it('is null with fewer than 2 samples on a side and refuses bad input', () => {
    expect(ppiMean([1, 2], [1], [1])).toBeNull();
    expect(ppiMean([1], [1, 2], [1, 2])).toBeNull();
    expect(() => ppiMean([1, 2], [1, 2], [1])).toThrow(RangeError);
    expect(() => ppiMean([1, Number.NaN], [1, 2], [1, 2])).toThrow(RangeError);
    expect(() => ppiMean([1, 2], [1, 2], [1, 2], 1)).toThrow(RangeError);
  });
});

describe('ppiDecisiveWinRate', () => {
  // Unlabelled judge verdicts + + − 0 + −: win indicator 1 1 0 0 1 0, decisive 1 1 1 0 1 1.
  // Labelled judge + 0 − +, human + + − −: rectifier win 0 1 0 −1, decisive 0 1 0 0.
  // Ŵ = 3/6 + 0 = 1/2; D̂ = 5/6 + 1/4 = 13/12; θ̂ = 6/13.
  // Linearised (exact fractions, by hand with Python's fractions module):
  // var z (unlabelled) = 411/1690, var r (labelled) = 209/507,
  // var θ̂ = (411/1690/6 + 209/507/4) / (13/12)² = 1344/10985.
  const JU = [1, 1, -1, 0, 1, -1];
  const JL = [1, 0, -1, 1];
  const HL = [1, 1, -1, -1];

  it('gives the hand-computed estimate and se (interval clipped to [0, 1])', () => {
    const r = ppiDecisiveWinRate(JU, JL, HL) as NonNullable<ReturnType<typeof ppiDecisiveWinRate>>;
    expect(r.estimate).toBeCloseTo(6 / 13, 14);
    expect(r.se).toBeCloseTo(Math.sqrt(1344 / 10985), 13);
    expect(r.ci).toEqual([0, 1]); // 6/13 ± 0.686 leaves [0, 1] on both sides
    expect(r.judgeEstimate).toBeCloseTo(3 / 5, 14);
    // Humans: 2 wins of 4 decisive.
    expect(r.humanOnly?.estimate).toBe(0.5);
  });

  it('gives the hand-computed interval on the same data ten times over', () => {
    // N = 60, n = 40; same θ̂ = 6/13; var z = 2055/9971, var r = 2090/6591,
    // var θ̂ = 212088/21906287 (fractions, by hand as above).
    const rep = (v: number[]): number[] => Array.from({ length: 10 }, () => v).flat();
    const r = ppiDecisiveWinRate(rep(JU), rep(JL), rep(HL)) as NonNullable<ReturnType<typeof ppiDecisiveWinRate>>;
    const se = Math.sqrt(212088 / 21906287);
    expect(r.estimate).toBeCloseTo(6 / 13, 14);
    expect(r.se).toBeCloseTo(se, 13);
    expect(r.ci[0]).toBeCloseTo(6 / 13 - Z * se, 12);
    expect(r.ci[1]).toBeCloseTo(6 / 13 + Z * se, 12);
  });

  it('reduces to the judge rate when humans agree with the judge everywhere', () => {
    const r = ppiDecisiveWinRate([1, -1, 1, 0], [1, -1, 0], [1, -1, 0]);
    expect(r?.estimate).toBeCloseTo(2 / 3, 14);
    expect(r?.correction).toBeCloseTo(0, 14);
  });

  it('is null or an error where nothing can be estimated', () => {
    expect(ppiDecisiveWinRate([0, 0], [0, 0], [0, 0])).toBeNull();
    expect(ppiDecisiveWinRate([1], [1, 1], [1, 1])).toBeNull();
    expect(() => ppiDecisiveWinRate([1, 2], [1, 1], [1, 1])).toThrow(RangeError);
    expect(() => ppiDecisiveWinRate([1, 1], [1, 1], [1])).toThrow(RangeError);
  });
});
