import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheKey, readCache, writeCache } from '../../src/video/cache.js';
import { tempDir } from './helpers.js';

describe('frame cache', () => {
  it('writes, reads back, and survives two concurrent writers of one key', async () => {
    const base = tempDir();
    const dir = path.join(base, 'k');
    const frames = [
      { t: 0, bytes: Buffer.from('one') },
      { t: 5, bytes: Buffer.from('two') },
    ];
    const [a, b] = await Promise.all([writeCache(dir, 'p', frames, 'jpg'), writeCache(dir, 'p', frames, 'jpg')]);
    expect(a!.map((f) => f.file)).toEqual(b!.map((f) => f.file));
    expect(readdirSync(base)).toEqual(['k']); // no temp dirs left behind
    const back = await readCache(dir, 'p');
    expect(back?.map((f) => [f.t, f.bytes.toString()])).toEqual([
      [0, 'one'],
      [5, 'two'],
    ]);
    expect(await readCache(dir, 'other-policy')).toBeNull();
    expect(await readCache(path.join(base, 'missing'), 'p')).toBeNull();
  });

  it('keys on policy, path, size and mtime', async () => {
    const f = path.join(tempDir(), 'clip.mp4');
    writeFileSync(f, 'abc');
    const k = await cacheKey([f], 'uniform:8');
    expect(k).toMatch(/^[0-9a-f]{32}$/);
    expect(await cacheKey([f], 'uniform:8')).toBe(k);
    expect(await cacheKey([f], 'uniform:4')).not.toBe(k);
    writeFileSync(f, 'abcd');
    expect(await cacheKey([f], 'uniform:8')).not.toBe(k);
  });
});
