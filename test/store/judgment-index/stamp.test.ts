// A log's stamp lets a report skip hashing it only while the log is exactly
// as it was when its index was checked: same file, size and change time.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { collect } from '../../../src/stages/report/collect-run.js';
import { chainOf, indexDirOf } from '../../../src/store/judgment-index/segment.js';
import { stampHolds } from '../../../src/store/judgment-index/stamp.js';
import { RunStore } from '../../../src/store/run.js';
import { writeIndexedRun } from '../../stages/report/indexed-fixture.js';

const root = mkdtempSync(join(tmpdir(), 'rolejudge-stamp-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const holds = (log: string) => stampHolds(log, chainOf(indexDirOf(log), statSync(log).size));

describe('index stamp', () => {
  it('holds after a report checked the log, and no longer once the log is touched, appended to or replaced', async () => {
    const dir = join(root, 'run');
    const [log] = await writeIndexedRun(dir, 200);
    // Past the clock tick of the last write: a stamp taken in it would not be trusted (racily clean).
    await sleep(30);
    await collect(new RunStore(dir));
    expect(holds(log!)).toBe(true);
    // mtime set back to what it was: ctime still moves.
    const { atime, mtime } = statSync(log!);
    await sleep(30);
    utimesSync(log!, atime, mtime);
    expect(holds(log!)).toBe(false);
    await sleep(30);
    await collect(new RunStore(dir));
    expect(holds(log!)).toBe(true);
    // The same bytes written anew (a copy over it): another change time.
    await sleep(30);
    writeFileSync(log!, readFileSync(log!));
    expect(holds(log!)).toBe(false);
    await sleep(30);
    await collect(new RunStore(dir));
    appendFileSync(log!, '\n');
    expect(holds(log!)).toBe(false);
  });
});
