// Media that exist but cannot be decoded (a clip with only audio, a truncated
// mp4, a text file named .mp4, a directory, an image that is not one): found in
// the validating pass, before anything is spent, and dropped like missing media.
// Only what a stage will really decode is checked: the clip whose frames a model
// or judge is sent (frames are sampled from it after a probe), and the frame
// images a stage reads — each picked image re-encoded by ffmpeg when a long side
// is set, otherwise read and sent as it is (then its header is what is checked).
// Frames already in the frames cache are not decoded by the stage, so a rerun
// or resume probes nothing it has framed before.
import { open, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sample } from '../core/records.js';
import { runPool } from '../core/pool.js';
import { cacheKey, readCache } from '../video/cache.js';
import { encodeImage, ffmpegAvailable, probe, type ToolOptions } from '../video/ffmpeg.js';
import { clipCachePolicy, limitPolicy, manifestPolicyId, type FrameOptions } from '../video/frames.js';
import { imageMime } from '../video/parts.js';
import { subsampleUniform, type SamplingPolicy } from '../video/sampler.js';
import type { MediaDrop } from './media.js';

/** One way a stage shows a sample's scene: the policy and options of its getFrames call. */
export interface SceneReader {
  policy: SamplingPolicy;
  options: FrameOptions;
}

/** How many images of a frame list a reader picks, and where (getFrames subsamples lists uniformly). */
function picks(r: SceneReader): { n: number; at: 'middle' | 'start' } {
  const p = limitPolicy(r.policy, r.options.maxFrames);
  return p.kind === 'adaptive' ? { n: p.cap, at: 'middle' } : { n: p.n, at: p.at ?? 'middle' };
}

/** Whether the stage would find these frames in the frames cache (and so decode nothing): the key getFrames uses, of the real paths. */
async function inFramesCache(sources: string[], policy: string, cacheDir: string, keyPolicy = policy): Promise<boolean> {
  try {
    const real = await Promise.all(sources.map((f) => realpath(f)));
    return (await readCache(join(cacheDir, await cacheKey(real, keyPolicy)), policy)) !== null;
  } catch {
    return false;
  }
}

/** A sample still to check, with its split line. */
export interface MediaCandidate {
  sample: Pick<Sample, 'id' | 'video'>;
  line: number;
}

/** Probes at once: ffprobe/ffmpeg runs are processes, so a few suffice and the machine stays usable. */
export const PROBE_CONCURRENCY = 4;

type Problem = { field: string; file: string; message: string };

/**
 * The samples among `candidates` whose media a stage would fail to decode, one
 * drop each (its first problem). `readers` are the stages' ways of showing the
 * scene; none means nothing is decoded and nothing is checked.
 */
export async function undecodableMedia(candidates: readonly MediaCandidate[], readers: readonly SceneReader[], tools: ToolOptions = {}): Promise<MediaDrop[]> {
  if (!readers.length || !candidates.length) return [];
  // Without ffmpeg nothing is decoded here; the stage says how to install it.
  const ffmpeg = await ffmpegAvailable(tools);
  const probes = new Map<string, Promise<string | null>>();
  // One probe per clip, however many samples share it.
  const probeOnce = (file: string) => {
    let p = probes.get(file);
    if (!p) probes.set(file, (p = clipProblem(file, readers, tools)));
    return p;
  };
  const drops: MediaDrop[] = [];
  await runPool(candidates, PROBE_CONCURRENCY, async ({ sample, line }) => {
    const v = sample.video;
    if (!v) return;
    let problem: Problem | null = null;
    // A frame list, when there is one, is what getFrames shows: the clip is not read.
    if (v.frames?.length) problem = await framesProblem(v.frames, readers, ffmpeg, tools);
    else if (v.path && ffmpeg) {
      const message = await probeOnce(v.path);
      if (message) problem = { field: 'video.path', file: v.path, message };
    }
    if (problem) drops.push({ type: 'drop', sampleId: sample.id, reason: 'undecodable-media', ...problem, line });
  });
  // Split order, whatever order the probes finished in.
  return drops.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

/** Why a clip cannot be framed, or null: what the stage's probe would throw. */
async function clipProblem(file: string, readers: readonly SceneReader[], tools: ToolOptions): Promise<string | null> {
  const kind = await fileKind(file);
  if (kind) return kind;
  const cached = await Promise.all(
    readers.map((r) => {
      const policy = manifestPolicyId(limitPolicy(r.policy, r.options.maxFrames), r.options);
      return inFramesCache([file], policy, r.options.cacheDir, clipCachePolicy(policy));
    }),
  );
  if (cached.every(Boolean)) return null;
  try {
    await probe(file, tools);
    return null;
  } catch (err) {
    return oneLine(err);
  }
}

async function framesProblem(frames: readonly string[], readers: readonly SceneReader[], ffmpeg: boolean, tools: ToolOptions): Promise<Problem | null> {
  // Which images each reader picks, and whether any of them re-encodes it (a
  // reader whose re-encoded picks are cached reads none of them).
  const picked = new Map<number, boolean>();
  const indices = frames.map((_, i) => i);
  for (const r of readers) {
    const { n, at } = picks(r);
    const mine = subsampleUniform(indices, n, at);
    const reencodes = r.options.longSide !== undefined && ffmpeg;
    if (reencodes) {
      const policy = `${manifestPolicyId(limitPolicy(r.policy, r.options.maxFrames), r.options)}:list`;
      if (
        await inFramesCache(
          mine.map((i) => frames[i]!),
          policy,
          r.options.cacheDir,
        )
      )
        continue;
    }
    for (const i of mine) picked.set(i, (picked.get(i) ?? false) || reencodes);
  }
  for (const [i, reencoded] of [...picked].sort((a, b) => a[0] - b[0])) {
    const file = frames[i]!;
    const message = (await fileKind(file)) ?? (reencoded ? await decodeProblem(file, tools) : await headerProblem(file));
    if (message) return { field: `video.frames[${i}]`, file, message };
  }
  return null;
}

/** "is a directory" (or another non-file), or null for a regular file. */
async function fileKind(file: string): Promise<string | null> {
  try {
    const st = await stat(file);
    if (st.isDirectory()) return 'is a directory, not a media file';
    if (!st.isFile()) return 'is not a regular file';
    if (st.size === 0) return 'is empty';
    return null;
  } catch (err) {
    return oneLine(err);
  }
}

/** Decodes the image as the stage does (a small re-encode is enough to know). */
async function decodeProblem(file: string, tools: ToolOptions): Promise<string | null> {
  try {
    await encodeImage(file, { ...tools, format: 'jpeg', longSide: 16 });
    return null;
  } catch (err) {
    return oneLine(err);
  }
}

/** A frame sent as it is must be an image the endpoint takes: the stage checks its header, so this does. */
async function headerProblem(file: string): Promise<string | null> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(16);
    const { bytesRead } = await fh.read(head, 0, 16, 0);
    return imageMime(head.subarray(0, bytesRead)) ? null : 'is not a JPEG, PNG, WebP or GIF image';
  } finally {
    await fh.close();
  }
}

/** ffmpeg's stderr can run to many lines: the last line says why. */
function oneLine(err: unknown): string {
  // ffmpeg's "[mov,mp4,… @ 0x55d…] " prefixes name a decoder instance, not the file: noise in a user's error.
  const msg = (err instanceof Error ? err.message : String(err)).replace(/\[[^\]\n]+ @ 0x[0-9a-f]+\] /g, '');
  const lines = msg
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.length > 1 ? `${lines[0]} … ${lines[lines.length - 1]}` : (lines[0] ?? 'unknown error');
}
