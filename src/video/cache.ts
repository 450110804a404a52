// On-disk frame cache: one directory per (clip, policy) holding the encoded
// images and an index. Directories appear by rename, so a reader never sees a
// half-written one and concurrent writers of the same key cannot corrupt it.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface CachedFrame {
  t: number | null;
  bytes: Buffer;
  file: string;
}

interface Index {
  policy: string;
  frames: { t: number | null; name: string }[];
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Cache key for source files under a policy: absolute path, size and mtime of
 * every source, so editing or replacing a clip invalidates its frames.
 */
export async function cacheKey(sources: readonly string[], policy: string): Promise<string> {
  const parts: unknown[] = [policy];
  for (const s of sources) {
    const st = await stat(s);
    parts.push([path.resolve(s), st.size, st.mtimeMs]);
  }
  return sha256(JSON.stringify(parts)).slice(0, 32);
}

/** The cached frames in `dir`, or null when it is missing or incomplete. */
export async function readCache(dir: string, policy: string): Promise<CachedFrame[] | null> {
  let index: Index;
  try {
    index = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8')) as Index;
  } catch {
    return null;
  }
  if (index.policy !== policy || !Array.isArray(index.frames)) return null;
  const out: CachedFrame[] = [];
  for (const f of index.frames) {
    const file = path.join(dir, f.name);
    try {
      out.push({ t: f.t, bytes: await readFile(file), file });
    } catch {
      return null;
    }
  }
  return out;
}

export async function writeCache(dir: string, policy: string, frames: readonly { t: number | null; bytes: Buffer }[], ext: string): Promise<CachedFrame[]> {
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(tmp, { recursive: true });
  const index: Index = { policy, frames: [] };
  try {
    for (const [i, f] of frames.entries()) {
      const name = `${String(i).padStart(4, '0')}.${ext}`;
      await writeFile(path.join(tmp, name), f.bytes);
      index.frames.push({ t: f.t, name });
    }
    await writeFile(path.join(tmp, 'index.json'), JSON.stringify(index, null, 1));
    try {
      await rename(tmp, dir);
    } catch {
      // Someone else's copy is already there. Keep it if complete, else replace it.
      if ((await readCache(dir, policy)) === null) {
        await rm(dir, { recursive: true, force: true });
        await rename(tmp, dir);
      }
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return frames.map((f, i) => ({ t: f.t, bytes: f.bytes, file: path.join(dir, index.frames[i]!.name) }));
}
