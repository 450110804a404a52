// One writer per run directory. Two processes appending to one run (two CI
// jobs, a double Enter) each skip only what the other had flushed when they
// started, so both pay the judge and the logs get duplicate keys. The lock is
// a file made with O_EXCL (atomic on local file systems); it records who holds
// it so the refusal can say so, and a lock whose process is gone (killed on
// this host) is taken over instead of blocking the run forever.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { rethrowDisk } from '../core/disk.js';

export const LOCK_FILE = '.lock';

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
}

/** Another live process holds the run directory: refused before anything is spent (exit 2). */
export class RunLockedError extends InputError {
  override name = 'RunLockedError';
  constructor(
    readonly dir: string,
    readonly holder: LockInfo,
  ) {
    super(
      `run directory ${dir} is in use by process ${holder.pid} on ${holder.host} since ${holder.startedAt}; ` +
        `wait for it to finish, or if that process is gone, delete ${join(dir, LOCK_FILE)}`,
    );
  }
}

/** Whether `pid` names a live process on this host (EPERM: alive, owned by someone else). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    if (typeof info.pid === 'number' && typeof info.host === 'string') return { pid: info.pid, host: info.host, startedAt: String(info.startedAt ?? '?') };
    return null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // A lock torn by a kill between create and write holds no owner: stale.
    return { pid: -1, host: hostname(), startedAt: '?' };
  }
}

// Locks this process holds, by directory, with how many sessions opened each:
// in-process tests (and runAll) open one directory more than once.
const held = new Map<string, { path: string; count: number }>();
let hooked = false;

function releaseAllSync(): void {
  for (const [dir, h] of held) {
    held.delete(dir);
    removeIfOurs(h.path);
  }
}

function removeIfOurs(path: string): void {
  const info = readLock(path);
  if (info && info.pid === process.pid && info.host === hostname()) {
    try {
      unlinkSync(path);
    } catch {
      /* already gone */
    }
  }
}

// Exit and signals release the lock; a signal is then re-raised so the
// process still ends the way it would have (130/143), unless someone else
// handles that signal too.
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', releaseAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      releaseAllSync();
      if (process.listenerCount(sig) === 1) {
        process.removeListener(sig, onSignal);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, onSignal);
  }
}

export interface RunLock {
  readonly path: string;
  /** What was taken over from a dead process, if anything (for a warning). */
  readonly tookOver: LockInfo | null;
  release(): void;
}

/** Take the run directory's lock, or throw RunLockedError naming the holder. */
export function lockRunDir(dir: string): RunLock {
  const path = join(dir, LOCK_FILE);
  const mine = held.get(dir);
  if (mine) {
    mine.count++;
    return handle(dir, path, null);
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    rethrowDisk(err, dir);
  }
  let tookOver: LockInfo | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      const info: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
      try {
        writeSync(fd, JSON.stringify(info) + '\n');
      } finally {
        closeSync(fd);
      }
      held.set(dir, { path, count: 1 });
      hookExit();
      return handle(dir, path, tookOver);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') rethrowDisk(err, path);
    }
    const holder = readLock(path);
    if (!holder) continue; // released between our open and read: try again
    // A pid is only meaningful on its own host; on another host we cannot tell, so we refuse.
    // Our own pid without an entry in `held` is a lock this process forgot (an in-process test that threw).
    const stale = holder.host === hostname() && (holder.pid === process.pid || !pidAlive(holder.pid));
    if (!stale) throw new RunLockedError(dir, holder);
    tookOver = holder;
    try {
      unlinkSync(path);
    } catch {
      /* another process took it over first; the next open decides */
    }
  }
  const holder = readLock(path);
  throw new RunLockedError(dir, holder ?? { pid: -1, host: '?', startedAt: '?' });
}

function handle(dir: string, path: string, tookOver: LockInfo | null): RunLock {
  let released = false;
  return {
    path,
    tookOver,
    release() {
      if (released) return;
      released = true;
      const h = held.get(dir);
      if (!h) return;
      if (--h.count > 0) return;
      held.delete(dir);
      removeIfOurs(path);
    },
  };
}
