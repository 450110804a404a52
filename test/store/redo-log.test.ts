// The side log of redone records: durable per append, merged into the main log
// one record per key, and the merge gives the same log however often it runs
// (a merge killed after its rename and before removing the side log is redone).
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeRedo, RedoLog, redoFileOf } from '../../src/store/redo-log.js';

interface Rec {
  k: string;
  v: number;
}
let dir: string;
let log: string;
const keyOf = (r: Rec) => r.k;
const lines = (f: string) => readFileSync(f, 'utf8');
const write = (f: string, recs: Rec[]) => writeFileSync(f, recs.map((r) => JSON.stringify(r) + '\n').join(''));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rj-redo-'));
  log = join(dir, 'judge.jsonl');
  write(log, [
    { k: 'a', v: 0 },
    { k: 'b', v: 0 },
    { k: 'c', v: 0 },
  ]);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('RedoLog and mergeRedo', () => {
  it('each append is on disk before it returns; a torn line left by a kill is cut first', () => {
    appendFileSync(redoFileOf(log), '{"k":"x","v"');
    const r = new RedoLog<Rec>(log);
    r.append({ k: 'b', v: 1 });
    expect(lines(redoFileOf(log))).toBe('{"k":"b","v":1}\n');
  });

  it('replaces by key (last side record wins), appends unknown keys, removes the side log', async () => {
    write(redoFileOf(log), [
      { k: 'b', v: 1 },
      { k: 'd', v: 1 },
      { k: 'b', v: 2 },
    ]);
    expect(await mergeRedo<Rec>(log, keyOf)).toBe(true);
    expect(lines(log)).toBe(['{"k":"a","v":0}', '{"k":"b","v":2}', '{"k":"c","v":0}', '{"k":"d","v":1}', ''].join('\n'));
    expect(existsSync(redoFileOf(log))).toBe(false);
    expect(await mergeRedo<Rec>(log, keyOf)).toBe(false);
  });

  it('a merge redone after a kill between its rename and removing the side log gives the same log', async () => {
    write(redoFileOf(log), [
      { k: 'c', v: 3 },
      { k: 'e', v: 3 },
    ]);
    const side = join(dir, 'side-copy');
    copyFileSync(redoFileOf(log), side);
    await mergeRedo<Rec>(log, keyOf);
    const once = lines(log);
    // The state a kill right before the side log's removal leaves: merged log, side log still there.
    copyFileSync(side, redoFileOf(log));
    await mergeRedo<Rec>(log, keyOf);
    expect(lines(log)).toBe(once);
    expect(once.split('\n').filter(Boolean)).toHaveLength(4);
  });
});
