// Side logs a killed stage left (redone records not yet merged) are merged by
// the commands that only read a run, under the run's lock; a run a live
// process is writing is left alone, with a warning.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { indexDirOf } from '../../src/store/judgment-index/segment.js';
import { LOCK_FILE } from '../../src/store/lock.js';
import { pendingRedos, settleRedos } from '../../src/store/settle.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const judgment = (sampleId: string, score: number | null) => ({
  type: 'judgment',
  sampleId,
  model: 'm',
  metric: 'cn',
  judge: 'j',
  round: 1,
  score,
  ...(score === null ? { failure: { kind: 'error', message: 'down' } } : {}),
});
const lines = (recs: object[]) => recs.map((r) => `${JSON.stringify(r)}\n`).join('');
const read = (f: string) =>
  readFileSync(f, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

function killedRun(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rj-settle-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'judgments'));
  mkdirSync(indexDirOf(join(dir, 'judgments', 'j.jsonl')), { recursive: true });
  writeFileSync(join(dir, 'judgments', 'j.jsonl'), lines([judgment('s1', null), judgment('s2', null), judgment('s3', 7)]));
  writeFileSync(join(dir, 'judgments', 'j.jsonl.redo'), lines([judgment('s2', 9)]));
  return dir;
}

describe('settleRedos', () => {
  it('merges a side log a killed stage left: the redone record replaces the failure, once', async () => {
    const dir = killedRun();
    expect(pendingRedos(dir).judgments).toEqual([join(dir, 'judgments', 'j.jsonl')]);
    expect(await settleRedos(dir, () => {})).toBe(1);
    expect(read(join(dir, 'judgments', 'j.jsonl')).map((j) => [j.sampleId, j.score])).toEqual([
      ['s1', null],
      ['s2', 9],
      ['s3', 7],
    ]);
    expect(existsSync(join(dir, 'judgments', 'j.jsonl.redo'))).toBe(false);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    // Rewritten in place, the log no longer matches its index: dropped, for the report to rebuild.
    expect(existsSync(indexDirOf(join(dir, 'judgments', 'j.jsonl')))).toBe(false);
    expect(await settleRedos(dir, () => {})).toBe(0);
  });

  it('leaves a run another live process holds as it is, and says so', async () => {
    const dir = killedRun();
    // The parent of this test process is alive and is not us.
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, host: hostname(), startedAt: '2026-01-02T03:04:05.000Z' }));
    const warned: string[] = [];
    expect(await settleRedos(dir, (m) => warned.push(m))).toBe(0);
    expect(warned.join('')).toMatch(/being written by another process: 1 log\(s\) have redone records not merged yet/);
    expect(existsSync(join(dir, 'judgments', 'j.jsonl.redo'))).toBe(true);
    expect(read(join(dir, 'judgments', 'j.jsonl'))[1].score).toBeNull();
  });
});
