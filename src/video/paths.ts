// Dataset files are sent to remote APIs, so a dataset must not be able to point
// at files outside its own folder (a "frame" of ../../home/me/.ssh/id_rsa).
import { realpath } from 'node:fs/promises';
import path from 'node:path';

function within(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/**
 * Resolve `p` (relative to `root`, or absolute) to its real path and require it
 * to lie inside the real dataset root, following symlinks. `what` names the
 * kind of path in error messages ("frame path", "clip path").
 */
export async function resolveInside(root: string, p: string, what = 'frame path'): Promise<string> {
  const absRoot = path.resolve(root);
  const abs = path.resolve(absRoot, p);
  let realRoot: string;
  try {
    realRoot = await realpath(absRoot);
  } catch {
    throw new Error(`dataset root ${absRoot} does not exist`);
  }
  const lexicallyInside = within(absRoot, abs) || within(realRoot, abs);
  let real: string;
  try {
    real = await realpath(abs);
  } catch {
    if (!lexicallyInside) throw new Error(`${what} "${p}" resolves to ${abs}, outside the dataset root ${realRoot}`);
    throw new Error(`${what} "${p}" does not exist (${abs})`);
  }
  if (!within(realRoot, real)) {
    const why = lexicallyInside ? `is a symlink to ${real}` : `resolves to ${real}`;
    throw new Error(`${what} "${p}" ${why}, outside the dataset root ${realRoot}`);
  }
  return real;
}
