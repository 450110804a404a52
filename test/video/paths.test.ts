import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveInside } from '../../src/video/paths.js';
import { tempDir } from './helpers.js';

describe('resolveInside', () => {
  let root: string;
  let outside: string;
  beforeAll(() => {
    const base = realpathSync(tempDir());
    root = path.join(base, 'dataset');
    outside = path.join(base, 'secret.png');
    mkdirSync(path.join(root, 'frames'), { recursive: true });
    writeFileSync(path.join(root, 'frames', 'a.png'), 'a');
    writeFileSync(outside, 'secret');
    symlinkSync(outside, path.join(root, 'frames', 'link.png'));
    symlinkSync(path.join(root, 'frames', 'a.png'), path.join(root, 'inner-link.png'));
    symlinkSync(root, path.join(base, 'root-alias'));
  });

  it('resolves relative and absolute paths inside the root', async () => {
    const want = path.join(root, 'frames', 'a.png');
    expect(await resolveInside(root, 'frames/a.png')).toBe(want);
    expect(await resolveInside(root, want)).toBe(want);
    expect(await resolveInside(root, 'frames/../frames/a.png')).toBe(want);
  });

  it('follows symlinks that stay inside, and accepts a symlinked root', async () => {
    expect(await resolveInside(root, 'inner-link.png')).toBe(path.join(root, 'frames', 'a.png'));
    const alias = path.join(path.dirname(root), 'root-alias');
    expect(await resolveInside(alias, path.join(alias, 'frames', 'a.png'))).toBe(path.join(root, 'frames', 'a.png'));
  });

  it('rejects ../ escapes, naming the path', async () => {
    await expect(resolveInside(root, '../secret.png')).rejects.toThrow(/frame path "\.\.\/secret\.png" .*outside the dataset root/);
    await expect(resolveInside(root, '../missing.png')).rejects.toThrow(/"\.\.\/missing\.png" .*outside the dataset root/);
  });

  it('rejects absolute paths elsewhere', async () => {
    await expect(resolveInside(root, outside, 'clip path')).rejects.toThrow(`clip path "${outside}"`);
  });

  it('rejects symlinks pointing outside', async () => {
    await expect(resolveInside(root, 'frames/link.png')).rejects.toThrow(/"frames\/link\.png" is a symlink to .*secret\.png, outside/);
  });

  it('reports missing files and a missing root', async () => {
    await expect(resolveInside(root, 'frames/nope.png')).rejects.toThrow(/"frames\/nope\.png" does not exist/);
    await expect(resolveInside(path.join(root, 'nope'), 'a.png')).rejects.toThrow(/dataset root .* does not exist/);
  });
});
