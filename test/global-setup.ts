// Vitest global setup: the end-to-end tests run the built CLI (dist/), so build
// it once before any test file starts. `npm test` has just built it, so a dist/
// newer than every source file is used as is instead of paying for tsc twice.
// ROLEJUDGE_E2E_PREBUILT=1 uses dist/ as it is, without checking.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './helpers/cli.js';

function* tsFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* tsFiles(p);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) yield p;
  }
}

/** The first source file whose compiled output is missing or older than it (or the stale bundle), if any. */
export function staleSource(root = REPO_ROOT): string | null {
  const src = join(root, 'src');
  for (const file of tsFiles(src)) {
    const out = join(root, 'dist', relative(src, file).replace(/\.ts$/, '.js'));
    if (!existsSync(out) || statSync(out).mtimeMs < statSync(file).mtimeMs) return file;
  }
  // The CLI runs the bundle (scripts/bundle.mjs); one older than tsc's output would be skipped for dist/ (bin/rolejudge.js).
  const bundle = join(root, 'dist', 'bundle', 'main.js');
  const main = join(root, 'dist', 'main.js');
  if (!existsSync(bundle) || (existsSync(main) && statSync(bundle).mtimeMs < statSync(main).mtimeMs)) return bundle;
  return null;
}

export default function setup(): void {
  // Escape hatch for working on tests while someone else's half-edited source does not compile.
  if (process.env.ROLEJUDGE_E2E_PREBUILT === '1') return;
  const stale = staleSource();
  if (!stale) return;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['run', '--silent', 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`npm run build failed (needed by the end-to-end tests; ${relative(REPO_ROOT, stale)} changed):\n${r.stdout}${r.stderr}`);
  }
}
