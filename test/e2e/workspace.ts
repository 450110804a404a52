// Temp workspaces for end-to-end runs: every directory a run writes (runs,
// reports, response cache, frame cache) lives under one temp folder, and
// configs are written there with absolute paths.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/cli.js';

export const SAMPLE_DIR = join(REPO_ROOT, 'data', 'sample');
export const SAMPLE_SPLIT = join(SAMPLE_DIR, 'split.jsonl');
export const SAMPLE_OUTPUTS = { plain: join(SAMPLE_DIR, 'outputs', 'plain.jsonl'), ebm: join(SAMPLE_DIR, 'outputs', 'ebm.jsonl') };

export interface Workspace {
  dir: string;
  runs: string;
  reports: string;
  cache: string;
  frames: string;
  runDir(id: string): string;
  /** Writes `config` as JSON under the workspace and returns its path. */
  config(name: string, config: Record<string, unknown>): string;
  remove(): void;
}

export function makeWorkspace(tag: string): Workspace {
  const dir = mkdtempSync(join(tmpdir(), `rolejudge-e2e-${tag}-`));
  return {
    dir,
    runs: join(dir, 'runs'),
    reports: join(dir, 'reports'),
    cache: join(dir, 'cache'),
    frames: join(dir, 'frames'),
    runDir: (id) => join(dir, 'runs', id),
    config(name, config) {
      const file = join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify(config, null, 2));
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A model served by the fake server. */
export function liveModel(name: string, kind: 'plain' | 'ebm', baseUrl: string, extra: Record<string, unknown> = {}) {
  return { name, kind, baseUrl, model: `${name}-v1`, video: 'frames', ...extra };
}

/** A model whose outputs were recorded beforehand (the bundled sample outputs). */
export function recordedModel(name: string, kind: 'plain' | 'ebm') {
  return { name, kind, outputs: SAMPLE_OUTPUTS[kind] };
}

export interface ConfigParts {
  runId: string;
  models: unknown[];
  judgeUrl?: string;
  judges?: string[];
  rubrics?: string[];
  provider?: Record<string, unknown>;
  [k: string]: unknown;
}

/** A config over the bundled sample split with every output path in the workspace. */
export function configFor(ws: Workspace, parts: ConfigParts): Record<string, unknown> {
  const { runId, models, judgeUrl, judges, rubrics, provider, ...rest } = parts;
  return {
    run: { id: runId, outputDir: ws.runs, reportsDir: ws.reports },
    dataset: { path: SAMPLE_SPLIT, format: 'rolejudge' },
    models,
    ...(judges ? { judges } : {}),
    ...(rubrics ? { rubrics } : {}),
    ...(judgeUrl ? { judgeOverrides: { baseUrl: judgeUrl } } : {}),
    framesCacheDir: ws.frames,
    // Short backoff keeps a flaky moment from stretching a test; the fake server rarely needs it.
    provider: { cacheDir: ws.cache, timeoutMs: 15_000, maxRetries: 2, ...provider },
    ...rest,
  };
}

/** Every line of a JSONL file, parsed; a line that does not parse fails the test. */
export function readJsonl<T = any>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as T;
      } catch {
        throw new Error(`${file}:${i + 1} is not a JSON record: ${l.slice(0, 120)}`);
      }
    });
}

/** Complete (newline-terminated) lines in a file: what a reader can already see. */
export function completeLines(file: string): number {
  if (!existsSync(file)) return 0;
  const text = readFileSync(file, 'utf8');
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Poll until `check` holds; fail with `what` after timeoutMs. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000, everyMs = 20): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Every file under `dir`, recursively (absolute paths). */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out.sort();
}

/** Path → size and mtime of every file under dir: equal snapshots mean nothing was written. */
export function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(filesUnder(dir).map((f) => [f, `${statSync(f).size}:${statSync(f).mtimeMs}`]));
}

export function keyCounts(keys: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

/** Sample ids of the bundled split, in file order. */
export function sampleIds(): string[] {
  return readFileSync(SAMPLE_SPLIT, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { id: string }).id);
}

/** Frame files of a sample in the bundled split. */
export function sampleFrames(id: string): string[] {
  const line = readFileSync(SAMPLE_SPLIT, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { id: string; video?: { frames?: string[] } })
    .find((r) => r.id === id);
  return (line?.video?.frames ?? []).map((f) => join(SAMPLE_DIR, f));
}

/** Character name of each sample of the bundled split. */
export function sampleCharacters(): Map<string, string> {
  return new Map(
    readFileSync(SAMPLE_SPLIT, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id: string; character: { name: string } })
      .map((r) => [r.id, r.character.name]),
  );
}
