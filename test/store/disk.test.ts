// A full disk or an unwritable directory ends the command with the path named
// and exit 4 — no stack, no failure recorded per judgment — and once fixed a
// rerun completes with the figures of an undisturbed run. /dev/full gives a
// real ENOSPC on every write; /sys refuses mkdir (EPERM) even to root.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DiskError, exitCodeFor } from '../../src/core/errors.js';
import { JsonlWriter, writeFileAtomic } from '../../src/store/jsonl.js';
import { DiskCache } from '../../src/provider/cache.js';
import { runAll } from '../../src/run/run.js';
import { writeSampleConfig } from '../stages/gate/offline-run.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { configFor, liveModel, makeWorkspace } from '../e2e/workspace.js';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'rolejudge-disk-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const full = (name: string) => {
  const p = join(dir, name);
  symlinkSync('/dev/full', p);
  return p;
};

async function rejection(p: Promise<unknown>): Promise<DiskError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DiskError);
    return err as DiskError;
  }
  throw new Error('expected a DiskError');
}

describe('writers on a full disk', () => {
  it('JsonlWriter: close rejects with ENOSPC naming the file, later appends throw, nothing uncaught', async () => {
    const file = full('log.jsonl');
    const w = new JsonlWriter(file);
    w.append({ a: 1 });
    const err = await rejection(w.close());
    expect(err.code).toBe('ENOSPC');
    expect(err.message).toContain(file);
    expect(exitCodeFor(err)).toBe(4);
    expect(() => w.append({ a: 2 })).toThrow(DiskError);
  });

  it('writeFileAtomic: ENOSPC names the path and leaves no temporary file', () => {
    const d = join(dir, 'atomic');
    mkdirSync(d);
    // The temp name is a link to /dev/full: the write fails, the rename never happens.
    symlinkSync('/dev/full', join(d, `x.json.tmp-${process.pid}`));
    expect(() => writeFileAtomic(join(d, 'x.json'), 'data')).toThrow(DiskError);
    expect(existsSync(join(d, `x.json.tmp-${process.pid}`))).toBe(false);
    expect(existsSync(join(d, 'x.json'))).toBe(false);
  });

  it('the response cache: open on an unwritable directory is a DiskError naming it', async () => {
    const err = await rejection(DiskCache.open('/sys/rolejudge-cache-test'));
    expect(err.message).toContain('/sys/rolejudge-cache-test');
  });
});

describe('a run on a full disk', () => {
  let base: string;
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('stops with exit 4 naming the judgments log; rerun after the fix reports what an undisturbed run reports', async () => {
    base = mkdtempSync(join(tmpdir(), 'rolejudge-disk-run-'));
    const clean = writeSampleConfig(join(base, 'clean'), {}, 'sample');
    expect(await runAll({ config: clean, quiet: true })).toBe(0);

    // The judgments folder is a place nobody may create files in (EACCES even
    // for root): generate succeeds, score cannot record. (/dev/full cannot
    // stand in here: the stage first reads the log, and /dev/full reads forever.)
    const faultyCfg = writeSampleConfig(join(base, 'faulty'), {}, 'sample');
    const run = join(base, 'faulty', 'runs', 'sample');
    mkdirSync(run, { recursive: true });
    // sysfs: a kernel folder, not data — the one place root is refused (EACCES).
    symlinkSync(join('/', 'sys', 'kernel'), join(run, 'judgments'));
    const err = await rejection(runAll({ config: faultyCfg, quiet: true }));
    expect(err.code).toBe('EACCES');
    expect(err.message).toContain(join(run, 'judgments', 'offline.jsonl'));
    expect(exitCodeFor(err)).toBe(4);
    expect(existsSync(join(run, '.lock'))).toBe(false);

    rmSync(join(run, 'judgments')); // "the permission was fixed"
    expect(await runAll({ config: faultyCfg, quiet: true })).toBe(0);
    const csv = (which: string, f: string) => readFileSync(join(base, which, 'reports', 'sample', f), 'utf8');
    expect(csv('faulty', 'leaderboard.csv')).toBe(csv('clean', 'leaderboard.csv'));
    expect(csv('faulty', 'pairwise.csv')).toBe(csv('clean', 'pairwise.csv'));
  });
});

describe('an unwritable cache directory', () => {
  let server: FakeServer;
  beforeAll(async () => (server = await startFakeServer()));
  afterAll(() => server.close());

  it('is one DiskError before the first call and before the run directory is made', async () => {
    const ws = makeWorkspace('disk-cache');
    try {
      const cfg = configFor(ws, {
        runId: 'ro-cache',
        models: [liveModel('cand', 'plain', server.url, { video: 'none' })],
        provider: { cacheDir: '/sys/rolejudge-cache-test' },
      });
      const err = await rejection(runAll({ config: ws.config('ro', cfg), quiet: true }));
      expect(err.message).toContain('response cache directory /sys/rolejudge-cache-test is not writable');
      expect(exitCodeFor(err)).toBe(4);
      expect(server.requests.length).toBe(0);
      expect(existsSync(ws.runDir('ro-cache'))).toBe(false);
    } finally {
      ws.remove();
    }
  });
});
