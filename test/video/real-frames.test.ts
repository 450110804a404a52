// Index-based policies pick the clip's real frames: frame i of a
// variable-frame-rate clip is the i-th frame shown, not the frame at i/fps, and
// a clip that starts at an offset is sampled from its first frame. Every clip
// here is colour-coded (frame i is solid frameColour(i)), so the test reads
// from each image which frame was sent.
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cacheKey, sha256 } from '../../src/video/cache.js';
import { probe, spawnRunner, type Runner } from '../../src/video/ffmpeg.js';
import { getFrames, manifestPolicyId, type FrameOptions } from '../../src/video/frames.js';
import { parsePolicy } from '../../src/video/sampler.js';
import { clipInfo } from '../../src/video/timeline.js';
import { bytesOfDataUrl, hasFfmpeg, hasX264, makeColourClip, remuxClip, retimeClip, shownFrames, tempDir, whichFrame } from './helpers.js';

const ok = hasFfmpeg && hasX264;
if (!ok) console.warn('skipping the real-frame tests: they need ffmpeg with libx264');

/** Frames 0–9 0.1 s apart, frames 10 on 0.5 s apart (the black-box repro's clip). */
const VFR = 'if(lt(N,10),N*0.1,1+(N-10)*0.5)';
const EBM = 'uniform:8@start';

function counting(): { runner: Runner; calls: string[] } {
  const calls: string[] = [];
  return { calls, runner: (bin, args) => (calls.push(bin), spawnRunner(bin, args)) };
}

describe.skipIf(!ok)('frames of variable-frame-rate and start-offset clips', () => {
  let root: string;
  let n = 0;
  const opts = (): FrameOptions => ({ cacheDir: path.join(root, `cache-${n++}`), datasetRoot: root, format: 'png' });
  const sent = async (clip: string, policy: string, o: FrameOptions = opts()) => {
    const set = await getFrames({ path: clip }, policy, o);
    return { set, frames: set.dataUrls.map((u) => whichFrame(bytesOfDataUrl(u))), t: set.manifest.frames.map((f) => f.t) };
  };
  beforeAll(() => {
    root = realpathSync(tempDir('rolejudge-real-frames-'));
    const cfr20 = makeColourClip(path.join(root, 'cfr20.mkv'), 20);
    const cfr12 = makeColourClip(path.join(root, 'cfr12.mkv'), 12);
    for (const ext of ['mkv', 'mp4']) {
      retimeClip(cfr20, path.join(root, `vfr.${ext}`), VFR);
      retimeClip(cfr12, path.join(root, `vfr12.${ext}`), VFR);
    }
  });

  it.each(['mkv', 'mp4'])("EBM-RL's int(k·total/8) are real frame indices of a VFR %s, with their real times", async (ext) => {
    const clip = path.join(root, `vfr.${ext}`);
    expect(shownFrames(clip)).toHaveLength(20);
    const c = counting();
    const { frames, t } = await sent(clip, EBM, { ...opts(), runner: c.runner });
    expect(frames).toEqual([0, 2, 5, 7, 10, 12, 15, 17]);
    // The manifest says when each frame sent is really shown, from the first frame.
    expect(t).toEqual([0, 0.2, 0.5, 0.7, 1, 2, 3.5, 4.5]);
    // Probe, count the frames (packets only), then every frame in one decode: no spawn per frame.
    expect(c.calls).toEqual(['ffprobe', 'ffprobe', 'ffmpeg']);
  });

  it.each(['mkv', 'mp4'])('the adaptive sampler: every real frame of a short VFR %s, one frame per 5 s by time of a longer one', async (ext) => {
    const short = await sent(path.join(root, `vfr12.${ext}`), 'adaptive');
    expect(short.frames).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(short.t).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.5]);
    // 5.6 s: the frames shown nearest 0 s and 5 s.
    const long = await sent(path.join(root, `vfr.${ext}`), 'adaptive');
    expect(long.frames).toEqual([0, 18]);
    expect(long.t).toEqual([0, 5]);
  });

  it('counts the frames of a constant-rate Matroska clip whose millisecond duration falls one frame short', async () => {
    // 40 frames at 29.97 fps last 1.33467 s; Matroska states 1.334 s, and 1.334 × 29.97 = 39.98.
    const clip = makeColourClip(path.join(root, 'ntsc40.mkv'), 40, '30000/1001');
    const { frames, t } = await sent(clip, EBM);
    expect(frames).toEqual([0, 5, 10, 15, 20, 25, 30, 35]);
    // Evenly spaced: frame i at i/fps, as constant-rate clips always were.
    expect(t).toEqual(frames.map((i) => i / (30000 / 1001)));
  });

  it('does not serve a VFR clip the frames an older release cached under the same policy id', async () => {
    const clip = path.join(root, 'vfr.mkv');
    const o = opts();
    const policy = manifestPolicyId(parsePolicy(EBM), o);
    // What an older release left behind: its choice of frames, keyed on the policy id alone.
    const stale = path.join(o.cacheDir, await cacheKey([clip], policy));
    mkdirSync(stale, { recursive: true });
    writeFileSync(path.join(stale, '0000.png'), 'old frame');
    writeFileSync(path.join(stale, 'index.json'), JSON.stringify({ policy, frames: [{ t: 0, name: '0000.png' }] }));
    const { set, frames } = await sent(clip, EBM, o);
    expect(set.cached).toBe(false);
    expect(frames).toEqual([0, 2, 5, 7, 10, 12, 15, 17]);
    expect(set.manifest.frames.map((f) => f.sha)).not.toContain(sha256('old frame').slice(0, 16));
  });
});

describe.skipIf(!ok)('frames of clips that do not start at zero', () => {
  let root: string;
  let base: string;
  let gop: string;
  beforeAll(() => {
    root = realpathSync(tempDir('rolejudge-offset-frames-'));
    // 40 frames at 10 fps; `gop` has B-frames and a key frame every 10, so a cut lands inside a group.
    base = makeColourClip(path.join(root, 'base.mp4'), 40);
    gop = makeColourClip(path.join(root, 'gop.mp4'), 40, 10, [
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv444p',
      '-crf',
      '0',
      '-g',
      '10',
      '-bf',
      '3',
      '-sc_threshold',
      '0',
    ]);
  });

  const audioFirst = ['-f', 'lavfi', '-i', 'sine=d=6', '-itsoffset', '1'];
  // The first, fourth and fifth were sampled wrongly before (a crash, frames counted from the file's start);
  // the others were right and are here because their frames are now counted (TS and Matroska state no
  // count, the cut MP4 states one its duration does not give) and must stay right.
  const cases: [string, () => string][] = [
    // Stream start 2.0, no stream duration, file duration 6.0: the black-box repro's clip.
    ['mkv remuxed to start at 2 s', () => remuxClip(base, path.join(root, 'offset.mkv'), ['-output_ts_offset', '2'])],
    ['mp4 remuxed to start at 2 s (stream duration stated)', () => remuxClip(base, path.join(root, 'offset.mp4'), ['-output_ts_offset', '2'])],
    ['MPEG-TS starting at 3.4 s', () => remuxClip(base, path.join(root, 'offset.ts'), ['-output_ts_offset', '2'])],
    [
      'mp4 whose audio starts 1 s before the picture',
      () => remuxClip(base, path.join(root, 'late-video.mp4'), ['-map', '1:v', '-map', '0:a', '-c:a', 'aac'], audioFirst),
    ],
    [
      'mkv whose audio starts 1 s before the picture',
      () => remuxClip(base, path.join(root, 'late-video.mkv'), ['-map', '1:v', '-map', '0:a', '-c:a', 'aac'], audioFirst),
    ],
    // An edit list that starts inside a group of pictures: frames decoded but not shown (packets flagged D).
    ['mp4 cut with an edit list inside a group of pictures', () => remuxClip(gop, path.join(root, 'cut.mp4'), [], ['-ss', '1.05'])],
  ];

  it('probes the picture of a clip remuxed to start at 2 s: 4 s from its first frame, not the 6 s end time the file states', async () => {
    const clip = remuxClip(base, path.join(root, 'probe-offset.mkv'), ['-output_ts_offset', '2']);
    expect((await probe(clip)).duration).toBe(4);
    // The frames counted: 40 at 0.1 s steps, so the plain frame-i-at-i/fps plan holds, from ffmpeg's time zero (the file's start).
    expect(await clipInfo(clip)).toEqual({ duration: 4, fps: 10, offset: 0 });
  });

  it.each(cases)("%s: EBM-RL's frames int(k·total/8) of the frames it shows, timed from its first frame", async (_, make) => {
    const clip = make();
    const truth = shownFrames(clip);
    const total = truth.length;
    const set = await getFrames({ path: clip }, EBM, { cacheDir: path.join(root, `cache-${path.basename(clip)}`), datasetRoot: root, format: 'png' });
    const picks = Array.from({ length: 8 }, (_, k) => Math.floor((k * total) / 8));
    expect(set.dataUrls.map((u) => whichFrame(bytesOfDataUrl(u)))).toEqual(picks.map((i) => truth[i]));
    // Every clip here is 10 fps: the i-th frame shown is i/10 s after the first.
    set.manifest.frames.forEach((f, k) => expect(f.t).toBeCloseTo(picks[k]! / 10, 6));
  });
});
