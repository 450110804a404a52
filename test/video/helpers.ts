// Fixtures for the video tests: tiny clips made with ffmpeg's test sources and
// PNGs encoded by hand, so frame-list tests need no ffmpeg.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

export const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0 && spawnSync('ffprobe', ['-version']).status === 0;

export function warnIfNoFfmpeg(suite: string): void {
  if (!hasFfmpeg) console.warn(`skipping ${suite}: ffmpeg/ffprobe not on PATH (apt-get install -y ffmpeg)`);
}

export function tempDir(prefix = 'rolejudge-video-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-y', ...args]);
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.stderr.toString()}`);
}

/** A moving test pattern clip (mpeg4 is built into every ffmpeg). */
export function makeClip(file: string, seconds: number, size = '64x48', rate = 10): string {
  ffmpeg(['-f', 'lavfi', '-i', `testsrc=duration=${seconds}:size=${size}:rate=${rate}`, '-c:v', 'mpeg4', '-q:v', '5', '-pix_fmt', 'yuv420p', file]);
  return file;
}

/** Whether this ffmpeg can encode H.264 (Debian's does; minimal builds may not). */
export const hasX264 = hasFfmpeg && /libx264/.test(spawnSync('ffmpeg', ['-hide_banner', '-encoders']).stdout?.toString() ?? '');

/** A moving test pattern in H.264 with B-frames and a key frame every `gop` frames: what real clips look like. */
export function makeH264Clip(file: string, seconds: number, gop: number, size = '96x64', rate = 25): string {
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `testsrc=duration=${seconds}:size=${size}:rate=${rate}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-bf',
    '3',
    '-g',
    String(gop),
    '-pix_fmt',
    'yuv420p',
    file,
  ]);
  return file;
}

/** Test pattern, then flat red: one hard cut at `before` seconds (frame before×rate). */
export function makeCutClip(file: string, before = 2, after = 2, rate = 10, size = '64x48'): string {
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `testsrc=duration=${before}:size=${size}:rate=${rate}`,
    '-f',
    'lavfi',
    '-i',
    `color=c=red:duration=${after}:size=${size}:rate=${rate}`,
    '-filter_complex',
    '[0:v][1:v]concat=n=2:v=1[v]',
    '-map',
    '[v]',
    '-c:v',
    'mpeg4',
    '-q:v',
    '5',
    '-pix_fmt',
    'yuv420p',
    file,
  ]);
  return file;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (const x of b) c = (CRC_TABLE[(c ^ x) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A solid-colour RGB PNG. */
export function png(width: number, height: number, rgb: [number, number, number]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Width and height from a JPEG's start-of-frame or a PNG's header. */
export function imageSize(b: Buffer): { width: number; height: number } {
  if (b[0] === 0x89) return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) throw new Error(`bad JPEG marker at ${i}`);
    const marker = b[i + 1] as number;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    }
    i += 2 + b.readUInt16BE(i + 2);
  }
  throw new Error('no JPEG start-of-frame marker');
}

export const isJpeg = (b: Buffer): boolean => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

export function bytesOfDataUrl(url: string): Buffer {
  const m = /^data:[^;]+;base64,(.*)$/.exec(url);
  if (!m) throw new Error(`not a base64 data URL: ${url.slice(0, 40)}`);
  return Buffer.from(m[1] as string, 'base64');
}

/** Frame i's solid colour in colour-coded clips, far enough apart that any encoding still tells them apart. */
export const frameColour = (i: number): [number, number, number] => [(i * 37 + 20) % 256, (i * 11 + 200) % 256, (i * 73 + 90) % 256];

/**
 * A clip of `n` frames where frame i is solid frameColour(i), written at `rate`
 * fps, lossless H.264 (every frame a key frame unless `codec` says otherwise),
 * so a test can tell from an image which frame it is.
 */
export function makeColourClip(
  file: string,
  n: number,
  rate: number | string = 10,
  codec = ['-c:v', 'libx264', '-pix_fmt', 'yuv444p', '-crf', '0', '-g', '1'],
  size = '32x24',
): string {
  const [w, h] = size.split('x').map(Number) as [number, number];
  const frames = Array.from({ length: n }, (_, i) => Buffer.alloc(w * h * 3, Buffer.from(frameColour(i))));
  const args = ['-v', 'error', '-nostdin', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', size, '-r', String(rate), '-i', '-', ...codec, file];
  const r = spawnSync('ffmpeg', args, { input: Buffer.concat(frames) });
  if (r.status !== 0) throw new Error(`making ${file} failed: ${r.stderr.toString()}`);
  return file;
}

/** Re-time a clip with an ffmpeg setpts expression (frame number N), e.g. into a variable-frame-rate clip. */
export function retimeClip(src: string, file: string, setpts: string): string {
  ffmpeg(['-i', src, '-vf', `setpts='${setpts}'/TB`, '-fps_mode', 'vfr', '-c:v', 'libx264', '-pix_fmt', 'yuv444p', '-crf', '0', '-g', '1', file]);
  return file;
}

/** Copy a clip's streams into `file` with extra ffmpeg arguments (e.g. -output_ts_offset 2): no re-encode. */
export function remuxClip(src: string, file: string, extra: string[], before: string[] = []): string {
  ffmpeg([...before, '-i', src, '-c', 'copy', ...extra, file]);
  return file;
}

/** Which colour-coded frame an encoded image shows: the nearest frameColour to its average colour. */
export function whichFrame(image: Buffer, n = 400): number {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', '-', '-vf', 'scale=1:1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { input: image });
  if (r.status !== 0 || r.stdout.length < 3) throw new Error(`reading an image's colour failed: ${r.stderr.toString()}`);
  return nearestColour([...r.stdout.subarray(0, 3)], n);
}

function nearestColour(px: number[], n = 400): number {
  let best = -1;
  let bestD = Infinity;
  for (let i = 0; i < n; i++) {
    const d = frameColour(i).reduce((s, c, k) => s + Math.abs(c - (px[k] as number)), 0);
    if (d < bestD) [best, bestD] = [i, d];
  }
  return best;
}

/** Which colour-coded frame each frame a full decode shows is, in order: the ground truth of "frame i". */
export function shownFrames(file: string): number[] {
  const args = ['-v', 'error', '-nostdin', '-i', file, '-an', '-vf', 'scale=1:1', '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'];
  const r = spawnSync('ffmpeg', args, { maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`decoding ${file} failed: ${r.stderr.toString()}`);
  const out: number[] = [];
  for (let o = 0; o + 3 <= r.stdout.length; o += 3) out.push(nearestColour([...r.stdout.subarray(o, o + 3)]));
  return out;
}
