// Media that exist but cannot be decoded are found before anything is spent:
// real files made with ffmpeg (an audio-only mp4, a truncated mp4, a text file
// named .mp4, a directory, a broken image), each checked the way the stage
// that would read it reads it, and only where a stage reads it at all.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sample } from '../../src/core/records.js';
import { type MediaCandidate, type SceneReader, undecodableMedia } from '../../src/pipeline/decodable.js';
import type { Runner } from '../../src/video/ffmpeg.js';
import { spawnRunner } from '../../src/video/ffmpeg.js';
import { getFrames } from '../../src/video/frames.js';
import { hasFfmpeg, makeClip, png, tempDir, warnIfNoFfmpeg } from '../video/helpers.js';

warnIfNoFfmpeg('decodable media');

let dir: string;
const f = (name: string) => join(dir, name);

beforeAll(() => {
  if (!hasFfmpeg) return;
  dir = tempDir('rolejudge-decodable-');
  makeClip(f('good.mp4'), 2);
  const audio = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-y', '-f', 'lavfi', '-i', 'sine=d=1', f('audio-only.mp4')]);
  if (audio.status !== 0) throw new Error(audio.stderr.toString());
  writeFileSync(f('truncated.mp4'), readFileSync(f('good.mp4')).subarray(0, 3000));
  writeFileSync(f('text.mp4'), 'not a video\n');
  mkdirSync(f('adir'));
  writeFileSync(f('good.png'), png(8, 8, [200, 10, 10]));
  writeFileSync(f('text.jpg'), 'not an image\n');
  // A JPEG header with the picture cut off: it passes a header check, not a decode.
  const jpg = spawnSync('ffmpeg', [
    '-v',
    'error',
    '-nostdin',
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=64x48',
    '-frames:v',
    '1',
    '-f',
    'image2pipe',
    '-c:v',
    'mjpeg',
    '-',
  ]);
  writeFileSync(f('cut.jpg'), jpg.stdout.subarray(0, 300));
  mkdirSync(f('dir.jpg'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const clip = (id: string, name: string, line: number): MediaCandidate => ({ sample: { id, video: { path: f(name) } } as Sample, line });
const frames = (id: string, names: string[], line: number): MediaCandidate => ({ sample: { id, video: { frames: names.map(f) } } as Sample, line });
/** A stage's frames request: a judge's (uniform, re-encoded to a long side) or a pass-through frame list (no long side). */
const reader = (n: number, at: 'middle' | 'start', longSide?: number): SceneReader => ({
  policy: { kind: 'uniform', n, at },
  options: { cacheDir: f('frames-cache'), datasetRoot: dir, maxFrames: n, format: 'jpeg', ...(longSide ? { longSide } : {}) },
});
const JUDGE = (): SceneReader => reader(8, 'middle', 512);
const PASS_THROUGH = (): SceneReader => reader(8, 'middle');

/** A runner that counts the ffmpeg/ffprobe processes the check starts. */
function counting(): { runner: Runner; runs: () => number } {
  let n = 0;
  return {
    runner: (bin, args) => {
      if (args[0] !== '-version') n++;
      return spawnRunner(bin, args);
    },
    runs: () => n,
  };
}

describe.skipIf(!hasFfmpeg)('undecodable media', () => {
  it('drops each clip a stage could not frame, naming field, file, line and why; a good clip passes', async () => {
    const drops = await undecodableMedia(
      [clip('s0', 'good.mp4', 1), clip('s1', 'audio-only.mp4', 2), clip('s2', 'truncated.mp4', 3), clip('s3', 'text.mp4', 4), clip('s4', 'adir', 5)],
      [JUDGE()],
    );
    expect(drops.map((d) => [d.sampleId, d.reason, d.field, d.file, d.line])).toEqual([
      ['s1', 'undecodable-media', 'video.path', f('audio-only.mp4'), 2],
      ['s2', 'undecodable-media', 'video.path', f('truncated.mp4'), 3],
      ['s3', 'undecodable-media', 'video.path', f('text.mp4'), 4],
      ['s4', 'undecodable-media', 'video.path', f('adir'), 5],
    ]);
    const why = Object.fromEntries(drops.map((d) => [d.sampleId, d.message]));
    expect(why.s1).toMatch(/has no video stream/);
    expect(why.s2).toMatch(/moov atom not found/);
    expect(why.s3).toMatch(/Invalid data found|moov atom not found/);
    expect(why.s4).toBe('is a directory, not a media file');
    // ffmpeg's decoder-instance prefix ("[mov,mp4,… @ 0x55…]") is noise, not kept.
    expect(why.s2).not.toMatch(/@ 0x/);
  });

  it('re-encoded frames are decoded; frames sent as they are get the header check the stage makes', async () => {
    const list = [frames('a', ['good.png', 'cut.jpg'], 1), frames('b', ['good.png', 'text.jpg'], 2), frames('c', ['dir.jpg', 'good.png'], 3)];
    const decoded = await undecodableMedia(list, [JUDGE()]);
    expect(decoded.map((d) => [d.sampleId, d.field, d.file])).toEqual([
      ['a', 'video.frames[1]', f('cut.jpg')],
      ['b', 'video.frames[1]', f('text.jpg')],
      ['c', 'video.frames[0]', f('dir.jpg')],
    ]);
    // Sent as they are, a cut JPEG is still a JPEG to the stage; a text file is not.
    const passed = await undecodableMedia(list, [PASS_THROUGH()]);
    expect(passed.map((d) => [d.sampleId, d.field, d.message])).toEqual([
      ['b', 'video.frames[1]', 'is not a JPEG, PNG, WebP or GIF image'],
      ['c', 'video.frames[0]', 'is a directory, not a media file'],
    ]);
  });

  it('checks only what a stage decodes: frames it does not pick, a clip behind a frame list, nothing without a reader', async () => {
    // One frame picked of three (the middle one): the broken first and last are never read.
    expect(await undecodableMedia([frames('a', ['text.jpg', 'good.png', 'cut.jpg'], 1)], [reader(1, 'middle', 512)])).toEqual([]);
    // EBM-RL's "start" index picks the first: that one is broken.
    expect((await undecodableMedia([frames('a', ['text.jpg', 'good.png', 'cut.jpg'], 1)], [reader(1, 'start', 512)])).map((d) => d.field)).toEqual([
      'video.frames[0]',
    ]);
    // A frame list is what getFrames shows: the clip beside it is not probed.
    const both = { sample: { id: 'x', video: { path: f('audio-only.mp4'), frames: [f('good.png')] } } as Sample, line: 1 };
    const c = counting();
    expect(await undecodableMedia([both], [JUDGE()], { runner: c.runner })).toEqual([]);
    expect(c.runs()).toBe(1);
    // No stage decodes (caption or text-only judges): no process at all.
    const none = counting();
    expect(await undecodableMedia([clip('s1', 'audio-only.mp4', 1)], [], { runner: none.runner })).toEqual([]);
    expect(none.runs()).toBe(0);
  });

  it('decodes nothing the stage will find in the frames cache (a rerun or resume)', async () => {
    const c = counting();
    expect(await undecodableMedia([clip('s0', 'good.mp4', 1)], [JUDGE()], { runner: c.runner })).toEqual([]);
    expect(c.runs()).toBe(1);
    // The judge's frames of the clip, made as the stage makes them: now cached.
    const req = JUDGE();
    await getFrames({ path: f('good.mp4') }, req.policy, req.options);
    const again = counting();
    expect(await undecodableMedia([clip('s0', 'good.mp4', 1)], [JUDGE()], { runner: again.runner })).toEqual([]);
    expect(again.runs()).toBe(0);
    // Another reader (a model's own policy) is not cached: the clip is probed for it.
    const other = counting();
    await undecodableMedia([clip('s0', 'good.mp4', 1)], [JUDGE(), reader(3, 'start', 256)], { runner: other.runner });
    expect(other.runs()).toBe(1);
  });

  it('probes a clip shared by several samples once', async () => {
    const c = counting();
    const drops = await undecodableMedia([clip('a', 'audio-only.mp4', 1), clip('b', 'audio-only.mp4', 2), clip('c', 'text.mp4', 3)], [JUDGE()], {
      runner: c.runner,
    });
    expect(drops.map((d) => d.sampleId)).toEqual(['a', 'b', 'c']);
    expect(c.runs()).toBe(2);
  });
});
