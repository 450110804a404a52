// The CLI runs from dist/bundle/ (scripts/bundle.mjs), and must behave exactly
// as tsc's modules in dist/ do: the same help, usage errors and exit codes, in
// a non-English locale too (yargs finds its translations next to its own file,
// which the bundle has to keep pointing at). And a bundle older than tsc's
// output is not run (bin/rolejudge.js falls back to dist/).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT } from '../helpers/cli.js';

const UNBUNDLED = join(REPO_ROOT, 'dist', 'main.js');

function run(entry: string, args: string[], lang: string, cwd = REPO_ROOT) {
  const env = { ...process.env, NO_COLOR: '1', COLUMNS: '100', LANG: lang, LC_ALL: lang };
  const r = spawnSync(process.execPath, [entry, ...args], { cwd, env, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const cases = [['--help'], [], ['score', '--help'], ['report', '--help'], ['score', '--bogus'], ['score', '--bogus', '--other'], ['nosuch'], ['--version']];

describe('the bundled CLI', () => {
  it.each(['en_US.UTF-8', 'de_DE.UTF-8'])('answers as the unbundled modules do (%s)', (lang) => {
    for (const args of cases) expect(run(CLI, args, lang), args.join(' ')).toEqual(run(UNBUNDLED, args, lang));
    // The locale really is in play: the German help is not the English one.
    expect(run(CLI, ['--help'], 'de_DE.UTF-8').stdout).toContain('Optionen:');
  });

  const dir = mkdtempSync(join(tmpdir(), 'rolejudge-bundle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is not run once tsc has written dist/ after it: the modules in dist/ are', () => {
    // A copy whose bundle says who it is, to tell which one ran.
    for (const d of ['bin', 'dist']) cpSync(join(REPO_ROOT, d), join(dir, d), { recursive: true });
    cpSync(join(REPO_ROOT, 'package.json'), join(dir, 'package.json'));
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
    writeFileSync(join(dir, 'dist', 'bundle', 'main.js'), "process.stdout.write('bundle\\n');\n");
    const bin = join(dir, 'bin', 'rolejudge.js');
    const main = join(dir, 'dist', 'main.js');
    const bundle = join(dir, 'dist', 'bundle', 'main.js');
    utimesSync(main, new Date(1_000_000), new Date(1_000_000));
    expect(run(bin, ['--version'], 'C').stdout).toBe('bundle\n');
    utimesSync(bundle, new Date(500_000), new Date(500_000));
    expect(run(bin, ['--version'], 'C').stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
