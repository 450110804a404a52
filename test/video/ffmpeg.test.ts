import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeImage, extractFrames, ffmpegAvailable, frameDifferences, probe, spawnRunner, type Runner } from '../../src/video/ffmpeg.js';
import { writeFileSync } from 'node:fs';
import { hasFfmpeg, imageSize, isJpeg, makeClip, makeCutClip, png, tempDir, warnIfNoFfmpeg } from './helpers.js';

describe('missing binaries', () => {
  it('says how to install ffmpeg', async () => {
    const err = probe('/nonexistent.mp4', { ffprobe: 'ffprobe-not-installed-rolejudge' });
    await expect(err).rejects.toThrow(/ffprobe-not-installed-rolejudge not found on PATH/);
    await expect(err).rejects.toThrow(/apt-get install -y ffmpeg/);
    await expect(err).rejects.toThrow(/brew install ffmpeg/);
    await expect(extractFrames('/x.mp4', [0], { format: 'jpeg', ffmpeg: 'ffmpeg-not-installed-rolejudge' })).rejects.toThrow(/apt-get install -y ffmpeg/);
  });

  it('reports ffmpeg as unavailable, once per runner', async () => {
    let calls = 0;
    const runner: Runner = (bin, args) => {
      calls++;
      return spawnRunner(bin, args);
    };
    expect(await ffmpegAvailable({ runner, ffmpeg: 'ffmpeg-not-installed-rolejudge' })).toBe(false);
    expect(await ffmpegAvailable({ runner, ffmpeg: 'ffmpeg-not-installed-rolejudge' })).toBe(false);
    expect(calls).toBe(1);
  });
});

warnIfNoFfmpeg('ffmpeg tests');

describe.skipIf(!hasFfmpeg)('ffmpeg on real clips', () => {
  let dir: string;
  let short: string;
  let cut: string;
  beforeAll(() => {
    dir = tempDir();
    short = makeClip(path.join(dir, 'short clip.mp4'), 3);
    cut = makeCutClip(path.join(dir, 'cut.mp4'));
  });

  it('is available', async () => {
    expect(await ffmpegAvailable()).toBe(true);
  });

  it('probes duration, frame rate, size and frame count', async () => {
    const info = await probe(short);
    expect(info.duration).toBeCloseTo(3, 1);
    expect(info.fps).toBe(10);
    expect([info.width, info.height]).toEqual([64, 48]);
    expect(info.frameCount).toBe(30);
  });

  it('fails clearly on a file that is not a video', async () => {
    const bad = path.join(dir, 'bad.mp4');
    writeFileSync(bad, 'not a video');
    await expect(probe(bad)).rejects.toThrow(/probing .*bad\.mp4 failed/);
  });

  it('extracts one JPEG per timestamp at full size', async () => {
    const frames = await extractFrames(short, [0, 1.5, 2.9], { format: 'jpeg' });
    expect(frames).toHaveLength(3);
    for (const f of frames) {
      expect(isJpeg(f)).toBe(true);
      expect(imageSize(f)).toEqual({ width: 64, height: 48 });
    }
    expect(frames[0]!.equals(frames[1]!)).toBe(false);
  });

  it('scales the long side down, keeping the aspect ratio, and never up', async () => {
    const [small] = await extractFrames(short, [1], { format: 'jpeg', longSide: 32 });
    expect(imageSize(small!)).toEqual({ width: 32, height: 24 });
    const [same] = await extractFrames(short, [1], { format: 'png', longSide: 1000 });
    expect(same!.subarray(1, 4).toString()).toBe('PNG');
    expect(imageSize(same!)).toEqual({ width: 64, height: 48 });
  });

  it('lands on the frame at t despite sub-millisecond noise, and on the next frame after it', async () => {
    const [a, b, c] = await extractFrames(short, [0.3, 0.3 + 3e-4, 0.35], { format: 'png' });
    expect(a!.equals(b!)).toBe(true);
    expect(a!.equals(c!)).toBe(false);
  });

  it('maps frame i of a 29.97 fps clip to time i/fps exactly', async () => {
    const ntsc = path.join(dir, 'ntsc.mp4');
    spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=duration=1:size=64x48:rate=30000/1001', '-c:v', 'mpeg4', ntsc]);
    const fps = (await probe(ntsc)).fps;
    expect(fps).toBeCloseTo(29.97, 2);
    const idx = [1, 7, 20];
    const got = await extractFrames(
      ntsc,
      idx.map((i) => i / fps),
      { format: 'png' },
    );
    idx.forEach((i, k) => {
      const want = spawnSync('ffmpeg', ['-v', 'error', '-i', ntsc, '-vf', `select=eq(n\\,${i})`, '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png', '-']);
      expect(got[k]!.equals(want.stdout)).toBe(true);
    });
  });

  it('rejects timestamps past the end and bad quality values', async () => {
    await expect(extractFrames(short, [10], { format: 'jpeg' })).rejects.toThrow(/no frame at 10s/);
    await expect(extractFrames(short, [0], { format: 'jpeg', quality: 1 })).rejects.toThrow(/quality/);
  });

  it('measures a hard cut as the largest frame difference', async () => {
    const { scores, times } = await frameDifferences(cut);
    expect(scores).toHaveLength(40);
    expect(times[20]).toBeCloseTo(2, 6);
    const max = Math.max(...scores.slice(1));
    expect(scores.indexOf(max)).toBe(20);
    expect(max).toBeGreaterThan(0.3);
  });

  it('re-encodes and downscales a still image', async () => {
    const src = path.join(dir, 'still.png');
    writeFileSync(src, png(40, 80, [0, 200, 0]));
    const out = await encodeImage(src, { format: 'jpeg', longSide: 20 });
    expect(isJpeg(out)).toBe(true);
    expect(imageSize(out)).toEqual({ width: 10, height: 20 });
  });
});
