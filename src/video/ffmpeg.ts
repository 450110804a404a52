// Thin wrappers over the ffmpeg/ffprobe binaries. Always spawned with argument
// arrays (no shell), so clip paths with spaces or quotes need no escaping. The
// runner is injectable so callers and tests can count or fake the work done.
import { spawn } from 'node:child_process';

export const INSTALL_HINT = 'Install ffmpeg (it includes ffprobe): "apt-get install -y ffmpeg" on Debian/Ubuntu, "brew install ffmpeg" on macOS.';

export interface RunResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

export type Runner = (bin: string, args: readonly string[]) => Promise<RunResult>;

export interface ToolOptions {
  runner?: Runner;
  /** Binary names or paths; default "ffmpeg" and "ffprobe". */
  ffmpeg?: string;
  ffprobe?: string;
}

export const spawnRunner: Runner = (bin, args) =>
  new Promise((resolve, reject) => {
    const child = spawn(bin, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'ENOENT' ? new Error(`${bin} not found on PATH. ${INSTALL_HINT}`) : e);
    });
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
  });

export async function run(bin: string, args: string[], opts: ToolOptions, what: string): Promise<RunResult> {
  const res = await (opts.runner ?? spawnRunner)(bin, args);
  if (res.code !== 0) {
    throw new Error(`${what} failed (${bin} exited with ${res.code}): ${res.stderr.trim().slice(-2000)}`);
  }
  return res;
}

const available = new WeakMap<Runner, Map<string, Promise<boolean>>>();

/** Whether ffmpeg can be run; memoised per runner and binary so repeated checks spawn nothing. */
export function ffmpegAvailable(opts: ToolOptions = {}): Promise<boolean> {
  const runner = opts.runner ?? spawnRunner;
  const bin = opts.ffmpeg ?? 'ffmpeg';
  let byBin = available.get(runner);
  if (!byBin) available.set(runner, (byBin = new Map()));
  let p = byBin.get(bin);
  if (!p) {
    p = runner(bin, ['-version']).then(
      (r) => r.code === 0,
      () => false,
    );
    byBin.set(bin, p);
  }
  return p;
}

export interface VideoInfo {
  duration: number;
  fps: number;
  width: number;
  height: number;
  /** Container-stated frame count, when the container states it. */
  frameCount?: number;
  /** The stream's r_frame_rate (the rate its timestamps are written at); differs from `fps` in variable-frame-rate clips. */
  baseFps?: number;
  /** Index of the video stream in the file, for ffprobe -select_streams. */
  stream?: number;
  /** The file's earliest start, seconds: ffmpeg's time zero, which -ss and filter `t` count from. */
  fileStart?: number;
  /** Seconds from ffmpeg's time zero (the file's earliest start, which -ss and filter `t` count from) to this stream's start. */
  startOffset?: number;
  /** True when the stream states no duration of its own, so `duration` was worked out from the file's. */
  durationFromFile?: boolean;
}

function rate(s: unknown): number | null {
  if (typeof s !== 'string') return null;
  const [a, b] = s.split('/').map(Number);
  if (a === undefined || !Number.isFinite(a) || a <= 0) return null;
  const r = b === undefined ? a : a / b;
  return Number.isFinite(r) && r > 0 ? r : null;
}

function finite(s: unknown): number | null {
  const n = typeof s === 'string' && s.trim() !== '' ? Number(s) : NaN;
  return Number.isFinite(n) ? n : null;
}

function positive(s: unknown): number | null {
  const n = typeof s === 'number' ? s : typeof s === 'string' ? Number(s) : NaN;
  return Number.isFinite(n) && n > 0 ? n : null;
}

interface ProbeStream {
  codec_type?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  nb_frames?: string;
  index?: number;
  start_time?: string;
  disposition?: { attached_pic?: number };
}

export async function probe(path: string, opts: ToolOptions = {}): Promise<VideoInfo> {
  const bin = opts.ffprobe ?? 'ffprobe';
  const args = ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', path];
  const res = await run(bin, args, opts, `probing ${path}`);
  const json = JSON.parse(res.stdout.toString('utf8')) as {
    streams?: ProbeStream[];
    format?: { duration?: string; start_time?: string };
  };
  // Cover art is stored as a one-frame "video" stream; it is not the clip.
  const v = json.streams?.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  if (!v) throw new Error(`${path} has no video stream`);
  const fps = rate(v.avg_frame_rate) ?? rate(v.r_frame_rate);
  const start = finite(v.start_time) ?? 0;
  const fileStart = finite(json.format?.start_time) ?? start;
  // The video stream's own duration first: audio can outlast the picture. Matroska and MP4 state the
  // file's duration as its end time, so a clip remuxed to start at 2 s reports 6 s for 4 s of picture:
  // the stream's start comes off (clipInfo in timeline.ts counts the real frames in that case anyway).
  const ownDuration = positive(v.duration);
  const fileDuration = positive(json.format?.duration);
  const duration = ownDuration ?? (fileDuration === null ? null : fileDuration - start > 0 ? fileDuration - start : fileDuration);
  if (fps === null) throw new Error(`${path}: ffprobe reports no frame rate`);
  if (duration === null) throw new Error(`${path}: ffprobe reports no duration`);
  const info: VideoInfo = { duration, fps, width: v.width ?? 0, height: v.height ?? 0, startOffset: start - fileStart, fileStart };
  const n = positive(v.nb_frames);
  if (n !== null) info.frameCount = Math.round(n);
  const base = rate(v.r_frame_rate);
  if (base !== null) info.baseFps = base;
  if (typeof v.index === 'number') info.stream = v.index;
  if (ownDuration === null) info.durationFromFile = true;
  return info;
}

export interface EncodeOptions {
  /** Downscale so the longer side is at most this many pixels (never upscales). */
  longSide?: number;
  /** 'exact': scale (up or down) so the longer side is exactly longSide, as EBM-RL's judge input does. */
  resize?: 'down' | 'exact';
  format: 'jpeg' | 'png';
  /** JPEG only: ffmpeg -q:v, 2 (best) to 31 (worst). Default 3. */
  quality?: number;
}

export const DEFAULT_JPEG_QUALITY = 3;

/** The downscale filter for a long side, or null for full size; shared by every extraction path so they scale alike. */
export function scaleFilter(longSide: number | undefined, resize: 'down' | 'exact' = 'down'): string | null {
  if (longSide === undefined) return null;
  if (!Number.isInteger(longSide) || longSide < 1) throw new RangeError(`longSide must be a positive integer, got ${longSide}`);
  // Exactly L on the longer side, the other side in proportion (-1 keeps the aspect ratio).
  if (resize === 'exact') return `scale=w='if(gte(iw,ih),${longSide},-1)':h='if(gte(iw,ih),-1,${longSide})'`;
  // Fit inside an L×L box keeping the aspect ratio; min() stops upscaling.
  return `scale=w='min(iw,${longSide})':h='min(ih,${longSide})':force_original_aspect_ratio=decrease`;
}

/** Encoder arguments for the image format (no output target). */
export function imageCodecArgs(o: EncodeOptions): string[] {
  if (o.format === 'jpeg') {
    const q = o.quality ?? DEFAULT_JPEG_QUALITY;
    if (!Number.isInteger(q) || q < 2 || q > 31) throw new RangeError(`JPEG quality must be an integer 2..31 (ffmpeg -q:v), got ${q}`);
    return ['-c:v', 'mjpeg', '-q:v', String(q)];
  }
  return ['-c:v', 'png'];
}

function encodeArgs(o: EncodeOptions): string[] {
  const scale = scaleFilter(o.longSide, o.resize);
  return [...(scale === null ? [] : ['-vf', scale]), '-f', 'image2pipe', ...imageCodecArgs(o), '-'];
}

/**
 * One encoded image per timestamp: the first frame at or after t. Seeking is
 * done per timestamp (-ss before -i), which is fast on long clips because
 * ffmpeg jumps to the nearest key frame instead of decoding from the start.
 */
export async function extractFrames(path: string, timestamps: readonly number[], opts: EncodeOptions & ToolOptions): Promise<Buffer[]> {
  const bin = opts.ffmpeg ?? 'ffmpeg';
  const tail = encodeArgs(opts);
  const out: Buffer[] = [];
  for (const t of timestamps) {
    if (!Number.isFinite(t) || t < 0) throw new RangeError(`timestamp must be >= 0, got ${t}`);
    // Half a millisecond of slack so float or rounding noise (0.3003 for a frame at 0.3) still lands on that frame.
    const ss = Math.max(0, t - 0.0005).toFixed(6);
    const args = ['-v', 'error', '-nostdin', '-ss', ss, '-i', path, '-frames:v', '1', '-an', '-sn', ...tail];
    const res = await run(bin, args, opts, `extracting the frame at ${t}s from ${path}`);
    if (res.stdout.length === 0) throw new Error(`no frame at ${t}s in ${path} (past the last frame?)`);
    out.push(res.stdout);
  }
  return out;
}

/** Re-encode (and optionally downscale) a still image. */
export async function encodeImage(path: string, opts: EncodeOptions & ToolOptions): Promise<Buffer> {
  const bin = opts.ffmpeg ?? 'ffmpeg';
  const args = ['-v', 'error', '-nostdin', '-i', path, '-frames:v', '1', ...encodeArgs(opts)];
  const res = await run(bin, args, opts, `re-encoding ${path}`);
  if (res.stdout.length === 0) throw new Error(`ffmpeg produced no image for ${path}`);
  return res.stdout;
}

export interface FrameDiffs {
  /** ffmpeg's scene score per decoded frame (0 = identical to the previous frame, 1 = cut). */
  scores: number[];
  /** Presentation time of each frame, seconds. */
  times: number[];
}

/** The difference pass's filters: a downscaled copy (cheap to compare), every frame's scene score printed. */
export const diffFilter = (width = 160): string => `scale='min(iw,${width})':-2,select='gte(scene,0)',metadata=print:file=-`;

/**
 * Difference of every frame to its predecessor, from ffmpeg's scene-change score.
 * Decodes the whole clip, on a downscaled copy to keep it cheap.
 */
export async function frameDifferences(path: string, opts: ToolOptions & { width?: number } = {}): Promise<FrameDiffs> {
  const bin = opts.ffmpeg ?? 'ffmpeg';
  const args = ['-v', 'error', '-nostdin', '-i', path, '-an', '-sn', '-vf', diffFilter(opts.width), '-f', 'null', '-'];
  const res = await run(bin, args, opts, `measuring frame differences in ${path}`);
  const scores: number[] = [];
  const times: number[] = [];
  // metadata=print writes "frame:N pts:P pts_time:T" followed by "lavfi.scene_score=S".
  for (const line of res.stdout.toString('utf8').split('\n')) {
    const f = /^frame:\d+\s+pts:\S+\s+pts_time:(\S+)/.exec(line);
    if (f) {
      times.push(Number(f[1]));
      scores.push(NaN);
      continue;
    }
    const s = /^lavfi\.scene_score=(\S+)/.exec(line);
    if (s && scores.length > 0) scores[scores.length - 1] = Number(s[1]);
  }
  if (scores.length === 0) throw new Error(`ffmpeg reported no frames for ${path}`);
  return { scores, times };
}
