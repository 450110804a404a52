// The frames a model or judge is shown for a sample, with a manifest that says
// exactly which images were sent (policy + per-image hash), cached per clip and
// policy so re-runs and multiple judges do no ffmpeg work.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FrameEntry, FrameManifest, VideoRef } from '../core/records.js';
import { cacheKey, readCache, sha256, writeCache, type CachedFrame } from './cache.js';
import { encodeImage, ffmpegAvailable, type ToolOptions } from './ffmpeg.js';
import { clipDifferences } from './diffs.js';
import { extractFramesOnePass } from './one-pass.js';
import { dataUrl, imageMime } from './parts.js';
import { resolveInside } from './paths.js';
import { needsDiffs, parsePolicy, planFrames, policyId, subsampleUniform, type SamplingPolicy } from './sampler.js';
import { clipInfo } from './timeline.js';

/**
 * Part of a clip's cache key, not of its manifest: changed whenever the frames
 * a clip gets under the same policy id change, so an older choice is never
 * served from the cache. real-frames-1: variable-frame-rate clips sampled by
 * real frame index, times counted from the first frame of clips that start
 * at an offset.
 */
const CLIP_SAMPLING = 'real-frames-1';

/** The cache-key policy a clip's frames are stored under (preflight looks them up with it). */
export const clipCachePolicy = (manifestPolicy: string): string => `${manifestPolicy}|${CLIP_SAMPLING}`;

export { toImageParts, videoUrlPart, inlineVideoPart, type ImagePart, type VideoPart, type ImageDetail } from './parts.js';

export interface FrameOptions extends ToolOptions {
  cacheDir: string;
  /** Every clip and frame path must resolve inside this folder. */
  datasetRoot: string;
  /** Hard limit on frames sent, on top of the policy's own cap. */
  maxFrames?: number;
  /** Downscale so the longer side is at most this many pixels. */
  longSide?: number;
  /** 'exact': the longer side is exactly longSide, upscaling small clips (EBM-RL's judge input). */
  resize?: 'down' | 'exact';
  format?: 'jpeg' | 'png';
  /** JPEG -q:v, 2 (best) to 31. */
  quality?: number;
}

export interface FrameSet {
  manifest: FrameManifest;
  /** One data: URL per manifest entry, same order. */
  dataUrls: string[];
  /** True when everything came from the cache (or was passed through) without running ffmpeg. */
  cached: boolean;
}

/** The policy with maxFrames folded in, so the id names what was actually done. */
export function limitPolicy(p: SamplingPolicy, maxFrames?: number): SamplingPolicy {
  if (maxFrames === undefined) return p;
  if (!Number.isInteger(maxFrames) || maxFrames < 1) throw new RangeError(`maxFrames must be a positive integer, got ${maxFrames}`);
  return p.kind === 'adaptive' ? { kind: 'adaptive', cap: Math.min(p.cap, maxFrames) } : { ...p, n: Math.min(p.n, maxFrames) };
}

/** Manifest policy id: sampling policy, then size and encoding, e.g. "uniform:8:512:jpeg". */
export function manifestPolicyId(p: SamplingPolicy, o: Pick<FrameOptions, 'longSide' | 'format' | 'quality' | 'resize'>): string {
  const q = o.quality !== undefined && (o.format ?? 'jpeg') === 'jpeg' ? `:q=${o.quality}` : '';
  const exact = o.resize === 'exact' && o.longSide !== undefined ? '=exact' : '';
  return `${policyId(p)}:${o.longSide ?? 'full'}${exact}:${o.format ?? 'jpeg'}${q}`;
}

/** Stable hash of what was shown: the image hashes in order. */
export function framesHash(manifest: FrameManifest): string {
  return sha256(manifest.frames.map((f) => f.sha).join('\n')).slice(0, 16);
}

function finish(policy: string, frames: readonly CachedFrame[], mimeOf: (b: Buffer, file: string) => string, cached: boolean): FrameSet {
  const entries: FrameEntry[] = frames.map((f) => ({ t: f.t, sha: sha256(f.bytes).slice(0, 16), file: f.file }));
  return {
    manifest: { policy, frames: entries },
    dataUrls: frames.map((f) => dataUrl(f.bytes, mimeOf(f.bytes, f.file))),
    cached,
  };
}

/** Read from the cache, or produce, store and return the frames. */
async function viaCache(
  sources: string[],
  policy: string,
  opts: FrameOptions,
  produce: () => Promise<{ t: number | null; bytes: Buffer }[]>,
  /** What the cache key is made of; the policy id unless the clip path tags it. */
  keyPolicy = policy,
): Promise<FrameSet> {
  const format = opts.format ?? 'jpeg';
  const mime = format === 'jpeg' ? 'image/jpeg' : 'image/png';
  const dir = path.join(opts.cacheDir, await cacheKey(sources, keyPolicy));
  const hit = await readCache(dir, policy);
  if (hit) return finish(policy, hit, () => mime, true);
  const made = await writeCache(dir, policy, await produce(), format === 'jpeg' ? 'jpg' : 'png');
  return finish(policy, made, () => mime, false);
}

async function clipFrames(video: VideoRef & { path: string }, p: SamplingPolicy, opts: FrameOptions): Promise<FrameSet> {
  const clip = await resolveInside(opts.datasetRoot, video.path, 'clip path');
  const format = opts.format ?? 'jpeg';
  const produce = async (): Promise<{ t: number; bytes: Buffer }[]> => {
    const info = await clipInfo(clip, opts);
    // ffmpeg counts -ss and filter times from the file's start; plans and manifests from the clip's first frame.
    const end = info.duration + info.offset;
    const measured = needsDiffs(p, info.duration) ? await clipDifferences(clip, end, opts) : undefined;
    const diffs = measured && info.offset !== 0 ? { ...measured, times: measured.times.map((t) => t - info.offset) } : measured;
    const plan = planFrames(p, info.duration, info.fps, diffs, info.frameTimes);
    const at = info.offset === 0 ? plan.times : plan.times.map((t) => t + info.offset);
    // Every sampled frame from one decode of the clip, not one ffmpeg run per frame.
    const bytes = await extractFramesOnePass(clip, at, { ...opts, format, duration: end });
    return bytes.map((b, i) => ({ t: plan.times[i] as number, bytes: b }));
  };
  const policy = manifestPolicyId(p, opts);
  return viaCache([clip], policy, opts, produce, clipCachePolicy(policy));
}

async function listFrames(list: readonly string[], p: SamplingPolicy, opts: FrameOptions): Promise<FrameSet> {
  if (list.length === 0) throw new Error('video.frames is empty');
  // Check every path, not just the picked ones: one escape means the dataset is untrustworthy.
  const all = await Promise.all(list.map((f) => resolveInside(opts.datasetRoot, f, 'frame path')));
  const picked = subsampleUniform(all, p.kind === 'adaptive' ? p.cap : p.n, p.kind === 'uniform' ? p.at : 'middle');
  const format = opts.format ?? 'jpeg';
  if (opts.longSide !== undefined && (await ffmpegAvailable(opts))) {
    return viaCache(picked, `${manifestPolicyId(p, opts)}:list`, opts, async () => {
      const out: { t: null; bytes: Buffer }[] = [];
      for (const f of picked) out.push({ t: null, bytes: await encodeImage(f, { ...opts, format }) });
      return out;
    });
  }
  // Pass-through: the dataset's own files are what is sent, so they are the manifest's files.
  const frames: CachedFrame[] = [];
  for (const f of picked) frames.push({ t: null, bytes: await readFile(f), file: f });
  const mimeOf = (b: Buffer, file: string): string => {
    const m = imageMime(b);
    if (!m) throw new Error(`frame ${file} is not a JPEG, PNG, WebP or GIF image`);
    return m;
  };
  return finish(`${policyId(p)}:orig:list`, frames, mimeOf, true);
}

/**
 * The frames to show for a sample's video under a sampling policy ("adaptive",
 * "adaptive:cap=N", "uniform:N" or the parsed form). Clips are probed, sampled
 * and extracted with ffmpeg; frame lists are resampled uniformly and re-encoded
 * only when longSide is set and ffmpeg is present. Remote URLs cannot be framed.
 */
export async function getFrames(video: VideoRef, policy: SamplingPolicy | string, opts: FrameOptions): Promise<FrameSet> {
  const p = limitPolicy(typeof policy === 'string' ? parsePolicy(policy) : policy, opts.maxFrames);
  if (video.frames && video.frames.length > 0) return listFrames(video.frames, p, opts);
  if (video.path) return clipFrames({ ...video, path: video.path }, p, opts);
  if (video.url) throw new Error(`cannot extract frames from remote clip ${video.url}; use video_url mode`);
  throw new Error('sample video has neither a clip path nor frames');
}
