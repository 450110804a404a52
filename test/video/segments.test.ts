// One segment of a clip per core (src/video/segments.ts), for the frame
// differences (diffs.ts) and the one-pass extraction (one-pass.ts): the
// scores, times and images must be exactly those of one whole-clip pass, on
// real clips decoded by the real ffmpeg — mpeg4, H.264 with B-frames, and a
// clip whose timestamps do not start at zero.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipDifferences } from '../../src/video/diffs.js';
import { frameDifferences, probe, spawnRunner, type Runner } from '../../src/video/ffmpeg.js';
import { extractFramesOnePass } from '../../src/video/one-pass.js';
import { segmentBounds, segmentInput } from '../../src/video/segments.js';
import { hasFfmpeg, hasX264, makeClip, makeH264Clip, tempDir, warnIfNoFfmpeg } from './helpers.js';

describe('segment bounds', () => {
  it('cuts a clip into equal stretches, no more than its length allows, and reads margins around each', () => {
    expect(segmentBounds(90, { segments: 3, minSegmentSeconds: 20 })).toEqual([0, 30, 60, 90]);
    // 50 s holds two 20 s segments, not three.
    expect(segmentBounds(50, { segments: 3, minSegmentSeconds: 20 })).toEqual([0, 25, 50]);
    expect(segmentBounds(30, { segments: 4, minSegmentSeconds: 20 })).toBeNull();
    expect(segmentBounds(100, { segments: 1 })).toBeNull();
    const b = [0, 30, 60, 90];
    expect(segmentInput(b, 0)).toEqual(['-threads', '1', '-t', '32.000000', '-copyts', '-start_at_zero']);
    expect(segmentInput(b, 1)).toEqual(['-threads', '1', '-ss', '28.000000', '-t', '34.000000', '-copyts', '-start_at_zero']);
    expect(segmentInput(b, 2)).toEqual(['-threads', '1', '-ss', '58.000000', '-copyts', '-start_at_zero']);
  });
});

warnIfNoFfmpeg('segmented decode tests');

/** A runner that records every run; `args` and `out` may alter what is run and what it printed. */
function counting(edit: { args?: (a: readonly string[]) => string[]; out?: (a: readonly string[], stdout: Buffer) => Buffer } = {}): {
  runner: Runner;
  runs: string[][];
} {
  const runs: string[][] = [];
  return {
    runs,
    runner: async (bin, given) => {
      const args = edit.args ? edit.args(given) : [...given];
      runs.push([bin, ...args]);
      const res = await spawnRunner(bin, args);
      return edit.out ? { ...res, stdout: edit.out(args, res.stdout) } : res;
    },
  };
}
const segmented = (runs: string[][]) => runs.filter((r) => r.includes('-copyts')).length;
const whole = (runs: string[][]) => runs.filter((r) => r[0] === 'ffmpeg' && !r.includes('-copyts')).length;
const CUT = { segments: 3, minSegmentSeconds: 5 };

describe.runIf(hasFfmpeg)('a clip decoded in segments', () => {
  const dir = tempDir('rolejudge-segments-');
  const clips: Record<string, string> = {};
  beforeAll(() => {
    clips.mpeg4 = makeClip(path.join(dir, 'mpeg4.mp4'), 30, '64x48', 10);
    // Timestamps starting at 1.3 s: the whole pass starts them at zero, so must the segments.
    const offset = path.join(dir, 'offset.mp4');
    spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-y', '-i', clips.mpeg4, '-c', 'copy', '-output_ts_offset', '1.3', offset]);
    clips.offset = offset;
    if (hasX264) clips.h264 = makeH264Clip(path.join(dir, 'h264.mp4'), 30, 48);
  });

  for (const name of ['mpeg4', 'h264', 'offset']) {
    it(`${name}: differences score for score and time for time those of one pass`, async (ctx) => {
      if (!clips[name]) return ctx.skip();
      const clip = clips[name]!;
      const { duration } = await probe(clip);
      const c = counting();
      const split = await clipDifferences(clip, duration, { ...CUT, runner: c.runner });
      const one = await frameDifferences(clip);
      expect(split.scores.length).toBeGreaterThan(250);
      expect(split).toEqual(one);
      // Really cut in three (no fallback to the whole pass) where the timestamps start at zero.
      if (name !== 'offset') expect([segmented(c.runs), whole(c.runs)]).toEqual([3, 0]);
    });

    it(`${name}: one-pass images byte for byte those of one pass, thresholds on and around the cuts`, async (ctx) => {
      if (!clips[name]) return ctx.skip();
      const clip = clips[name]!;
      const { duration } = await probe(clip);
      // Cuts at 10 s and 20 s (frames every 0.1 s or 0.04 s); unordered and repeated, as plans can be.
      const times = [20, 0, 9.9, 10, 10.1, 19.8, 19.9, 5.5, 10, duration - 0.2, 25.1, 0.1];
      const c = counting();
      const opts = { format: 'jpeg' as const, longSide: 32 };
      const split = await extractFramesOnePass(clip, times, { ...opts, ...CUT, duration, runner: c.runner });
      const one = await extractFramesOnePass(clip, times, opts);
      expect(split).toHaveLength(times.length);
      expect(split.map((b) => b.toString('base64'))).toEqual(one.map((b) => b.toString('base64')));
      expect([segmented(c.runs), whole(c.runs)]).toEqual([3, 0]);
    });
  }

  it('falls back to the whole pass when two segments disagree over their overlap', async () => {
    const clip = clips.mpeg4!;
    const { duration } = await probe(clip);
    // The later segments report other scores: the join must refuse them.
    const c = counting({
      out: (args, out) => (args.includes('-ss') ? Buffer.from(out.toString('utf8').replace(/scene_score=\S+/g, 'scene_score=0.500000')) : out),
    });
    const got = await clipDifferences(clip, duration, { ...CUT, runner: c.runner });
    expect(got).toEqual(await frameDifferences(clip));
    expect([segmented(c.runs), whole(c.runs)]).toEqual([3, 1]);
  });

  it('falls back to the whole pass when a segment keeps a wrong count of frames', async () => {
    const clip = clips.mpeg4!;
    const { duration } = await probe(clip);
    const times = [1, 12, 19.5, 25];
    const opts = { format: 'jpeg' as const };
    // The middle segment cut short (it stops a second after its start): it misses its thresholds past 12 s.
    const short = (a: readonly string[]) => (a.includes('-ss') && a.includes('-t') ? a.map((x, i) => (a[i - 1] === '-t' ? '3' : x)) : [...a]);
    const c = counting({ args: short });
    const got = await extractFramesOnePass(clip, times, { ...opts, ...CUT, duration, runner: c.runner });
    expect(got.map((b) => b.toString('base64'))).toEqual((await extractFramesOnePass(clip, times, opts)).map((b) => b.toString('base64')));
    expect([segmented(c.runs), whole(c.runs)]).toEqual([3, 1]);
  });
});
