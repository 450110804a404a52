// Redone records (--retry-failed, a missing response that exists now) take the
// place of a record already in a log, so they cannot simply be appended (the
// log keeps one record per key). Held in memory until the stage ends, a kill
// lost every one of them, and a rerun paid for them again. So each is appended,
// at once and synchronously, to a side log next to the main one
// (`<log>.redo`, not a `.jsonl`: no reader of the run takes it for a log), and
// the side log is merged into the main log when the stage closes — and, if a
// killed run left one, when the next stage that writes the log starts.
//
// A side record is the whole replacing record (spend already inherited from
// the record it replaces), so merging is a plain replace by key: merging the
// same side log twice gives the same log. That makes the merge crash-safe:
// the main log is rewritten atomically (temp file, rename) and only then is
// the side log removed; killed in between, the next merge redoes it to the
// same result.
import { appendFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { rethrowDisk } from '../core/disk.js';
import { readJsonl, repairTail, rewriteJsonl } from './jsonl.js';

export const redoFileOf = (log: string) => `${log}.redo`;

/** Appends records to a file, one line each, each durable before append returns. */
export class DurableLines<T> {
  private opened = false;

  constructor(readonly path: string) {}

  append(record: T): void {
    try {
      if (!this.opened) {
        mkdirSync(dirname(this.path), { recursive: true });
        // A line torn by a kill is cut, so this record starts on a line of its own.
        repairTail(this.path);
        this.opened = true;
      }
      // One write per record: they are few, and each was paid for (its reply is not replayed).
      appendFileSync(this.path, JSON.stringify(record) + '\n');
    } catch (err) {
      rethrowDisk(err, this.path);
    }
  }
}

/** Appends replacing records to a log's side log, each durable before append returns. */
export class RedoLog<T> extends DurableLines<T> {
  constructor(log: string) {
    super(redoFileOf(log));
  }
}

/**
 * Merge a log's side log into it, one record per key (the side log's last
 * record of a key wins; one whose key the log lacks is appended), then remove
 * the side log. Returns whether the log was rewritten. Idempotent.
 */
export async function mergeRedo<T>(log: string, keyOf: (r: T) => string): Promise<boolean> {
  const side = redoFileOf(log);
  if (!existsSync(side)) return false;
  const next = new Map<string, T>();
  // A torn last line (killed mid-append) does not parse and is skipped: that record was not finished.
  for await (const r of readJsonl<T>(side)) next.set(keyOf(r), r);
  if (next.size === 0) {
    rmSync(side, { force: true });
    return false;
  }
  const placed = new Set<string>();
  if (existsSync(log)) {
    await rewriteJsonl<T>(log, (r) => {
      const k = keyOf(r);
      const n = next.get(k);
      if (!n) return r;
      placed.add(k);
      return n;
    });
  }
  const rest = [...next].filter(([k]) => !placed.has(k)).map(([, r]) => JSON.stringify(r) + '\n');
  try {
    if (rest.length) {
      mkdirSync(dirname(log), { recursive: true });
      repairTail(log);
      appendFileSync(log, rest.join(''));
    }
    rmSync(side, { force: true });
  } catch (err) {
    rethrowDisk(err, log);
  }
  return true;
}
