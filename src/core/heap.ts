// While judge calls are in flight, V8's old generation is held to a smaller
// growth factor. Each call allocates ~150 KB (prompt, body, reply, record)
// that outlives two scavenges and is promoted, and under that allocation rate
// V8 lets the old space grow to ~4× what is live before it marks: at 50,000
// calls most of a run's 260 MB peak was garbage waiting to be collected. At
// 1.5× the peak was 160 MB for ~10 % more CPU per call (bench/RESULTS.md).
// Held from the first call, not before: reading the split and the responses
// under V8's own factor reached the first request ~17 ms sooner (32,000
// samples). The factor goes back to V8's own when the calls are done: a report that
// follows in the same process folds millions of records with a large live
// set, where a low factor would mark far too often.
//
// ROLEJUDGE_HEAP_GROWING_PERCENT sets the percentage (0: V8's own choice).
import { setFlagsFromString } from 'node:v8';

export const DEFAULT_GROWING_PERCENT = 50;

let holders = 0;

/** The growth percentage to use: the environment's, or the default; an unusable value is reported once and ignored. */
export function growingPercent(env: NodeJS.ProcessEnv = process.env, warn: (msg: string) => void = () => {}): number {
  const raw = env.ROLEJUDGE_HEAP_GROWING_PERCENT;
  if (raw === undefined || raw.trim() === '') return DEFAULT_GROWING_PERCENT;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= 0 && n <= 1000) return n;
  warn(`ROLEJUDGE_HEAP_GROWING_PERCENT=${raw} is not a whole number from 0 to 1000; using ${DEFAULT_GROWING_PERCENT}`);
  return DEFAULT_GROWING_PERCENT;
}

/**
 * Holds the lean growth factor until the returned function is called
 * (nested holders share it; the last release restores V8's own).
 */
export function holdLeanHeap(percent: number): () => void {
  if (percent <= 0) return () => {};
  if (holders++ === 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders === 0) setFlagsFromString('--heap-growing-percent=0');
  };
}

/** Whether a lean factor is held now (tests). */
export const leanHeapHeld = (): boolean => holders > 0;
