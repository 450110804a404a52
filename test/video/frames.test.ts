import { availableParallelism } from 'node:os';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnRunner, type Runner } from '../../src/video/ffmpeg.js';
import { framesHash, getFrames, limitPolicy, manifestPolicyId, type FrameOptions } from '../../src/video/frames.js';
import { bytesOfDataUrl, hasFfmpeg, imageSize, isJpeg, makeClip, makeCutClip, png, tempDir, warnIfNoFfmpeg } from './helpers.js';

const sha16 = (b: Buffer): string => createHash('sha256').update(b).digest('hex').slice(0, 16);

function counting(): { runner: Runner; calls: string[] } {
  const calls: string[] = [];
  return { calls, runner: (bin, args) => (calls.push(bin), spawnRunner(bin, args)) };
}

/** A dataset root with five differently coloured PNG frames, plus a file outside it. */
function frameDataset(): { root: string; frames: string[]; outside: string } {
  const base = realpathSync(tempDir());
  const root = path.join(base, 'ds');
  mkdirSync(path.join(root, 'f'), { recursive: true });
  const frames = [0, 1, 2, 3, 4].map((i) => {
    const f = path.join(root, 'f', `${i}.png`);
    writeFileSync(f, png(64, 32, [i * 50, 0, 0]));
    return f;
  });
  const outside = path.join(base, 'outside.png');
  writeFileSync(outside, png(2, 2, [9, 9, 9]));
  return { root, frames, outside };
}

describe('policy ids and hashes', () => {
  it('folds maxFrames into the policy and names size and encoding', () => {
    expect(limitPolicy({ kind: 'adaptive', cap: 128 }, 16)).toEqual({ kind: 'adaptive', cap: 16 });
    expect(limitPolicy({ kind: 'uniform', n: 8 }, 16)).toEqual({ kind: 'uniform', n: 8 });
    expect(manifestPolicyId({ kind: 'uniform', n: 8 }, { longSide: 512, format: 'jpeg' })).toBe('uniform:8:512:jpeg');
    expect(manifestPolicyId({ kind: 'adaptive', cap: 128 }, { quality: 5 })).toBe('adaptive:cap=128:full:jpeg:q=5');
    expect(() => limitPolicy({ kind: 'uniform', n: 8 }, 0)).toThrow(/maxFrames/);
  });

  it('hashes the frame shas in order', () => {
    const m = {
      policy: 'uniform:2',
      frames: [
        { t: 0, sha: 'aa', file: 'x' },
        { t: 1, sha: 'bb', file: 'y' },
      ],
    };
    const moved = { policy: 'other', frames: m.frames.map((f) => ({ ...f, file: `/elsewhere/${f.file}` })) };
    expect(framesHash(m)).toMatch(/^[0-9a-f]{16}$/);
    expect(framesHash(moved)).toBe(framesHash(m));
    expect(framesHash({ ...m, frames: [...m.frames].reverse() })).not.toBe(framesHash(m));
  });
});

describe('frame lists passed through', () => {
  it('resamples uniformly and sends the dataset files unchanged', async () => {
    const { root, frames } = frameDataset();
    const opts: FrameOptions = { cacheDir: path.join(root, '..', 'cache'), datasetRoot: root, ffmpeg: 'ffmpeg-not-installed-rolejudge', longSide: 16 };
    const set = await getFrames({ frames }, 'uniform:2', opts);
    expect(set.manifest.policy).toBe('uniform:2:orig:list');
    expect(set.manifest.frames.map((f) => f.file)).toEqual([frames[1], frames[3]]);
    expect(set.manifest.frames.every((f) => f.t === null)).toBe(true);
    set.dataUrls.forEach((u, i) => {
      expect(u.startsWith('data:image/png;base64,')).toBe(true);
      expect(sha16(bytesOfDataUrl(u))).toBe(set.manifest.frames[i]!.sha);
    });
  });

  it('rejects frame paths that escape the dataset root, naming them', async () => {
    const { root, frames, outside } = frameDataset();
    const opts: FrameOptions = { cacheDir: path.join(root, '..', 'cache'), datasetRoot: root };
    await expect(getFrames({ frames: [...frames, '../outside.png'] }, 'uniform:2', opts)).rejects.toThrow(/"\.\.\/outside\.png"/);
    await expect(getFrames({ frames: [outside] }, 'uniform:2', opts)).rejects.toThrow(`"${outside}"`);
    symlinkSync(outside, path.join(root, 'f', 'sneaky.png'));
    await expect(getFrames({ frames: ['f/sneaky.png'] }, 'uniform:2', opts)).rejects.toThrow(/"f\/sneaky\.png" is a symlink/);
    await expect(getFrames({ path: '../outside.png' }, 'uniform:2', opts)).rejects.toThrow(/clip path "\.\.\/outside\.png"/);
  });

  it('refuses remote clips and empty videos', async () => {
    const opts: FrameOptions = { cacheDir: tempDir(), datasetRoot: tempDir() };
    await expect(getFrames({ url: 'https://x/a.mp4' }, 'uniform:8', opts)).rejects.toThrow(/video_url mode/);
    await expect(getFrames({}, 'uniform:8', opts)).rejects.toThrow(/neither/);
  });
});

warnIfNoFfmpeg('frame extraction tests');

describe.skipIf(!hasFfmpeg)('frames from clips', () => {
  let root: string;
  let clip12: string;
  let clip3: string;
  beforeAll(() => {
    root = realpathSync(tempDir());
    clip12 = makeClip(path.join(root, 'twelve.mp4'), 12);
    clip3 = makeClip(path.join(root, 'three.mp4'), 3);
  });

  it("EBM-RL's judge input: frames at int(k·total/n), long side exactly L (small clips upscaled)", async () => {
    const cacheDir = path.join(root, 'cache-exact');
    const opts: FrameOptions = { cacheDir, datasetRoot: root, longSide: 128, resize: 'exact', format: 'jpeg' };
    const set = await getFrames({ path: clip3 }, { kind: 'uniform', n: 3, at: 'start' }, opts);
    // 3 s at 10 fps = 30 frames: indices 0, 10, 20.
    expect(set.manifest.frames.map((f) => f.t)).toEqual([0, 1, 2]);
    expect(set.manifest.policy).toBe('uniform:3@start:128=exact:jpeg');
    // The 64×48 clip is scaled up to 128×96.
    for (const u of set.dataUrls) expect(imageSize(bytesOfDataUrl(u))).toEqual({ width: 128, height: 96 });
    const down = await getFrames({ path: clip3 }, 'uniform:3', { ...opts, cacheDir: path.join(root, 'cache-down'), resize: 'down' });
    for (const u of down.dataUrls) expect(imageSize(bytesOfDataUrl(u))).toEqual({ width: 64, height: 48 });
  });

  it('samples a 12 s clip every 5 s, scaled, and caches it', async () => {
    const cacheDir = path.join(root, 'cache-a');
    const first = counting();
    const opts: FrameOptions = { cacheDir, datasetRoot: root, longSide: 32, format: 'jpeg', runner: first.runner };
    const a = await getFrames({ path: clip12 }, 'adaptive', opts);
    expect(a.cached).toBe(false);
    expect(first.calls).toEqual(['ffprobe', 'ffmpeg']); // probe, then all three frames in one pass
    expect(a.manifest.policy).toBe('adaptive:cap=128:32:jpeg');
    expect(a.manifest.frames.map((f) => f.t)).toEqual([0, 5, 10]);
    a.dataUrls.forEach((u, i) => {
      const bytes = bytesOfDataUrl(u);
      expect(isJpeg(bytes)).toBe(true);
      expect(imageSize(bytes)).toEqual({ width: 32, height: 24 });
      expect(sha16(bytes)).toBe(a.manifest.frames[i]!.sha);
      expect(path.dirname(a.manifest.frames[i]!.file).startsWith(cacheDir)).toBe(true);
    });

    const second = counting();
    const b = await getFrames({ path: clip12 }, 'adaptive', { ...opts, runner: second.runner });
    expect(second.calls).toEqual([]);
    expect(b.cached).toBe(true);
    expect(b.manifest).toEqual(a.manifest);
    expect(b.dataUrls).toEqual(a.dataUrls);
    expect(framesHash(b.manifest)).toBe(framesHash(a.manifest));
  });

  it('keys the cache on policy and on the clip file', async () => {
    const cacheDir = path.join(root, 'cache-b');
    const base: FrameOptions = { cacheDir, datasetRoot: root, format: 'jpeg' };
    const u8 = await getFrames({ path: 'three.mp4' }, 'uniform:8', base);
    expect(u8.manifest.frames).toHaveLength(8);
    expect(u8.manifest.policy).toBe('uniform:8:full:jpeg');
    const u4 = await getFrames({ path: 'three.mp4' }, { kind: 'adaptive', cap: 128 }, { ...base, maxFrames: 4 });
    expect(u4.manifest.policy).toBe('adaptive:cap=4:full:jpeg');
    expect(u4.manifest.frames).toHaveLength(4);
    expect(readdirSync(cacheDir)).toHaveLength(2);

    utimesSync(clip3, new Date(), new Date(Date.now() + 5000));
    const again = counting();
    const fresh = await getFrames({ path: 'three.mp4' }, 'uniform:8', { ...base, runner: again.runner });
    expect(again.calls.length).toBeGreaterThan(0);
    expect(fresh.cached).toBe(false);
    expect(framesHash(fresh.manifest)).toBe(framesHash(u8.manifest));
  });

  it('picks key frames of a clip over 10 min by frame difference', async () => {
    // 300 s of test pattern then 301 s of red at 1 fps: the cut at 300 s is the one big difference.
    const long = makeCutClip(path.join(root, 'long.mp4'), 300, 301, 1, '32x24');
    const c = counting();
    const set = await getFrames({ path: long }, 'adaptive:cap=2', { cacheDir: path.join(root, 'cache-d'), datasetRoot: root, runner: c.runner });
    expect(set.manifest.frames.map((f) => f.t)).toEqual([0, 300]);
    // Probe, then the differences and both frames, each in one pass of the clip cut into one segment per core (video/segments.ts).
    expect(c.calls[0]).toBe('ffprobe');
    expect(c.calls.slice(1).every((b) => b === 'ffmpeg')).toBe(true);
    expect(c.calls.length - 1).toBeLessThanOrEqual(2 * Math.min(availableParallelism(), 8));
  });

  it('re-extracts when a cached file has been deleted', async () => {
    const cacheDir = path.join(root, 'cache-c');
    const opts: FrameOptions = { cacheDir, datasetRoot: root, longSide: 16 };
    const a = await getFrames({ path: clip3 }, 'uniform:3', opts);
    rmSync(a.manifest.frames[1]!.file);
    const b = await getFrames({ path: clip3 }, 'uniform:3', opts);
    expect(b.cached).toBe(false);
    expect(b.manifest).toEqual(a.manifest);
  });

  it('re-encodes a frame list to the long side when ffmpeg is present, and caches it', async () => {
    const { root: ds, frames } = frameDataset();
    const opts: FrameOptions = { cacheDir: path.join(ds, '..', 'cache'), datasetRoot: ds, longSide: 16, maxFrames: 3 };
    const a = await getFrames({ frames }, 'adaptive', opts);
    expect(a.manifest.policy).toBe('adaptive:cap=3:16:jpeg:list');
    expect(a.manifest.frames).toHaveLength(3);
    for (const u of a.dataUrls) expect(imageSize(bytesOfDataUrl(u))).toEqual({ width: 16, height: 8 });
    const c = counting();
    const b = await getFrames({ frames }, 'adaptive', { ...opts, runner: c.runner });
    expect(c.calls).toEqual(['ffmpeg']); // the availability check, once for this runner
    expect(b.cached).toBe(true);
    expect(b.manifest).toEqual(a.manifest);
  });
});
