// Every sampled frame of a clip from one ffmpeg run. Spawning `ffmpeg -ss t`
// once per frame costs a process start, a seek and a partial decode per image,
// which on a long clip adds up to dozens of full decodes; one pass decodes the
// clip once and lets a `select` filter keep the wanted frames.
//
// The frames kept are the same ones the per-frame path picks — for each
// timestamp t, the first frame at or after t − 0.5 ms — so the images, and the
// manifest hashes made from them, do not change.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { extractFrames, imageCodecArgs, run, scaleFilter, type EncodeOptions, type ToolOptions } from './ffmpeg.js';

/** The per-frame path's slack, so float noise (0.3003 for a frame at 0.3) still lands on that frame. */
const SLACK_S = 0.0005;

export interface OnePassOptions extends EncodeOptions, ToolOptions {
  /** Where the scratch folder for the images goes; default the OS temp folder. */
  scratchDir?: string;
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
 */
export async function extractFramesOnePass(clip: string, timestamps: readonly number[], opts: OnePassOptions): Promise<Buffer[]> {
  if (timestamps.length === 0) return [];
  const wanted = timestamps.map(threshold);
  const sorted = [...new Set(wanted)].sort((a, b) => a - b);
  const bin = opts.ffmpeg ?? 'ffmpeg';
  const ext = opts.format === 'jpeg' ? 'jpg' : 'png';
  const scale = scaleFilter(opts.longSide, opts.resize);
  // Tag the kept frames so metadata=print lists them (it prints only frames that carry metadata).
  const filters = [`select='${selectExpression(sorted)}'`, 'metadata=mode=add:key=rolejudge.kept:value=1', 'metadata=mode=print:file=-'];
  if (scale !== null) filters.push(scale);

  const scratch = await mkdtemp(path.join(opts.scratchDir ?? tmpdir(), 'rolejudge-frames-'));
  try {
    // The graph goes in a script file: with thousands of thresholds it would outgrow one argument.
    const script = path.join(scratch, 'select.txt');
    await writeFile(script, filters.join(','));
    // Passthrough: one image per kept frame, no frames duplicated to fill the gaps.
    const args = (passthrough: string[]): string[] => [
      '-v',
      'error',
      '-nostdin',
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
      path.join(scratch, `%06d.${ext}`),
    ];
    const what = `extracting ${timestamps.length} frames from ${clip}`;
    // -fps_mode arrived in ffmpeg 5.1; the 4.x of older distributions only knows -vsync.
    const res = await run(bin, args(['-fps_mode', 'passthrough']), opts, what).catch((e: Error) => {
      if (!/fps_mode/.test(e.message)) throw e;
      return run(bin, args(['-vsync', 'passthrough']), opts, what);
    });
    const times = keptTimes(res.stdout.toString('utf8'));
    const names = (await readdir(scratch)).filter((n) => n.endsWith(`.${ext}`)).sort();
    if (names.length !== times.length) {
      throw new Error(`ffmpeg kept ${times.length} frames of ${clip} but wrote ${names.length} images`);
    }
    if (names.length !== sorted.length) return extractFrames(clip, timestamps, opts);
    const images = await Promise.all(names.map((n) => readFile(path.join(scratch, n))));
    // One kept frame per threshold, both in time order: the k-th threshold's image is the k-th image.
    const slot = new Map(sorted.map((s, k) => [s, k]));
    return wanted.map((s) => images[slot.get(s) as number] as Buffer);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
