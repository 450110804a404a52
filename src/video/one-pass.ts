// Every sampled frame of a clip from one ffmpeg run. Spawning `ffmpeg -ss t`
// once per frame costs a process start, a seek and a partial decode per image,
// which on a long clip adds up to dozens of full decodes; one pass decodes the
// clip once and lets a `select` filter keep the wanted frames.
//
// The frames kept are the same ones the per-frame path picks — for each
// timestamp t, the first frame at or after t − 0.5 ms — so the images, and the
// manifest hashes made from them, do not change.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { extractFrames, imageCodecArgs, run, scaleFilter, type EncodeOptions, type ToolOptions } from './ffmpeg.js';
import { segmentBounds, segmentInput, type SegmentOptions } from './segments.js';

/** The per-frame path's slack, so float noise (0.3003 for a frame at 0.3) still lands on that frame. */
const SLACK_S = 0.0005;

export interface OnePassOptions extends EncodeOptions, ToolOptions, SegmentOptions {
  /** Where the scratch folder for the images goes; default the OS temp folder. */
  scratchDir?: string;
  /** The clip's duration, seconds: with it the decode is shared out over the cores. */
  duration?: number;
}

/** The seek threshold for a timestamp, rounded as the per-frame path rounds its -ss. */
export function threshold(t: number): number {
  if (!Number.isFinite(t) || t < 0) throw new RangeError(`timestamp must be >= 0, got ${t}`);
  return Number(Math.max(0, t - SLACK_S).toFixed(6));
}

/**
 * A `select` expression keeping each frame that is the first at or after one of
 * the sorted, distinct thresholds: the frame at time t is kept when the largest
 * threshold s ≤ t lies after the previous frame (prev_t < s; prev_t is NaN on
 * the first frame). Finding that s is a binary search written as nested if()s,
 * so each decoded frame costs about log2(thresholds) comparisons, not one per
 * threshold.
 *
 * @example
 * selectExpression([0, 5]) // 'if(gte(t,0),if(gte(t,5),(isnan(prev_t)+lt(prev_t,5)),(isnan(prev_t)+lt(prev_t,0))),0)'
 */
export function selectExpression(sorted: readonly number[]): string {
  const kept = (i: number): string => (i < 0 ? '0' : `(isnan(prev_t)+lt(prev_t,${sorted[i]}))`);
  // Known: sorted[lo-1] <= t (when lo > 0) and t < sorted[hi+1]; the answer index lies in lo-1..hi.
  const search = (lo: number, hi: number): string => {
    if (lo > hi) return kept(lo - 1);
    const mid = (lo + hi) >> 1;
    return `if(gte(t,${sorted[mid]}),${search(mid + 1, hi)},${search(lo, mid - 1)})`;
  };
  return search(0, sorted.length - 1);
}

/** Presentation times of the kept frames, from `metadata=print` lines ("frame:N pts:P pts_time:T"). */
function keptTimes(printed: string): number[] {
  const out: number[] = [];
  for (const line of printed.split('\n')) {
    const m = /^frame:\d+\s+pts:\S+\s+pts_time:(\S+)/.exec(line);
    if (m) out.push(Number(m[1]));
  }
  return out;
}

/**
 * One encoded image per timestamp (the first frame at or after it), from a
 * single decode of the clip. Timestamps may come in any order and repeat.
 * When the pass keeps fewer frames than there are distinct thresholds — two
 * thresholds between the same pair of frames in a variable-frame-rate clip, or
 * one past the last frame — which image belongs to which timestamp is not
 * certain from the count alone, so the per-frame path answers instead (and
 * names any timestamp past the end).
 *
 * With the clip's `duration` the decode is shared out: one segment per core
 * (segments.ts), each keeping the frames of its own thresholds. A frame is
 * kept by the same rule either way — the first at or after its threshold —
 * so the images are the same; a segment that keeps a wrong count sends the
 * whole clip back to one pass.
 */
export async function extractFramesOnePass(clip: string, timestamps: readonly number[], opts: OnePassOptions): Promise<Buffer[]> {
  if (timestamps.length === 0) return [];
  const wanted = timestamps.map(threshold);
  const sorted = [...new Set(wanted)].sort((a, b) => a - b);
  const scratch = await mkdtemp(path.join(opts.scratchDir ?? tmpdir(), 'rolejudge-frames-'));
  try {
    const images = (await inSegments(clip, sorted, opts, scratch)) ?? (await keptFrames(clip, sorted, opts, [], path.join(scratch, 'whole')));
    if (!images) return extractFrames(clip, timestamps, opts);
    // One kept frame per threshold, both in time order: the k-th threshold's image is the k-th image.
    const slot = new Map(sorted.map((s, k) => [s, k]));
    return wanted.map((s) => images[slot.get(s) as number] as Buffer);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The images of `sorted` from one segment of the clip per core; null when the clip is not cut or a segment's count is off. */
async function inSegments(clip: string, sorted: readonly number[], opts: OnePassOptions, scratch: string): Promise<Buffer[] | null> {
  const bounds = opts.duration === undefined ? null : segmentBounds(opts.duration, opts);
  if (!bounds) return null;
  const last = bounds.length - 2;
  // Each threshold to the segment it lies in; the first and last segments take what lies before and past the clip's ends.
  const own = bounds.slice(0, -1).map((_, k) => sorted.filter((s) => (k === 0 || s >= bounds[k]!) && (k === last || s < bounds[k + 1]!)));
  const parts = await Promise.all(
    own.map((ts, k) => (ts.length ? keptFrames(clip, ts, opts, segmentInput(bounds, k), path.join(scratch, `part${k}`)) : Promise.resolve([]))),
  );
  return parts.some((p) => p === null) ? null : (parts as Buffer[][]).flat();
}

/**
 * One decode (of the window `input` selects, or the whole clip) keeping the
 * first frame at or after each of the sorted thresholds, images in time
 * order; null when it kept another number of frames than thresholds.
 */
async function keptFrames(clip: string, sorted: readonly number[], opts: OnePassOptions, input: string[], dir: string): Promise<Buffer[] | null> {
  const bin = opts.ffmpeg ?? 'ffmpeg';
  const ext = opts.format === 'jpeg' ? 'jpg' : 'png';
  const scale = scaleFilter(opts.longSide, opts.resize);
  // Tag the kept frames so metadata=print lists them (it prints only frames that carry metadata).
  const filters = [`select='${selectExpression(sorted)}'`, 'metadata=mode=add:key=rolejudge.kept:value=1', 'metadata=mode=print:file=-'];
  if (scale !== null) filters.push(scale);
  await mkdir(dir);
  // The graph goes in a script file: with thousands of thresholds it would outgrow one argument.
  const script = path.join(dir, 'select.txt');
  await writeFile(script, filters.join(','));
  // Passthrough: one image per kept frame, no frames duplicated to fill the gaps.
  const args = (passthrough: string[]): string[] => [
    '-v',
    'error',
    '-nostdin',
    ...input,
    '-i',
    clip,
    '-an',
    '-sn',
    '-filter_script:v',
    script,
    ...passthrough,
    ...imageCodecArgs(opts),
    '-f',
    'image2',
    path.join(dir, `%06d.${ext}`),
  ];
  const what = `extracting ${sorted.length} frames from ${clip}`;
  // -fps_mode arrived in ffmpeg 5.1; the 4.x of older distributions only knows -vsync.
  const res = await run(bin, args(['-fps_mode', 'passthrough']), opts, what).catch((e: Error) => {
    if (!/fps_mode/.test(e.message)) throw e;
    return run(bin, args(['-vsync', 'passthrough']), opts, what);
  });
  const times = keptTimes(res.stdout.toString('utf8'));
  const names = (await readdir(dir)).filter((n) => n.endsWith(`.${ext}`)).sort();
  if (names.length !== times.length) {
    throw new Error(`ffmpeg kept ${times.length} frames of ${clip} but wrote ${names.length} images`);
  }
  if (names.length !== sorted.length) return null;
  return Promise.all(names.map((n) => readFile(path.join(dir, n))));
}
