// `npm run bench:frames`: what extracting a long clip's sampled frames costs,
// as a ratio to one full decode of the same clip measured in the same run
// (`ffmpeg -i clip -f null -`). Compares the old path (one `ffmpeg -ss` run per
// frame) with the one-pass path (one decode, a select filter), checks they give
// the same bytes, and times the adaptive key-frame path of a clip over 10 min
// (frame differences, then one pass). Run `npm run build` first.
//
//   node bench/frames-bench.mjs [--minutes 15] [--frames 128] [--size 320x240] [--rate 25] [--runs 3] [--skip-old]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, renameSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchArgs, machine } from './lib/measure.mjs';
import { recordTargets } from './lib/targets.mjs';

const { root, flag } = benchArgs();
const MINUTES = Number(flag('minutes', 15));
const FRAMES = Number(flag('frames', 128));
const SIZE = flag('size', '320x240');
const RATE = Number(flag('rate', 25));
const RUNS = Number(flag('runs', 3));
const SKIP_OLD = process.argv.includes('--skip-old');
const TARGET = 2;

const { extractFrames, frameDifferences, probe } = await import(join(root, 'dist', 'video', 'ffmpeg.js'));
const { extractFramesOnePass } = await import(join(root, 'dist', 'video', 'one-pass.js'));
const { clipDifferences } = await import(join(root, 'dist', 'video', 'diffs.js'));
const { planFrames } = await import(join(root, 'dist', 'video', 'sampler.js'));

const log = (msg) => process.stderr.write(`${msg}\n`);
const loadStart = loadavg();
const ffmpegVersion = (spawnSync('ffmpeg', ['-version']).stdout?.toString().split('\n')[0] ?? '').replace(/ Copyright.*/, '');
if (!ffmpegVersion) {
  console.error('ffmpeg is not on PATH: the frames bench needs it (apt-get install -y ffmpeg).');
  process.exit(2);
}
const x264 = /libx264/.test(spawnSync('ffmpeg', ['-hide_banner', '-encoders']).stdout.toString());

// H.264 with its default 250-frame key-frame interval is what real clips look like; mpeg4 when x264 is missing.
const codec = x264 ? ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '250'] : ['-c:v', 'mpeg4', '-q:v', '5'];
const clip = join(tmpdir(), `rolejudge-frames-bench-${MINUTES}min-${SIZE}-${RATE}fps-${x264 ? 'h264' : 'mpeg4'}.mp4`);
if (!existsSync(clip)) {
  log(`writing a ${MINUTES}-minute ${SIZE} test clip to ${clip} (cached for later runs)…`);
  const part = `${clip}.part.mp4`;
  const r = spawnSync('ffmpeg', [
    '-v',
    'error',
    '-nostdin',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc=duration=${MINUTES * 60}:size=${SIZE}:rate=${RATE}`,
    ...codec,
    '-pix_fmt',
    'yuv420p',
    part,
  ]);
  if (r.status !== 0) throw new Error(`making the bench clip failed: ${r.stderr}`);
  renameSync(part, clip);
}

const seconds = async (fn) => {
  const t0 = performance.now();
  const value = await fn();
  return { s: (performance.now() - t0) / 1000, value };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const hashes = (bufs) => bufs.map((b) => createHash('sha256').update(b).digest('hex').slice(0, 16)).join(',');
const fullDecode = () => {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-i', clip, '-f', 'null', '-']);
  if (r.status !== 0) throw new Error(`full decode failed: ${r.stderr}`);
};

const info = await probe(clip);
const uniform = planFrames({ kind: 'uniform', n: FRAMES }, info.duration, info.fps);
const enc = { format: 'jpeg', longSide: 512 };

// Interleaved, so a change in machine load falls on every path alike.
const ref = [];
const onePass = [];
const keyFramePath = [];
let oneBytes = '';
let keyTier = '';
for (let i = 0; i < RUNS; i++) {
  log(`run ${i + 1}/${RUNS}: full decode, one pass over ${FRAMES} frames, adaptive key-frame path…`);
  ref.push((await seconds(fullDecode)).s);
  // As `generate` runs it: with the clip's duration, one segment per core.
  const one = await seconds(() => extractFramesOnePass(clip, uniform.times, { ...enc, duration: info.duration }));
  onePass.push(one.s);
  oneBytes = hashes(one.value);
  const key = await seconds(async () => {
    // As `generate` runs it: one segment per core (src/video/diffs.ts).
    const diffs = await clipDifferences(clip, info.duration);
    const plan = planFrames({ kind: 'adaptive', cap: FRAMES }, info.duration, info.fps, diffs);
    keyTier = `${plan.tier}, ${plan.times.length} frames`;
    return extractFramesOnePass(clip, plan.times, { ...enc, duration: info.duration });
  });
  keyFramePath.push(key.s);
}
let old = null;
let same = 'not checked (--skip-old)';
if (!SKIP_OLD) {
  log(`old path: one ffmpeg -ss run per frame, ${FRAMES} runs…`);
  old = await seconds(() => extractFrames(clip, uniform.times, enc));
  same = hashes(old.value) === oneBytes ? 'yes, byte-identical' : 'NO — the images differ';
}

// The segmented differences must be the one pass's, score for score and time for time (so the same frames are picked).
log('checking the segmented differences against one whole-clip pass…');
const whole = await seconds(() => frameDifferences(clip));
const split = await clipDifferences(clip, info.duration);
const wholeOne = hashes(await extractFramesOnePass(clip, uniform.times, enc));
const sameDiffs =
  JSON.stringify(split) === JSON.stringify(whole.value)
    ? `yes, ${whole.value.scores.length} frames' scores and times identical`
    : 'NO — the segmented differences differ from the whole pass';

const R = median(ref);
const row = (name, s) => `| ${name} | ${s.toFixed(2)} | ${(s / R).toFixed(2)} |`;
const met = (ratio) => (ratio <= TARGET ? 'met' : `missed by ${(ratio - TARGET).toFixed(2)}×`);
const lines = [
  `rolejudge frames bench — CPU ${machine()}, node ${process.version}, ${ffmpegVersion}`,
  `clip: ${MINUTES} min, ${SIZE}, ${RATE} fps, ${x264 ? 'H.264 (key frame every 250)' : 'MPEG-4 part 2'}; ${FRAMES} frames, JPEG, long side 512; medians of ${RUNS} interleaved runs (the old path once)`,
  '',
  '| path | wall s | ÷ one full decode |',
  '|---|---:|---:|',
  row('one full decode (`ffmpeg -i clip -f null -`), reference', R),
  ...(old ? [row(`old: one \`ffmpeg -ss\` per frame, uniform:${FRAMES}`, old.s)] : []),
  row(`one pass, uniform:${FRAMES}`, median(onePass)),
  row(`adaptive:cap=${FRAMES} (${keyTier}): differences + one pass`, median(keyFramePath)),
  '',
  `target ≤ ${TARGET}× one full decode: one pass ${met(median(onePass) / R)}; key-frame path ${met(median(keyFramePath) / R)}.`,
  `same images as the old path: ${same}; as one whole-clip pass: ${wholeOne === oneBytes ? 'yes, byte-identical' : 'NO — the images differ'}.`,
  `differences from one segment per core (${availableParallelism()}) the same as one whole pass (${whole.s.toFixed(2)} s, ${(whole.s / R).toFixed(2)}× a decode): ${sameDiffs}.`,
  `load average (1, 5, 15 min) at start ${loadStart.map((x) => x.toFixed(2)).join(', ')}, at end ${loadavg()
    .map((x) => x.toFixed(2))
    .join(', ')}.`,
];
process.stdout.write(`${lines.join('\n')}\n`);
recordTargets('frames', [
  {
    target: `frames, one pass (uniform:${FRAMES}) ≤ ${TARGET}× one full decode`,
    figure: `${median(onePass).toFixed(2)} s ÷ ${R.toFixed(2)} s`,
    ratio: median(onePass) / R,
    met: median(onePass) / R <= TARGET,
  },
  {
    target: `frames, key-frame path (adaptive:cap=${FRAMES}) ≤ ${TARGET}× one full decode`,
    figure: `${median(keyFramePath).toFixed(2)} s ÷ ${R.toFixed(2)} s`,
    ratio: median(keyFramePath) / R,
    met: median(keyFramePath) / R <= TARGET,
  },
]);
