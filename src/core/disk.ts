// File-system conditions the user must fix — a full disk, no permission, a
// read-only mount — end the command with the path named and exit 4 (DiskError),
// instead of an unhandled stack (exit 1, which CI reads as "regression") or a
// failure recorded per judgment. Records are append-only and a torn last line
// is cut on the next open, so a rerun after the fix completes what was missing.
import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiskError } from './errors.js';

const DISK_CODES: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
};

/** The DiskError for a file-system error of one of the codes above, else null. */
export function asDiskError(err: unknown, path: string): DiskError | null {
  if (err instanceof DiskError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (!code || !(code in DISK_CODES)) return null;
  const where = (err as NodeJS.ErrnoException).path ?? path;
  return new DiskError(where, code, `${DISK_CODES[code]} (fix it and rerun: what was recorded is kept, the rest is redone)`);
}

/** Rethrow `err` as a DiskError naming `path` when it is one; otherwise unchanged. */
export function rethrowDisk(err: unknown, path: string): never {
  throw asDiskError(err, path) ?? err;
}

/**
 * Check that `dir` can be created and written, before anything is spent: an
 * unwritable cache is one clear error, not a failure for every judgment.
 */
export function probeWritable(dir: string, what: string): void {
  const probe = join(dir, `.write-probe-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(probe, '', { flag: 'w' });
    unlinkSync(probe);
  } catch (err) {
    const disk = asDiskError(err, dir);
    if (!disk) throw err;
    throw new DiskError(disk.path, disk.code, `${what} ${dir} is not writable: ${disk.message.slice(disk.message.indexOf(': ') + 2)}`);
  }
}
