import { describe, expect, it } from 'vitest';
import {
  adaptiveSampler,
  frameCount,
  needsDiffs,
  parsePolicy,
  planFrames,
  policyId,
  subsampleUniform,
  uniformSampler,
  type SamplePlan,
} from '../../src/video/sampler.js';

function expectWellFormed(plan: SamplePlan, duration: number, cap: number): void {
  expect(plan.times.length).toBeGreaterThan(0);
  expect(plan.times.length).toBeLessThanOrEqual(cap);
  for (let i = 1; i < plan.times.length; i++) expect(plan.times[i]!).toBeGreaterThan(plan.times[i - 1]!);
  expect(plan.times[0]!).toBeGreaterThanOrEqual(0);
  expect(plan.times.at(-1)!).toBeLessThan(duration);
  if (plan.indices) {
    expect(plan.indices).toHaveLength(plan.times.length);
    expect(new Set(plan.indices).size).toBe(plan.indices.length);
  }
}

describe('adaptiveSampler tiers', () => {
  it('takes every frame of a clip up to 5 s', () => {
    const p = adaptiveSampler(3, 10);
    expect(p.tier).toBe('every-frame');
    expect(p.indices).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(p.times[7]).toBeCloseTo(0.7, 12);
    expect(p.policy).toBe('adaptive:cap=128');
  });

  it('treats exactly 5 s as short', () => {
    const p = adaptiveSampler(5, 10);
    expect(p.tier).toBe('every-frame');
    expect(p.times).toHaveLength(50);
  });

  it('switches to one frame per 5 s just above 5 s', () => {
    const p = adaptiveSampler(5.01, 10);
    expect(p.tier).toBe('every-5s');
    // 5.01 s at 10 fps has frames 0..49, so the 5 s pick clamps to the last frame (4.9 s).
    expect(p.indices).toEqual([0, 49]);
    expect(adaptiveSampler(5.5, 10).times).toEqual([0, 5]);
    expect(adaptiveSampler(12, 10).times).toEqual([0, 5, 10]);
    expect(adaptiveSampler(12, 25).indices).toEqual([0, 125, 250]);
  });

  it('treats exactly 600 s as medium: 120 frames, 0..595 s', () => {
    const p = adaptiveSampler(600, 25);
    expect(p.tier).toBe('every-5s');
    expect(p.times).toHaveLength(120);
    expect(p.times.at(-1)).toBe(595);
    expectWellFormed(p, 600, 128);
  });

  it('falls back to uniform over all frames above 600 s without differences', () => {
    const p = adaptiveSampler(601, 10);
    expect(p.tier).toBe('uniform');
    expect(p.times).toHaveLength(128);
    expectWellFormed(p, 601, 128);
    // Spread over the whole clip, not bunched at the start.
    expect(p.times[0]!).toBeLessThan(601 / 128);
    expect(p.times.at(-1)!).toBeGreaterThan(601 - 601 / 128);
  });

  it('picks the largest-difference frames above 600 s, in time order', () => {
    const fps = 2;
    const n = frameCount(700, fps);
    const diffs = Array.from({ length: n }, (_, i) => (i % 97) / 1000); // background noise < 0.1
    const cuts = [900, 50, 1200, 333];
    cuts.forEach((c, k) => (diffs[c] = 0.5 + k / 10));
    const p = adaptiveSampler(700, fps, { cap: 4, diffs });
    expect(p.tier).toBe('key-frames');
    // Frame 0 always counts; then the three strongest cuts (900, scored 0.5, is the weakest).
    expect(p.indices).toEqual([0, 50, 333, 1200]);
    expect(p.times).toEqual([0, 25, 166.5, 600]);
  });

  it('uses the frames own times for variable-frame-rate clips', () => {
    const diffs = [0, 0.1, 0.9, 0.2];
    const diffTimes = [0, 100, 350, 620];
    const p = adaptiveSampler(650, 1, { cap: 2, diffs, diffTimes });
    expect(p.times).toEqual([0, 350]);
  });
});

describe('adaptiveSampler cap', () => {
  it('subsamples the every-frame tier uniformly down to the cap', () => {
    const p = adaptiveSampler(5, 30); // 150 frames
    expect(p.times).toHaveLength(128);
    expectWellFormed(p, 5, 128);
  });

  it('subsamples the 5 s stride down to the cap and keeps it on the stride', () => {
    const p = adaptiveSampler(600, 25, { cap: 7 });
    expect(p.times).toHaveLength(7);
    expect(p.policy).toBe('adaptive:cap=7');
    for (const t of p.times) expect(t % 5).toBe(0);
    expectWellFormed(p, 600, 7);
  });

  it('stays well formed across durations, rates and caps', () => {
    for (const duration of [0.1, 1, 4.99, 5, 5.5, 37.3, 599.9, 600, 600.5, 3600]) {
      for (const fps of [1, 23.976, 30, 60]) {
        for (const cap of [1, 8, 128]) expectWellFormed(adaptiveSampler(duration, fps, { cap }), duration, cap);
      }
    }
  });

  it('rejects nonsense input', () => {
    expect(() => adaptiveSampler(0, 10)).toThrow(/duration/);
    expect(() => adaptiveSampler(10, NaN)).toThrow(/fps/);
    expect(() => adaptiveSampler(10, 10, { cap: 0 })).toThrow(/cap/);
    expect(() => adaptiveSampler(10, 10, { cap: 2.5 })).toThrow(/cap/);
  });
});

describe('uniformSampler', () => {
  it('returns the centres of n equal segments', () => {
    const p = uniformSampler(8, 8);
    expect(p.times).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5]);
    expect(p.indices).toBeNull();
    expect(p.policy).toBe('uniform:8');
  });

  it('snaps to real frames when the frame rate is known', () => {
    const p = uniformSampler(3, 8, 10); // 30 frames
    expect(p.indices).toEqual([1, 5, 9, 13, 16, 20, 24, 28]);
    expect(p.times.map((t) => Math.round(t * 10))).toEqual(p.indices);
    expectWellFormed(p, 3, 8);
  });

  it('never asks for more frames than the clip has', () => {
    const p = uniformSampler(0.5, 8, 10);
    expect(p.indices).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('policy ids', () => {
  it('round-trips', () => {
    for (const id of ['adaptive:cap=128', 'adaptive:cap=1', 'uniform:8']) expect(policyId(parsePolicy(id))).toBe(id);
    expect(parsePolicy('adaptive')).toEqual({ kind: 'adaptive', cap: 128 });
  });

  it('rejects unknown ids', () => {
    expect(() => parsePolicy('uniform')).toThrow(/unknown sampling policy/);
    expect(() => parsePolicy('uniform:0')).toThrow(/positive integer/);
    expect(() => parsePolicy('keyframes:3')).toThrow(/unknown/);
  });

  it('planFrames dispatches and needsDiffs only for long adaptive clips', () => {
    expect(planFrames({ kind: 'uniform', n: 4 }, 10, 10).indices).toEqual([12, 37, 62, 87]);
    expect(planFrames({ kind: 'adaptive', cap: 128 }, 12, 10).times).toEqual([0, 5, 10]);
    expect(needsDiffs({ kind: 'adaptive', cap: 128 }, 600)).toBe(false);
    expect(needsDiffs({ kind: 'adaptive', cap: 128 }, 601)).toBe(true);
    expect(needsDiffs({ kind: 'uniform', n: 8 }, 6000)).toBe(false);
  });
});

describe('subsampleUniform', () => {
  it('keeps everything when asked for at least as many', () => {
    expect(subsampleUniform([1, 2, 3], 5)).toEqual([1, 2, 3]);
  });
  it('takes the centre item of each run', () => {
    expect(subsampleUniform([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 2)).toEqual([2, 7]);
  });
});

describe("EBM-RL's frame index rule", () => {
  it('picks int(k·total/n): the first frame of each of n equal segments', () => {
    const plan = uniformSampler(10, 8, 10); // 100 frames
    expect(plan.indices).toEqual([6, 18, 31, 43, 56, 68, 81, 93]);
    const start = uniformSampler(10, 8, 10, 'start');
    expect(start.indices).toEqual([0, 12, 25, 37, 50, 62, 75, 87]);
    expect(start.policy).toBe('uniform:8@start');
    expect(parsePolicy('uniform:8@start')).toEqual({ kind: 'uniform', n: 8, at: 'start' });
  });

  it('keeps every frame when the clip has at most n', () => {
    expect(uniformSampler(0.5, 8, 10, 'start').indices).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('plans over the real frames of a variable-frame-rate clip', () => {
  // 20 frames: 0–9 every 0.1 s, 10–19 every 0.5 s (the headers say 10 fps, 5.6 s).
  const real = Array.from({ length: 20 }, (_, i) => (i < 10 ? i / 10 : 1 + (i - 10) / 2));

  it('takes int(k·total/n) of the real frames, at their own times', () => {
    const plan = planFrames({ kind: 'uniform', n: 8, at: 'start' }, 5.6, 10, undefined, real);
    expect(plan.indices).toEqual([0, 2, 5, 7, 10, 12, 15, 17]);
    expect(plan.times).toEqual([0, 0.2, 0.5, 0.7, 1, 2, 3.5, 4.5]);
  });

  it('adaptive: every real frame up to 5 s; beyond, the frame shown nearest each 5 s (the earlier on a tie)', () => {
    const short = real.slice(0, 12);
    expect(planFrames({ kind: 'adaptive', cap: 128 }, 2, 10, undefined, short).indices).toEqual(short.map((_, i) => i));
    expect(planFrames({ kind: 'adaptive', cap: 128 }, 5.6, 10, undefined, real)).toMatchObject({ tier: 'every-5s', indices: [0, 18], times: [0, 5] });
    // 5 s lies halfway between the frames at 4.75 s and 5.25 s: the earlier one.
    const shifted = real.map((t) => (t >= 1 ? t + 0.25 : t));
    expect(planFrames({ kind: 'adaptive', cap: 128 }, 5.9, 10, undefined, shifted).times).toEqual([0, 4.75]);
  });
});
