// One writer per run directory: a live holder is named and refused, a dead
// holder's lock is taken over, and the lock goes when the session ends.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/core/errors.js';
import { LOCK_FILE, lockRunDir, pidAlive, RunLockedError } from '../../src/store/lock.js';
import { runAll } from '../../src/run/run.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { configFor, liveModel, makeWorkspace, type Workspace } from '../e2e/workspace.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const fresh = () => (dir = mkdtempSync(join(tmpdir(), 'rolejudge-lock-')));

/** A pid that surely belonged to a process and is now gone. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  expect(pidAlive(r.pid!)).toBe(false);
  return r.pid!;
}

describe('lockRunDir', () => {
  it('writes pid, host and start time, and release removes it', () => {
    fresh();
    const lock = lockRunDir(dir);
    const info = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    expect(info.pid).toBe(process.pid);
    expect(info.host).toBe(hostname());
    expect(Number.isNaN(Date.parse(info.startedAt))).toBe(false);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('refuses while another live process holds it, naming pid, host and since when (exit 2)', () => {
    fresh();
    // The parent of this test process is alive and is not us.
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, host: hostname(), startedAt: '2026-01-02T03:04:05.000Z' }));
    let err: unknown;
    try {
      lockRunDir(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RunLockedError);
    expect((err as Error).message).toContain(`process ${process.ppid} on ${hostname()} since 2026-01-02T03:04:05.000Z`);
    expect(exitCodeFor(err)).toBe(2);
    // The holder's lock is left alone.
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.ppid);
  });

  it('refuses a lock held on another host (its pid cannot be checked from here)', () => {
    fresh();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), host: 'some-other-host', startedAt: 'x' }));
    expect(() => lockRunDir(dir)).toThrow(/on some-other-host/);
  });

  it('takes over a lock left by a killed process on this host', () => {
    fresh();
    const pid = deadPid();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, host: hostname(), startedAt: 'then' }));
    const lock = lockRunDir(dir);
    expect(lock.tookOver?.pid).toBe(pid);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over an empty lock file (killed between create and write)', () => {
    fresh();
    writeFileSync(join(dir, LOCK_FILE), '');
    lockRunDir(dir).release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});

describe('a run on a locked directory', () => {
  let server: FakeServer;
  let ws: Workspace;
  beforeAll(async () => {
    server = await startFakeServer();
    ws = makeWorkspace('lock');
  });
  afterAll(async () => {
    await server.close();
    ws.remove();
  });

  it('is refused before any request or record, and a finished run leaves no lock', async () => {
    fresh();
    const cfg = configFor(ws, { runId: 'locked', models: [liveModel('cand', 'plain', server.url, { video: 'none' })] });
    const file = ws.config('locked', cfg);
    const run = ws.runDir('locked');
    rmSync(run, { recursive: true, force: true });
    mkdirSync(run, { recursive: true });
    writeFileSync(join(run, LOCK_FILE), JSON.stringify({ pid: process.ppid, host: hostname(), startedAt: 'earlier' }));
    await expect(runAll({ config: file, quiet: true })).rejects.toThrow(RunLockedError);
    expect(server.requests.length).toBe(0);
    expect(existsSync(join(run, 'run.json'))).toBe(false);

    rmSync(join(run, LOCK_FILE));
    expect(await runAll({ config: file, quiet: true })).toBe(0);
    expect(server.requests.length).toBeGreaterThan(0);
    expect(existsSync(join(run, 'run.json'))).toBe(true);
    expect(existsSync(join(run, LOCK_FILE))).toBe(false);
  });
});
