// Each bench records the targets it measured when BENCH_TARGETS names a file
// (bench/all.mjs sets it), so `npm run bench` can end with one table of every
// issue-16 target: the figure, the in-run reference it is a ratio to, met or not.
import { appendFileSync } from 'node:fs';

/**
 * @typedef {{ target: string, figure: string, ratio?: number | null, met: boolean | null }} TargetRow
 * `figure` is what was measured, as printed (e.g. "924 ms ÷ 436 ms parse pass"); `met` null when not measured.
 */

/** @param {string} bench @param {TargetRow[]} rows */
export function recordTargets(bench, rows) {
  const file = process.env.BENCH_TARGETS;
  if (!file || rows.length === 0) return;
  appendFileSync(file, `${rows.map((r) => JSON.stringify({ bench, ...r })).join('\n')}\n`);
}
