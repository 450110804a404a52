// The package as a user gets it: `npm pack` of a clean copy of the checkout
// (prepack builds dist/), installed into a fresh project that has nothing of
// rolejudge's repository, then `npx rolejudge demo` from that project. Slow (npm twice, tsc twice), so
// it lives under test/package/, which a quick unit run leaves out.
//
// The install tries the npm cache only (--offline) first; the repository's
// `npm ci` has cached every dependency tarball, but npm keeps no package
// metadata for lockfile installs, so a fresh project may need to ask the
// registry for it (--prefer-offline). Which one was used is printed.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

const REPORT_FILES = ['leaderboard.csv', 'pairwise.csv', 'report.html', 'report.json', 'report.md', 'table.tex'];
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

const root = mkdtempSync(join(tmpdir(), 'rolejudge-pack-'));
const source = join(root, 'source');
const packDir = join(root, 'pack');
// Build output, local runs and caches: what a fresh clone does not have.
const LEFT_OUT = new Set(['.git', 'node_modules', 'dist', 'runs', 'reports', 'test-artifacts', '.rolejudge-cache']);
const project = join(root, 'project');

function sh(cmd: string, args: string[], cwd: string, timeout = 240_000): SpawnSyncReturns<string> {
  // No API key may reach the installed CLI; NO_COLOR keeps output plain.
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false' };
  delete env.OPENAI_API_KEY;
  return spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout });
}

const shown = (r: SpawnSyncReturns<string>) => `exit ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

let tarball = '';
let packFiles: string[] = [];

beforeAll(() => {
  mkdirSync(packDir);
  // Pack a copy of the checkout without dist/: prepack must build it from the
  // sources, and the checkout's own dist/, which other test files run from,
  // is never rewritten under them.
  cpSync(REPO_ROOT, source, {
    recursive: true,
    filter: (from) => !LEFT_OUT.has(relative(REPO_ROOT, from).split(sep)[0]!),
  });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(source, 'node_modules'));
  const pack = sh(NPM, ['pack', '--json', '--pack-destination', packDir], source);
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${shown(pack)}`);
  // --json prints the manifest after the lifecycle scripts' output; take the array at the end.
  const json = pack.stdout.slice(pack.stdout.lastIndexOf('\n[') + 1);
  const info = JSON.parse(json) as { filename: string; files: { path: string }[] }[];
  tarball = join(packDir, info[0]!.filename);
  packFiles = info[0]!.files.map((f) => f.path);

  mkdirSync(project);
  const init = sh(NPM, ['init', '-y'], project);
  if (init.status !== 0) throw new Error(`npm init failed:\n${shown(init)}`);
  const common = ['install', '--no-audit', '--no-fund', '--save-dev', tarball];
  let install = sh(NPM, [...common, '--offline'], project);
  if (install.status === 0) {
    console.log('pack test: installed with --offline');
  } else {
    console.log(
      `pack test: --offline install failed (${/ENOTCACHED/.test(install.stderr) ? 'package metadata not in the npm cache' : `exit ${install.status}`}); retrying with --prefer-offline`,
    );
    install = sh(NPM, [...common, '--prefer-offline'], project);
  }
  if (install.status !== 0) throw new Error(`npm install of the tarball failed:\n${shown(install)}`);
}, 600_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('npm pack → npm install → npx rolejudge', () => {
  it('ships the built CLI and the data it reads at run time, and no sources or tests', () => {
    for (const f of [
      'bin/rolejudge.js',
      'dist/main.js',
      'dist/bundle/main.js',
      'dist/commands/demo.js',
      'package.json',
      'templates/report.html.hbs',
      'templates/init.yaml',
      'prompts/roleplay.system.hbs',
      'judges/offline.yaml',
      'rubrics/veg.yaml',
      'data/sample/split.jsonl',
    ]) {
      expect(packFiles, f).toContain(f);
    }
    expect(packFiles.some((f) => f.startsWith('examples/ci/'))).toBe(true);
    expect(packFiles.filter((f) => /^(src|test|bench)\//.test(f))).toEqual([]);
  });

  it('installs as a devDependency with the bin linked', () => {
    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
    expect(pkg.devDependencies?.rolejudge).toMatch(/^file:/);
    expect(existsSync(join(project, 'node_modules', '.bin', 'rolejudge'))).toBe(true);
    // The installed copy is the tarball's, not a link back to this repository.
    expect(existsSync(join(project, 'node_modules', 'rolejudge', 'dist', 'main.js'))).toBe(true);
    expect(existsSync(join(project, 'node_modules', 'rolejudge', 'src'))).toBe(false);
  });

  it('runs `npx rolejudge demo` in the fresh project and writes the reports under that project', () => {
    // Nothing of the package is in the project folder: rubrics, judges, prompts,
    // templates and the sample split must all come from node_modules/rolejudge.
    expect(readdirSync(project).sort()).toEqual(['node_modules', 'package-lock.json', 'package.json']);
    const demo = sh(NPX, ['--no-install', 'rolejudge', 'demo'], project, 180_000);
    expect(demo.status, shown(demo)).toBe(0);
    expect(demo.stdout).toMatch(/OFFLINE REFERENCE JUDGE/);
    const reports = join(project, 'reports', 'demo');
    expect(readdirSync(reports).sort()).toEqual(REPORT_FILES);
    expect(existsSync(join(project, 'runs', 'demo', 'run.json'))).toBe(true);
    const report = JSON.parse(readFileSync(join(reports, 'report.json'), 'utf8')) as { rolejudgeVersion: string; models: string[] };
    const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(report.rolejudgeVersion).toBe(version);
    expect(report.models).toEqual(['plain-vlm', 'ebm-rl']);
  });

  it('answers --version from the installed copy', () => {
    const v = sh(NPX, ['--no-install', 'rolejudge', '--version'], project);
    expect(v.status, shown(v)).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
