import { describe, expect, it } from 'vitest';
import { aggregateScores, avgOfMeans, ScoreAccumulator, summarizeSampleScores } from '../../src/stats/scores.js';

describe('ScoreAccumulator', () => {
  const build = (): ScoreAccumulator => {
    const acc = new ScoreAccumulator();
    // s1: judge j1 averages rounds (80, 90) -> 85; j2 has one round 70.
    acc.add('s1', 'j1', 0, 80);
    acc.add('s1', 'j1', 1, 90);
    acc.add('s1', 'j2', 0, 70);
    // s2: j1 failed (null/NaN), j2 gave 60 -> the sample is 60.
    acc.add('s2', 'j1', 0, null);
    acc.add('s2', 'j1', 1, Number.NaN);
    acc.add('s2', 'j2', 0, 60);
    // s3: nothing valid -> excluded from n.
    acc.add('s3', 'j1', 0, null);
    return acc;
  };

  it('refuses a (sample, judge, round) seen before, failed ones included, at any round number', () => {
    const acc = new ScoreAccumulator();
    expect(acc.add('s1', 'j1', 0, 80)).toBe(true);
    expect(acc.add('s1', 'j1', 0, 10)).toBe(false);
    expect(acc.add('s1', 'j1', 1, null)).toBe(true);
    expect(acc.add('s1', 'j1', 1, 50)).toBe(false);
    // Past the bit mask (rounds 0..30) rounds are remembered by key.
    expect(acc.add('s1', 'j1', 40, 90)).toBe(true);
    expect(acc.add('s1', 'j1', 40, 90)).toBe(false);
    expect(acc.add('s1', 'j2', 40, 20)).toBe(true);
    // The refused duplicates added nothing: j1 = (80 + 90) / 2, j2 = 20.
    expect(acc.perSample().get('s1')).toBe((85 + 20) / 2);
  });

  it('gives the agreement units: valid judges per sample with their round moments', () => {
    const units = [...build().samples()];
    expect(units).toEqual([
      [
        [170, 2, 80 * 80 + 90 * 90],
        [70, 1, 4900],
      ],
      [[60, 1, 3600]],
    ]);
  });

  it('moves a keepScores accumulator into another add by add, refusing a shared round', () => {
    const scores = [61 / 7, 13 / 3, 0.1, 0.2, 0.7];
    const whole = new ScoreAccumulator();
    scores.forEach((x, r) => whole.add('s1', 'j1', r, x));
    // The same records split in two partials, replayed in order.
    const a = new ScoreAccumulator({ keepScores: true });
    const b = new ScoreAccumulator({ keepScores: true });
    scores.forEach((x, r) => (r < 2 ? a : b).add('s1', 'j1', r, x));
    b.add('s1', 'j1', 9, null);
    const merged = new ScoreAccumulator();
    for (const part of [a, b]) for (const [id, judge, mask, list] of part.exportEntries()!) expect(merged.absorb(id, judge, mask, list)).toBe(true);
    expect(merged.perSample()).toEqual(whole.perSample());
    expect([...merged.samples()]).toEqual([...whole.samples()]);
    // Round 9 (a failure) was carried over: absorbing b again collides.
    const [id, judge, mask, list] = b.exportEntries()![0]!;
    expect(mask & (1 << 9)).not.toBe(0);
    expect(merged.absorb(id, judge, mask, list)).toBe(false);
    expect(merged.perSample()).toEqual(whole.perSample());
    // Without keepScores, or past the round mask, there is nothing exact to export.
    expect(whole.exportEntries()).toBeNull();
    const late = new ScoreAccumulator({ keepScores: true });
    late.add('s1', 'j1', 40, 1);
    expect(late.exportEntries()).toBeNull();
  });

  it('averages rounds per judge, then judges per sample', () => {
    const per = build().perSample();
    expect([...per.keys()]).toEqual(['s1', 's2']);
    expect(per.get('s1')).toBe(77.5);
    expect(per.get('s2')).toBe(60);
  });

  it('summarises valid samples with sample sd and a bootstrap interval', () => {
    const r = build().result({ seed: 3 });
    expect(r.n).toBe(2);
    expect(r.mean).toBe(68.75);
    expect(r.sd).toBeCloseTo(17.5 / Math.SQRT2, 12);
    const [lo, hi] = r.ci95 as [number, number];
    expect(lo).toBeGreaterThanOrEqual(60);
    expect(hi).toBeLessThanOrEqual(77.5);
    expect(lo).toBeLessThan(hi);
    expect(build().result({ seed: 3 })).toEqual(r);
  });

  it('weights judges equally regardless of how many rounds each completed', () => {
    const acc = new ScoreAccumulator();
    acc.add('s', 'j1', 0, 10);
    acc.add('s', 'j1', 1, 10);
    acc.add('s', 'j1', 2, 10);
    acc.add('s', 'j2', 0, 20);
    expect(acc.perSample().get('s')).toBe(15);
  });

  it('returns nulls when no sample has a valid score', () => {
    const acc = new ScoreAccumulator();
    acc.add('s', 'j', 0, null);
    expect(acc.result()).toEqual({ mean: null, n: 0, sd: null, ci95: null });
  });

  it('rejects bad rounds and too few resamples', () => {
    expect(() => new ScoreAccumulator().add('s', 'j', -1, 3)).toThrow(RangeError);
    expect(() => build().result({ resamples: 100 })).toThrow(RangeError);
  });
});

describe('aggregateScores / summarizeSampleScores', () => {
  it('gives the same result as feeding an accumulator', () => {
    const records = [
      { sampleId: 'a', judge: 'x', round: 0, score: 3 },
      { sampleId: 'a', judge: 'y', round: 0, score: 5 },
      { sampleId: 'b', judge: 'x', round: 0, score: 7 },
      { sampleId: 'c', judge: 'x', round: 0, score: null },
    ];
    const r = aggregateScores(records, { seed: 1 });
    expect(r.n).toBe(2);
    expect(r.mean).toBe(5.5);
    expect(r).toEqual(summarizeSampleScores([4, 7], { seed: 1 }));
  });

  it('has null sd for a single sample', () => {
    const r = summarizeSampleScores([42]);
    expect(r).toEqual({ mean: 42, n: 1, sd: null, ci95: [42, 42] });
  });
});

describe('avgOfMeans', () => {
  it('averages metric means', () => {
    expect(avgOfMeans([60, 70, 80])).toBe(70);
  });

  it('is null when any metric is missing or there are none', () => {
    expect(avgOfMeans([60, null])).toBeNull();
    expect(avgOfMeans([])).toBeNull();
  });
});
