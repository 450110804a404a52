// The merge's temporary sibling folder (<out>.merge-tmp-<pid>) must not
// outlive the merge. An interrupt (SIGINT/SIGTERM) removes it on the way out;
// a SIGKILL cannot be caught, so every merge first sweeps the folders left by
// merges whose process is gone.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pidAlive } from '../../store/lock.js';

export const tempFor = (out: string, pid = process.pid) => `${out}.merge-tmp-${pid}`;

/** Remove `<out>.merge-tmp-<pid>` folders whose merge process no longer runs; returns what went. */
export function sweepStaleTemps(out: string): string[] {
  const parent = dirname(out);
  if (!existsSync(parent)) return [];
  const prefix = `${basename(out)}.merge-tmp-`;
  const gone: string[] = [];
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (pid === process.pid || !Number.isInteger(pid) || pidAlive(pid)) continue;
    rmSync(join(parent, name), { recursive: true, force: true });
    gone.push(join(parent, name));
  }
  return gone;
}

/** Remove `tmp` if the process is interrupted while it exists; call the result when done. */
export function guardTemp(tmp: string): () => void {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const handlers = signals.map((sig) => {
    const h = () => {
      rmSync(tmp, { recursive: true, force: true });
      unguard();
      // Die of the signal as we would have without this handler.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, h);
    return [sig, h] as const;
  });
  function unguard(): void {
    for (const [sig, h] of handlers) process.removeListener(sig, h);
  }
  return unguard;
}
