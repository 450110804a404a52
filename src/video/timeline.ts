// The clip's real frames — how many, and when each is shown — for clips whose
// headers do not say it reliably: Matroska states no frame count, a
// variable-frame-rate clip's frames are not 1/fps apart (phone footage, screen
// recordings), and clips cut from recordings start at an offset. Judges such
// as EBM-RL's read frames by index, so a plan must be able to name "frame i"
// and the time it is really shown. One ffprobe pass over the packets (a demux,
// no decode: cheap even on long clips) lists every frame's presentation time;
// it runs only when the headers leave a doubt, and only when frames are
// extracted (the frame cache answers re-runs without it).
import { probe, run, type ToolOptions, type VideoInfo } from './ffmpeg.js';
import { threshold } from './one-pass.js';
import { frameCount } from './sampler.js';

export interface ClipInfo {
  /** Seconds of picture, from the first frame. */
  duration: number;
  fps: number;
  /**
   * Seconds from ffmpeg's time zero (which -ss and filter `t` count from) to
   * the first frame: added to a plan's times, which count from the first frame.
   */
  offset: number;
  /**
   * Every frame's presentation time from the first frame, when the frames are
   * not where frame i at i/fps would find them (variable frame rate, or a count
   * the duration does not give); plans then pick real frames by index.
   */
  frameTimes?: number[];
}

/** Presentation times (seconds, file time base) of every frame of `stream`, in order; null when a packet has no time. */
export async function frameTimeline(path: string, stream: number | undefined, opts: ToolOptions = {}): Promise<{ times: number[]; last: number } | null> {
  const bin = opts.ffprobe ?? 'ffprobe';
  const select = stream === undefined ? 'v:0' : String(stream);
  const args = ['-v', 'error', '-select_streams', select, '-show_entries', 'packet=pts_time,duration_time,flags', '-of', 'compact=p=0', path];
  const res = await run(bin, args, opts, `listing the frames of ${path}`);
  const frames: { t: number; d: number }[] = [];
  for (const line of res.stdout.toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    // "pts_time=1.5|duration_time=0.5|flags=K_"; a long clip has 100 000s of these, so no regex per field.
    const field = new Map(line.split('|').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    // Packets flagged D (an MP4 edit list cutting into a group of pictures) are decoded but never shown.
    if (field.get('flags')?.includes('D')) continue;
    const t = Number(field.get('pts_time') ?? NaN);
    if (!Number.isFinite(t)) return null;
    frames.push({ t, d: Number(field.get('duration_time') ?? NaN) });
  }
  // Packets come in decode order; B-frames make that differ from the order they are shown in.
  frames.sort((a, b) => a.t - b.t);
  if (frames.length === 0 || frames.some((f, i) => i > 0 && f.t === frames[i - 1]!.t)) return null;
  const lastFrame = frames[frames.length - 1]!;
  const gap = frames.length > 1 ? lastFrame.t - frames[frames.length - 2]!.t : NaN;
  const last = lastFrame.d > 0 ? lastFrame.d : gap > 0 ? gap : NaN;
  return { times: frames.map((f) => f.t), last };
}

const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

/** Whether the headers can be trusted: a stated frame count the duration agrees with, a fixed rate, no start offset. */
function headersSuffice(info: VideoInfo): boolean {
  return (
    info.frameCount !== undefined &&
    !info.durationFromFile &&
    info.frameCount === frameCount(info.duration, info.fps) &&
    (info.baseFps === undefined || near(info.baseFps, info.fps)) &&
    near(info.startOffset ?? 0, 0)
  );
}

/** Matroska's tick: times stated in whole milliseconds are this close to the exact ones. */
const TICK_S = 0.001;

/**
 * Whether frame i of `rel` (times from the first frame) is shown at i/fps, to
 * within a tick, and "the first frame at or after i/fps" — what extraction
 * keeps — finds it and no other.
 */
function evenlySpaced(rel: readonly number[], fps: number): boolean {
  // threshold(): the rounding extraction's own "first frame at or after" uses.
  return rel.every((t, i) => Math.abs(t - i / fps) < TICK_S && t >= threshold(i / fps) && (i === 0 || rel[i - 1]! < threshold(i / fps)));
}

/**
 * Duration, rate, start offset and — when they are uneven — the frame times
 * of a clip. Clips whose headers settle it get exactly probe()'s numbers, so
 * their plans (and frames, and hashes) are what they always were.
 */
export async function clipInfo(path: string, opts: ToolOptions = {}): Promise<ClipInfo> {
  const info = await probe(path, opts);
  if (headersSuffice(info)) return { duration: info.duration, fps: info.fps, offset: 0 };
  const timeline = await frameTimeline(path, info.stream, opts);
  // No times to go by (a raw stream): the headers are all there is.
  if (!timeline) return { duration: info.duration, fps: info.fps, offset: Math.max(0, info.startOffset ?? 0) };
  const first = timeline.times[0]!;
  // Six decimals, as ffprobe prints times: 2.1 − 2.0 should read 0.1, not 0.10000000000000009.
  const rel = timeline.times.map((t) => Number((t - first).toFixed(6)));
  const count = rel.length;
  const picture = Number((rel[count - 1]! + (Number.isFinite(timeline.last) ? timeline.last : 1 / info.fps)).toFixed(6));
  const offset = first - (info.fileStart ?? first);
  if (evenlySpaced(rel, info.fps)) {
    // Frame i at i/fps: plans by frame number find the real frames, so only the count must be right. Matroska
    // states durations in whole milliseconds, so duration × fps can come out one short (60.026 s × 29.97 fps
    // = 1798.98 for 1799 frames): then the duration is the real count's.
    const duration = frameCount(info.duration, info.fps) === count ? info.duration : count / info.fps;
    return { duration, fps: info.fps, offset };
  }
  return { duration: picture, fps: info.fps, offset, frameTimes: rel };
}
