// A killed `score`/`compare` may leave redone records in side logs
// (redo-log.ts) that the next writing stage merges when it starts. Commands
// that only read a run — report, gate, diff, agreement, calibrate, merge —
// would otherwise count those records' old failures, so they merge what a
// killed stage left first, under the run's lock. A run a live stage is writing
// is left as it is, with a warning: its side logs are that stage's to merge.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Comparison, Judgment } from '../core/records.js';
import { lockRunDir, RunLockedError } from './lock.js';
import { mergeRedo, redoFileOf } from './redo-log.js';
import { comparisonKey, judgmentKey } from './run.js';
import { dropIndex } from './judgment-index/segment.js';

const SIDE = redoFileOf('.jsonl');

/** The logs of `dir` with a side log left beside them. */
export function pendingRedos(dir: string): { judgments: string[]; comparisons: string[] } {
  const logs = (sub: string) => {
    const d = join(dir, sub);
    if (!existsSync(d)) return [];
    return readdirSync(d)
      .filter((f) => f.endsWith(SIDE))
      .sort()
      .map((f) => join(d, f.slice(0, f.length - '.redo'.length)));
  };
  return { judgments: logs('judgments'), comparisons: logs('comparisons') };
}

/** Merges every side log a killed stage left in `dir`; returns how many logs were merged. */
export async function settleRedos(dir: string, warn: (msg: string) => void = (m) => process.stderr.write(`warning: ${m}\n`)): Promise<number> {
  const pending = pendingRedos(dir);
  const n = pending.judgments.length + pending.comparisons.length;
  if (n === 0) return 0;
  let lock: ReturnType<typeof lockRunDir>;
  try {
    lock = lockRunDir(dir);
  } catch (err) {
    // Held by a live stage, or a directory this process may not write (a CI artifact): read as it stands, and say so.
    const why = err instanceof RunLockedError ? 'is being written by another process' : `cannot be locked (${(err as Error).message})`;
    warn(`${dir} ${why}: ${n} log(s) have redone records not merged yet, so this reads them as they stood before the redo`);
    return 0;
  }
  try {
    for (const log of pending.judgments) await mergeJudgmentRedo(log);
    for (const log of pending.comparisons) await mergeRedo<Comparison>(log, comparisonKey);
  } finally {
    lock.release();
  }
  return n;
}

/** Merge a judgment log's side log (see redo-log.ts); called at a stage's close, when one starts, and by settleRedos. */
export async function mergeJudgmentRedo(file: string): Promise<void> {
  // Records replaced in place: the index no longer matches (it would not verify either); the next report rebuilds it.
  if (await mergeRedo<Judgment>(file, judgmentKey)) dropIndex(file);
}
