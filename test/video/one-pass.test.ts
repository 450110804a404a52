// The one-pass extractor must hand back exactly what the per-frame `-ss` path
// did — byte for byte — on clips made here with ffmpeg's lavfi test sources.
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractFrames, frameDifferences, probe, spawnRunner, type EncodeOptions, type Runner } from '../../src/video/ffmpeg.js';
import { getFrames } from '../../src/video/frames.js';
import { extractFramesOnePass, selectExpression, threshold } from '../../src/video/one-pass.js';
import { planFrames } from '../../src/video/sampler.js';
import { hasFfmpeg, hasX264, imageSize, isJpeg, makeClip, makeCutClip, makeH264Clip, tempDir, warnIfNoFfmpeg } from './helpers.js';

const sha16 = (b: Buffer): string => createHash('sha256').update(b).digest('hex').slice(0, 16);

function counting(): { runner: Runner; calls: string[] } {
  const calls: string[] = [];
  return { calls, runner: (bin, args) => (calls.push(bin), spawnRunner(bin, args)) };
}

describe('select expression', () => {
  it('searches the thresholds with nested if()s and keeps the first frame at or after each', () => {
    expect(selectExpression([0, 5])).toBe('if(gte(t,0),if(gte(t,5),(isnan(prev_t)+lt(prev_t,5)),(isnan(prev_t)+lt(prev_t,0))),0)');
    expect(selectExpression([2])).toBe('if(gte(t,2),(isnan(prev_t)+lt(prev_t,2)),0)');
    // 128 thresholds: 128 leaves that keep a frame, each reached through at most 8 comparisons.
    const big = selectExpression(Array.from({ length: 128 }, (_, i) => i * 7));
    expect(big.match(/isnan/g)).toHaveLength(128);
  });

  it('rounds thresholds as the per-frame -ss did and rejects bad timestamps', () => {
    expect(threshold(0)).toBe(0);
    expect(threshold(0.3)).toBe(0.2995);
    expect(threshold(10 / 3)).toBe(3.332833);
    expect(() => threshold(-1)).toThrow(/>= 0/);
    expect(() => threshold(Number.NaN)).toThrow(/>= 0/);
  });
});

warnIfNoFfmpeg('one-pass frame extraction tests');
if (hasFfmpeg && !hasX264) console.warn('skipping the H.264 one-pass test: this ffmpeg has no libx264 encoder');

describe.skipIf(!hasFfmpeg)('one pass against one ffmpeg run per frame', () => {
  let root: string;
  let clip: string;
  beforeAll(() => {
    root = realpathSync(tempDir());
    clip = makeClip(path.join(root, 'twelve.mp4'), 12, '64x48', 10);
  });

  /** Both paths; `calls` counts the one-pass side's ffmpeg runs (1 unless it fell back to the per-frame path). */
  async function both(file: string, times: number[], enc: EncodeOptions): Promise<{ old: Buffer[]; one: Buffer[]; calls: number }> {
    const c = counting();
    const old = await extractFrames(file, times, enc);
    return { old, one: await extractFramesOnePass(file, times, { ...enc, runner: c.runner }), calls: c.calls.length };
  }

  it('gives the same JPEG bytes for a uniform plan, scaled, from a single ffmpeg run', async () => {
    const info = await probe(clip);
    const plan = planFrames({ kind: 'uniform', n: 16 }, info.duration, info.fps);
    const enc: EncodeOptions = { format: 'jpeg', longSide: 32 };
    const old = await extractFrames(clip, plan.times, enc);
    const c = counting();
    const one = await extractFramesOnePass(clip, plan.times, { ...enc, runner: c.runner });
    expect(c.calls).toEqual(['ffmpeg']);
    expect(one).toHaveLength(16);
    expect(one.map(sha16)).toEqual(old.map(sha16));
    expect(one.every(isJpeg)).toBe(true);
    expect(imageSize(one[0]!)).toEqual({ width: 32, height: 24 });
    // A moving pattern: not one picture repeated (at 32 px some of testsrc's frames do coincide).
    expect(new Set(one.map(sha16)).size).toBeGreaterThanOrEqual(8);
  });

  it('gives the same PNG bytes for off-grid, unsorted and repeated timestamps', async () => {
    const times = [7.77, 0.3003, 11.9, 3.05, 7.77, 0];
    const { old, one, calls } = await both(clip, times, { format: 'png' });
    expect(calls).toBe(1);
    expect(one.map(sha16)).toEqual(old.map(sha16));
    expect(sha16(one[0]!)).toBe(sha16(one[4]!));
  });

  it('falls back to one run per frame when two timestamps fall on the same frame', async () => {
    // 0.3003 and 0.3 are both frame 3 (as with -ss): fewer frames kept than thresholds.
    const { old, one, calls } = await both(clip, [0.3003, 0.3, 5], { format: 'jpeg' });
    expect(calls).toBe(1 + 3);
    expect(one.map(sha16)).toEqual(old.map(sha16));
    expect(sha16(one[0]!)).toBe(sha16(one[1]!));
  });

  it('gives the same frames on the every-frame tier of a short clip', async () => {
    const short = makeClip(path.join(root, 'short.mp4'), 2, '48x32', 15);
    const info = await probe(short);
    const plan = planFrames({ kind: 'adaptive', cap: 128 }, info.duration, info.fps);
    expect(plan.tier).toBe('every-frame');
    const { old, one, calls } = await both(short, plan.times, { format: 'jpeg', quality: 5 });
    expect(calls).toBe(1);
    expect(one).toHaveLength(30);
    expect(one.map(sha16)).toEqual(old.map(sha16));
  });

  it('gives the same key frames of a long clip, at the times frame differences report', async () => {
    const long = makeCutClip(path.join(root, 'long.mp4'), 300, 301, 1, '32x24');
    const info = await probe(long);
    const diffs = await frameDifferences(long);
    const plan = planFrames({ kind: 'adaptive', cap: 6 }, info.duration, info.fps, diffs);
    expect(plan.tier).toBe('key-frames');
    const { old, one, calls } = await both(long, plan.times, { format: 'jpeg' });
    expect(calls).toBe(1);
    expect(one.map(sha16)).toEqual(old.map(sha16));
  });

  it.skipIf(!hasX264)('gives the same bytes on an H.264 clip with B-frames and sparse key frames', async () => {
    const h264 = makeH264Clip(path.join(root, 'h264.mp4'), 20, 250);
    const times = [0, 1.23, 4.56, 9.9, 10, 15.5, 19.96];
    const { old, one, calls } = await both(h264, times, { format: 'jpeg', longSide: 64 });
    expect(calls).toBe(1);
    expect(one.map(sha16)).toEqual(old.map(sha16));
  });

  it('uses -vsync on an ffmpeg older than 5.1, which has no -fps_mode', async () => {
    const tried: string[] = [];
    // What ffmpeg 4.x says to an option it does not know, and the same run otherwise.
    const old4: Runner = async (bin, args) => {
      const mode = args.includes('-fps_mode') ? 'fps_mode' : args.includes('-vsync') ? 'vsync' : 'other';
      tried.push(mode);
      if (mode === 'fps_mode')
        return { code: 1, stdout: Buffer.alloc(0), stderr: "Unrecognized option 'fps_mode'.\nError splitting the argument list: Option not found" };
      return spawnRunner(bin, args);
    };
    const times = [0, 2.5, 7];
    const one = await extractFramesOnePass(clip, times, { format: 'jpeg', runner: old4 });
    expect(tried).toEqual(['fps_mode', 'vsync']);
    expect(one.map(sha16)).toEqual((await extractFrames(clip, times, { format: 'jpeg' })).map(sha16));
  });

  it('names a timestamp past the last frame, as the per-frame path does', async () => {
    await expect(extractFramesOnePass(clip, [1, 30], { format: 'jpeg' })).rejects.toThrow(/no frame at 30s/);
  });

  it('keeps the manifest hashes getFrames made with one ffmpeg run per frame', async () => {
    const set = await getFrames({ path: clip }, 'uniform:8', { cacheDir: path.join(root, 'cache'), datasetRoot: root, longSide: 32 });
    const info = await probe(clip);
    const plan = planFrames({ kind: 'uniform', n: 8 }, info.duration, info.fps);
    const old = await extractFrames(clip, plan.times, { format: 'jpeg', longSide: 32 });
    expect(set.manifest.frames.map((f) => f.sha)).toEqual(old.map(sha16));
    expect(set.manifest.frames.map((f) => f.t)).toEqual(plan.times);
  });
});
