// Shared by the gate, merge and agreement tests: the bundled sample split,
// judged offline, in a temp directory, through the built CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const SAMPLE = join(ROOT, 'data', 'sample');
const CLI = join(ROOT, 'bin', 'rolejudge.js');

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * Build dist/ when a source file is newer than it. Test files run in
 * parallel workers, so a lock directory keeps two tsc runs from writing the
 * same files at once; the loser waits and then finds dist/ fresh.
 */
export function ensureBuilt(): void {
  const cli = join(ROOT, 'dist', 'main.js');
  const fresh = () => existsSync(cli) && statSync(cli).mtimeMs >= newestMtime(join(ROOT, 'src'));
  if (fresh()) return;
  const lock = join(ROOT, 'dist', '.test-build-lock');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`build lock ${lock} held for 2 minutes; remove it if no build is running`);
      spawnSync('sleep', ['0.5']);
    }
  }
  try {
    if (fresh()) return;
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}${r.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], cwd = ROOT): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Run a CLI command and fail loudly (with its output) unless it exits 0. */
export function runOk(args: string[]): CliResult {
  const r = runCli(args);
  if (r.status !== 0) throw new Error(`rolejudge ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/**
 * Write a config for the sample split into `dir`. Output and cache paths are
 * relative (resolved against `dir`), data paths absolute, so configs written
 * into different folders have the same text and therefore the same hash.
 */
export function writeSampleConfig(dir: string, extra: Record<string, unknown> = {}, runId = 'sample', name = 'rolejudge.yaml'): string {
  mkdirSync(dir, { recursive: true });
  const config = {
    run: { id: runId, outputDir: 'runs', reportsDir: 'reports' },
    dataset: { path: join(SAMPLE, 'split.jsonl'), format: 'rolejudge' },
    models: [
      { name: 'plain-vlm', kind: 'plain', outputs: join(SAMPLE, 'outputs', 'plain.jsonl') },
      { name: 'ebm-rl', kind: 'ebm', outputs: join(SAMPLE, 'outputs', 'ebm.jsonl') },
    ],
    judges: ['offline'],
    rubrics: ['veg', 'spc', 'cn'],
    compare: { candidates: ['ebm-rl'], baselines: ['plain-vlm'], combine: 'ebm' },
    framesCacheDir: 'cache/frames',
    provider: { cacheDir: 'cache' },
    ...extra,
  };
  const file = join(dir, name);
  writeFileSync(file, YAML.stringify(config));
  return file;
}

/** generate → score → compare for one config (extra args: --shard, --run-id…). */
export function runStages(config: string, extra: string[] = []): void {
  for (const stage of ['generate', 'score', 'compare']) runOk([stage, '-c', config, '-q', ...extra]);
}
