// runs/<id>/until-decided.json: what --until-decided judging decided, one
// section per stage. Written by src/run (compare and score), read by the
// report (to state the early stop) and through it by the gate (to use the
// anytime-valid figures on a stopped run).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UntilDecidedSection } from '../core/report.js';
import { writeFileAtomic } from '../store/jsonl.js';

export const UNTIL_DECIDED_FILE = 'until-decided.json';

export function readUntilDecided(runDir: string): UntilDecidedSection | null {
  const file = join(runDir, UNTIL_DECIDED_FILE);
  if (!existsSync(file)) return null;
  const x = JSON.parse(readFileSync(file, 'utf8')) as UntilDecidedSection;
  return x && typeof x === 'object' ? x : null;
}

/** Replace one stage's section, keeping the other's (run writes score then compare). */
export function writeUntilDecided<K extends keyof UntilDecidedSection>(runDir: string, stage: K, section: UntilDecidedSection[K]): void {
  const all = readUntilDecided(runDir) ?? {};
  all[stage] = section;
  writeFileAtomic(join(runDir, UNTIL_DECIDED_FILE), `${JSON.stringify(all, null, 2)}\n`);
}
