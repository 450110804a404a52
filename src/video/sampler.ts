// Which moments of a clip a model or judge gets to see. Pure: callers probe the
// clip (duration, fps, optional frame differences) and pass the numbers in, so
// the policy can be tested without ffmpeg and its id can key caches.

/** Video2Roleplay's default frame budget. */
export const DEFAULT_CAP = 128;
/** Clips up to this length are short enough to show every frame. */
export const SHORT_CLIP_S = 5;
/** Clips longer than this switch from a fixed stride to key frames. */
export const LONG_CLIP_S = 600;
/** The fixed stride used for medium clips. */
export const STRIDE_S = 5;

/**
 * `at` places uniform picks: 'middle' (default) the centre of each of n equal
 * segments; 'start' the first frame of each, index int(k·total/n) — EBM-RL's rule.
 */
export type SamplingPolicy = { kind: 'adaptive'; cap: number } | { kind: 'uniform'; n: number; at?: 'middle' | 'start' };

export type SampleTier = 'every-frame' | 'every-5s' | 'key-frames' | 'uniform';

export interface SamplePlan {
  /** Policy id, e.g. "adaptive:cap=128" or "uniform:8". */
  policy: string;
  tier: SampleTier;
  /** Seconds from the start, strictly increasing. */
  times: number[];
  /** Frame numbers matching `times`; null when the frame rate was not given. */
  indices: number[] | null;
}

export interface AdaptiveOptions {
  cap?: number;
  /** Per-frame difference to the previous frame (index = frame number); used for clips over 10 min. */
  diffs?: readonly number[];
  /** Presentation times of the frames `diffs` describes, for variable-frame-rate clips. */
  diffTimes?: readonly number[];
  /** Every real frame's time from the first frame, when they are not 1/fps apart (timeline.ts): picks are real frames. */
  frameTimes?: readonly number[];
}

function checkPositive(name: string, v: number): void {
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${name} must be a positive number, got ${v}`);
}

function checkCount(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
}

/** Frames in a clip; the epsilon absorbs float noise such as 2.9999999 s × 10 fps. */
export function frameCount(duration: number, fps: number): number {
  return Math.max(1, Math.floor(duration * fps + 1e-6));
}

/**
 * Keep `n` items spread evenly: the centre item of n equal runs. With n < length
 * every run holds at least one item, so the picks stay unique and ordered.
 */
export function subsampleUniform<T>(items: readonly T[], n: number, at: 'middle' | 'start' = 'middle'): T[] {
  if (n >= items.length) return [...items];
  const out: T[] = [];
  const offset = at === 'start' ? 0 : 0.5;
  for (let k = 0; k < n; k++) out.push(items[Math.floor(((k + offset) * items.length) / n)] as T);
  return out;
}

export function policyId(p: SamplingPolicy): string {
  return p.kind === 'adaptive' ? `adaptive:cap=${p.cap}` : `uniform:${p.n}${p.at === 'start' ? '@start' : ''}`;
}

/** Inverse of policyId; also accepts a bare "adaptive" (default cap). */
export function parsePolicy(id: string): SamplingPolicy {
  const s = id.trim();
  if (s === 'adaptive') return { kind: 'adaptive', cap: DEFAULT_CAP };
  const a = /^adaptive:cap=(\d+)$/.exec(s);
  if (a) {
    const cap = Number(a[1]);
    checkCount('cap', cap);
    return { kind: 'adaptive', cap };
  }
  const u = /^uniform:(\d+)(@start)?$/.exec(s);
  if (u) {
    const n = Number(u[1]);
    checkCount('n', n);
    return u[2] ? { kind: 'uniform', n, at: 'start' } : { kind: 'uniform', n };
  }
  throw new Error(`unknown sampling policy "${id}" (expected "adaptive", "adaptive:cap=N" or "uniform:N")`);
}

/** Highest-difference frames, at most `cap`, back in time order. */
function keyFrames(diffs: readonly number[], cap: number): number[] {
  // Frame 0 has no predecessor: it opens the first shot, so it always counts as a key frame.
  const score = (i: number): number => {
    if (i === 0) return Infinity;
    const d = diffs[i];
    return d === undefined || Number.isNaN(d) ? -Infinity : d;
  };
  const order = diffs.map((_, i) => i);
  order.sort((x, y) => score(y) - score(x) || x - y);
  return order.slice(0, cap).sort((x, y) => x - y);
}

/** The frame shown nearest to time t (the earlier on a tie), by binary search of the sorted times. */
function nearestFrame(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && t - (times[lo - 1] as number) <= (times[lo] as number) - t ? lo - 1 : lo;
}

function dedupeSorted(xs: number[]): number[] {
  return xs.filter((x, i) => i === 0 || x !== xs[i - 1]);
}

/**
 * Video2Roleplay's adaptive sampler: every frame up to 5 s, one frame per 5 s up
 * to 10 min, key frames by frame difference beyond (uniform without differences),
 * and never more than `cap` frames.
 */
export function adaptiveSampler(duration: number, fps: number, opts: AdaptiveOptions = {}): SamplePlan {
  checkPositive('duration', duration);
  checkPositive('fps', fps);
  const cap = opts.cap ?? DEFAULT_CAP;
  checkCount('cap', cap);
  const policy = policyId({ kind: 'adaptive', cap });
  const real = opts.frameTimes;
  // "Every frame" means every real frame: a variable-frame-rate clip has its own count, not duration × fps.
  const total = real ? real.length : frameCount(duration, fps);
  const all = (): number[] => Array.from({ length: total }, (_, i) => i);
  let tier: SampleTier;
  let picks: number[];
  if (duration <= SHORT_CLIP_S) {
    tier = 'every-frame';
    picks = all();
  } else if (duration <= LONG_CLIP_S) {
    tier = 'every-5s';
    picks = [];
    // One frame per 5 s is by time: the frame shown nearest each multiple of 5 s.
    for (let t = 0; t < duration; t += STRIDE_S) picks.push(real ? nearestFrame(real, t) : Math.min(total - 1, Math.round(t * fps)));
    picks = dedupeSorted(picks);
  } else if (opts.diffs && opts.diffs.length > 0) {
    tier = 'key-frames';
    picks = keyFrames(opts.diffs, cap);
  } else {
    tier = 'uniform';
    picks = all();
  }
  picks = subsampleUniform(picks, cap);
  const times = opts.diffTimes;
  const useDiffTimes = tier === 'key-frames' && times !== undefined && times.length === opts.diffs?.length;
  return {
    policy,
    tier,
    times: picks.map((i) => (useDiffTimes ? (times[i] as number) : real ? (real[i] as number) : i / fps)),
    indices: picks,
  };
}

/**
 * EBM-RL's judge input: the centres of n equal segments. With a frame rate the
 * centres are taken in frame space and snapped to real frames, so no pick lies
 * past the last frame and n is capped at the clip's frame count.
 */
export function uniformSampler(duration: number, n: number, fps?: number, at: 'middle' | 'start' = 'middle', frameTimes?: readonly number[]): SamplePlan {
  checkPositive('duration', duration);
  checkCount('n', n);
  const policy = policyId(at === 'start' ? { kind: 'uniform', n, at } : { kind: 'uniform', n });
  const offset = at === 'start' ? 0 : 0.5;
  if (fps === undefined) {
    const times = Array.from({ length: n }, (_, k) => ((k + offset) * duration) / n);
    return { policy, tier: 'uniform', times, indices: null };
  }
  checkPositive('fps', fps);
  // With the real frames' times (a variable-frame-rate clip), index i is the i-th real frame, shown at its own time.
  const total = frameTimes ? frameTimes.length : frameCount(duration, fps);
  const indices = subsampleUniform(
    Array.from({ length: total }, (_, i) => i),
    n,
    at,
  );
  return { policy, tier: 'uniform', times: indices.map((i) => (frameTimes ? (frameTimes[i] as number) : i / fps)), indices };
}

/** Apply a policy to a probed clip. */
export function planFrames(
  policy: SamplingPolicy,
  duration: number,
  fps: number,
  diffs?: { scores: readonly number[]; times?: readonly number[] },
  frameTimes?: readonly number[],
): SamplePlan {
  if (policy.kind === 'uniform') return uniformSampler(duration, policy.n, fps, policy.at, frameTimes);
  return adaptiveSampler(duration, fps, { cap: policy.cap, diffs: diffs?.scores, diffTimes: diffs?.times, frameTimes });
}

/** Whether a policy would use frame differences for a clip of this length. */
export function needsDiffs(policy: SamplingPolicy, duration: number): boolean {
  return policy.kind === 'adaptive' && duration > LONG_CLIP_S;
}
