// A clip cut in time into one segment per core, each decoded by its own
// single-threaded ffmpeg. ffmpeg's frame threads spend much of their time
// coordinating on small frames (a 320×240 clip decoded 1.4× faster with one
// thread than with two), while separate processes on separate stretches of
// the clip share nothing — so this is what uses every core at any resolution.
// Each segment starts a margin early (history for filters that look back) and
// reads a margin past its end; `-copyts -start_at_zero` keeps the timestamps
// of a whole-clip pass, so a filter's `t` is the same in every segment.
import { availableParallelism } from 'node:os';

/** Below this many seconds a segment is not worth a process of its own. */
const MIN_SEGMENT_S = 20;
/** How early a segment starts and how far past its end it reads: many frames at any real frame rate. */
export const MARGIN_S = 2;
const MAX_SEGMENTS = 8;

export interface SegmentOptions {
  /** Segments to run side by side; default one per core (at most 8). */
  segments?: number;
  /** Shortest segment worth its own process, seconds (tests lower it). */
  minSegmentSeconds?: number;
}

/** Segment k is [bounds[k], bounds[k+1]); null when the clip is too short (or the machine too small) to cut. */
export function segmentBounds(duration: number, opts: SegmentOptions = {}): number[] | null {
  if (!Number.isFinite(duration) || duration <= 0) return null;
  const wanted = opts.segments ?? Math.min(availableParallelism(), MAX_SEGMENTS);
  const n = Math.min(wanted, Math.floor(duration / (opts.minSegmentSeconds ?? MIN_SEGMENT_S)));
  if (!(n >= 2)) return null;
  return Array.from({ length: n + 1 }, (_, k) => (k === n ? duration : (duration * k) / n));
}

/** ffmpeg input options (before -i) decoding segment k of `bounds` and its margins, in one thread. */
export function segmentInput(bounds: readonly number[], k: number): string[] {
  const from = k === 0 ? 0 : Math.max(0, bounds[k]! - MARGIN_S);
  const last = k === bounds.length - 2;
  return [
    '-threads',
    '1',
    ...(k === 0 ? [] : ['-ss', from.toFixed(6)]),
    ...(last ? [] : ['-t', (bounds[k + 1]! + MARGIN_S - from).toFixed(6)]),
    '-copyts',
    '-start_at_zero',
  ];
}
