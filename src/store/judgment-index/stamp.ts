// What saves hashing a multi-gigabyte log on every report: once a log's whole
// index chain is known to match it (hashed by a report, or written by the
// score stage over a log whose index matched when it opened it), the log's
// identity is recorded — device, inode, size and change time (ctime, which the
// kernel sets on every write, rename or touch and no program can set back) —
// with the segment names. While all of these are unchanged the segments are
// used without hashing; any change (an append, a rewrite, a copy, a hand edit,
// even one that keeps the size or resets mtime) makes the report hash again.
// As for git's index, a log changed in the very clock tick its stamp was
// written is "racily clean": not trusted, hashed again.
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../jsonl.js';
import { indexDirOf } from './segment.js';

interface Stamp {
  dev: string;
  ino: string;
  size: string;
  ctimeNs: string;
  /** The segments (start-end) that chain over the whole log. */
  chain: string[];
}

const STAMP = 'stamp.json';
export const stampPath = (log: string) => join(indexDirOf(log), STAMP);

/** The log's identity now, or null when it is gone. */
export function logIdentity(log: string): Omit<Stamp, 'chain'> | null {
  if (!existsSync(log)) return null;
  const s = statSync(log, { bigint: true });
  return { dev: String(s.dev), ino: String(s.ino), size: String(s.size), ctimeNs: String(s.ctimeNs) };
}

const names = (chain: ReadonlyArray<readonly [number, number, string]>) => chain.map(([s, e]) => `${s}-${e}`);

/** Records that `chain` covers the log as it was when `id` was taken (null id: nothing recorded). */
export function writeStamp(log: string, id: Omit<Stamp, 'chain'> | null, chain: ReadonlyArray<readonly [number, number, string]>): void {
  if (!id || (chain.at(-1)?.[1] ?? 0) !== Number(id.size)) return;
  const now = logIdentity(log);
  // Changed while it was being checked: nothing is recorded.
  if (!now || JSON.stringify(now) !== JSON.stringify(id)) return;
  writeFileAtomic(stampPath(log), JSON.stringify({ ...id, chain: names(chain) } satisfies Stamp));
}

/** Whether the stamp says `chain` matches the log, unchanged since it was checked. */
export function stampHolds(log: string, chain: ReadonlyArray<readonly [number, number, string]>): boolean {
  try {
    const p = stampPath(log);
    if (!existsSync(p)) return false;
    const st = JSON.parse(readFileSync(p, 'utf8')) as Stamp;
    const now = logIdentity(log);
    // Racily clean (git's term): the log last changed in the clock tick the stamp was written, so a same-size
    // change just after the stamp's reading would carry the same ctime. Hashed then; the next stamp is safe.
    if (BigInt(st.ctimeNs) >= statSync(p, { bigint: true }).mtimeNs) return false;
    return (
      now !== null &&
      st.dev === now.dev &&
      st.ino === now.ino &&
      st.size === now.size &&
      st.ctimeNs === now.ctimeNs &&
      JSON.stringify(st.chain) === JSON.stringify(names(chain))
    );
  } catch {
    return false;
  }
}

export function dropStamp(log: string): void {
  rmSync(stampPath(log), { force: true });
}
