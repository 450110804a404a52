// Samples whose media are missing. A clip or frame file that is not there is
// found in the one validating pass, before anything is spent; such samples are
// dropped from every stage alike (generate, score, compare), listed with their
// reason in runs/<id>/drops.jsonl and counted in the report — instead of one
// stage stopping at the first missing clip after writing part of the run.
// Media that exist but cannot be decoded (decodable.ts) are dropped the same way.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sample } from '../core/records.js';
import { writeFileAtomic } from '../store/jsonl.js';

export type MediaDropReason = 'missing-media' | 'undecodable-media';
const MEDIA_REASONS: readonly MediaDropReason[] = ['missing-media', 'undecodable-media'];
const isMediaDropLine = (l: string) => MEDIA_REASONS.some((r) => l.includes(`"reason":"${r}"`));

export interface MediaDrop {
  type: 'drop';
  sampleId: string;
  reason: MediaDropReason;
  field: string;
  file: string;
  /** Why an existing file cannot be used (the probe's or decoder's message). */
  message?: string;
  /** The split line of the sample, when known (preflight names it in errors). */
  line?: number;
}

/** The first missing local media file of a sample, or null. */
export function missingMedia(s: Sample): MediaDrop | null {
  const v = s.video;
  if (!v) return null;
  const wanted: Array<[string, string]> = [];
  if (v.path) wanted.push(['video.path', v.path]);
  v.frames?.forEach((f, i) => wanted.push([`video.frames[${i}]`, f]));
  for (const [field, file] of wanted) if (!existsSync(file)) return { type: 'drop', sampleId: s.id, reason: 'missing-media', field, file };
  return null;
}

export const DROPS_FILE = 'drops.jsonl';

/**
 * Writes this run's media drops into drops.jsonl, replacing the media drops of
 * an earlier pass (a rerun after a clip was restored or repaired lists only
 * what is still missing or undecodable) and keeping other drops (the six-metric judge's convention).
 */
export function recordMediaDrops(runDir: string, drops: MediaDrop[]): void {
  const file = join(runDir, DROPS_FILE);
  const kept = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim() && !isMediaDropLine(l))
    : [];
  if (!drops.length && !kept.length) return;
  writeFileAtomic(file, [...kept, ...drops.map((d) => JSON.stringify(d))].map((l) => `${l}\n`).join(''));
}

/** Media drops (missing or undecodable) recorded in a run directory: what the report counts as counts.mediaDrops. */
export function countMediaDrops(runDir: string): number {
  const file = join(runDir, DROPS_FILE);
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8').split('\n').filter(isMediaDropLine).length;
}
