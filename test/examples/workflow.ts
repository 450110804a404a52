// A small, literal runner for the example workflows, enough to run their
// `run:` steps as written in a temporary copy of a user's repository and to
// move artifacts the way actions/upload-artifact and download-artifact do.
// It understands only what the examples use, and throws on anything else, so
// a workflow edit it cannot follow fails loudly instead of being skipped.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { CLI, REPO_ROOT } from '../helpers/cli.js';

export interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  'continue-on-error'?: boolean;
}
export interface Job {
  needs?: string | string[];
  if?: string;
  strategy?: { 'fail-fast'?: boolean; matrix?: Record<string, unknown[]> };
  steps: Step[];
}
export interface Workflow {
  jobs: Record<string, Job>;
}

export function jobSteps(w: Workflow, job: string): Step[] {
  const j = w.jobs[job];
  if (!j) throw new Error(`workflow has no job "${job}"`);
  return j.steps;
}

export interface Workspace {
  top: string;
  /** Where uploaded artifacts are kept, one folder per artifact name. */
  artifacts: string;
  /** Files of an uploaded artifact, relative to its root, sorted. */
  artifactFiles(name: string): string[];
  read(path: string): string;
  /** A fresh runner: remove these folders of eval/ (artifacts stay). */
  reset(dirs: string[]): void;
  /** A new workflow run: no artifacts yet. */
  clearArtifacts(): void;
  remove(): void;
}

const SAMPLE = join(REPO_ROOT, 'data', 'sample');

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name), base) : [relative(base, join(dir, e.name)).split(sep).join('/')]))
    .sort();
}

/**
 * A repository with the example's eval/ at its top, the bundled sample split
 * as eval/data/test.jsonl, its recorded outputs as the two models' outputs,
 * and rolejudge linked into node_modules/.bin so `npx rolejudge` finds it.
 * The one change to the config: the offline judge instead of gpt-5-mini.
 */
export function makeWorkspace(exampleEval: string): Workspace {
  const root = mkdtempSync(join(tmpdir(), 'rolejudge-ci-'));
  const top = join(root, 'repo');
  const artifacts = join(root, 'artifacts');
  mkdirSync(artifacts, { recursive: true });
  cpSync(exampleEval, join(top, 'eval'), { recursive: true });
  const configFile = join(top, 'eval', 'rolejudge.yaml');
  const config = readFileSync(configFile, 'utf8');
  const offline = config.replace(/^judges: \[gpt-5-mini\]/m, 'judges: [offline]');
  if (offline === config) throw new Error('example config: no "judges: [gpt-5-mini]" line to swap for the offline judge');
  writeFileSync(configFile, offline);
  cpSync(SAMPLE, join(top, 'eval', 'data'), { recursive: true });
  cpSync(join(SAMPLE, 'split.jsonl'), join(top, 'eval', 'data', 'test.jsonl'));
  mkdirSync(join(top, 'eval', 'outputs'));
  cpSync(join(SAMPLE, 'outputs', 'ebm.jsonl'), join(top, 'eval', 'outputs', 'candidate.jsonl'));
  cpSync(join(SAMPLE, 'outputs', 'plain.jsonl'), join(top, 'eval', 'outputs', 'prod.jsonl'));
  writeFileSync(join(top, 'package.json'), '{ "name": "my-eval-repo", "private": true }\n');
  mkdirSync(join(top, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(CLI, join(top, 'node_modules', '.bin', 'rolejudge'));
  return {
    top,
    artifactFiles: (name) => (existsSync(join(artifacts, name)) ? listFiles(join(artifacts, name)) : []),
    read: (p) => readFileSync(join(top, p), 'utf8'),
    reset: (dirs) => {
      for (const d of dirs) rmSync(join(top, 'eval', d), { recursive: true, force: true });
    },
    clearArtifacts: () => {
      rmSync(artifacts, { recursive: true, force: true });
      mkdirSync(artifacts);
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
    artifacts,
  };
}

export interface StepResult {
  name: string;
  /** Exit code of a run step; 0 for an action step; null when skipped. */
  code: number | null;
  output: string;
  rolejudge: boolean;
}

// Runner set-up a CI machine does and this test machine already has.
const RUNNER_SETUP = [/^sudo apt-get /, /^npm ci$/];

function expand(text: string, vars: Record<string, string>): string {
  const out = text.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (m, key: string) => vars[key] ?? m);
  const left = /\$\{\{[^}]*\}\}/.exec(out);
  if (left) throw new Error(`workflow runner: no value for ${left[0]}`);
  return out;
}

// GitHub's rule: a condition without a status function means success() && it.
function shouldRun(cond: string | undefined, failed: boolean, vars: Record<string, string>): boolean {
  if (cond === undefined) return !failed;
  const c = cond.replace(/^\$\{\{\s*|\s*\}\}$/g, '').trim();
  if (c === 'always()' || c === '!cancelled()') return true;
  const cmp = /^([\w.-]+) (==|!=) '([^']*)'$/.exec(c);
  if (cmp) {
    const value = vars[cmp[1]!];
    if (value === undefined) throw new Error(`workflow runner: no value for ${cmp[1]}`);
    return !failed && (cmp[2] === '==') === (value === cmp[3]);
  }
  throw new Error(`workflow runner: unsupported condition "${cond}"`);
}

/** actions/upload-artifact: the paths' least common ancestor becomes the artifact's root. */
function upload(ws: Workspace, name: string, paths: string[], ifNone: string): { code: number; output: string } {
  const present = paths.filter((p) => existsSync(join(ws.top, p)));
  if (present.length === 0) return { code: ifNone === 'error' ? 1 : 0, output: `no files for ${name} (if-no-files-found: ${ifNone})` };
  const parts = present.map((p) => p.split('/'));
  const common: string[] = [];
  for (let i = 0; parts.every((p) => i < p.length && p[i] === parts[0]![i]); i++) common.push(parts[0]![i]!);
  const only = present.length === 1 && statSync(join(ws.top, present[0]!)).isDirectory();
  const root = only ? present[0]! : common.join('/');
  for (const p of present) cpSync(join(ws.top, p), join(ws.artifacts, name, relative(root, p)), { recursive: true });
  return { code: 0, output: `uploaded ${present.join(', ')} as ${name}` };
}

/** actions/download-artifact with a pattern: each artifact into <path>/<name>/. */
function download(ws: Workspace, pattern: string, path: string): string {
  const re = new RegExp(`^${pattern.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  const names = readdirSync(ws.artifacts).filter((n) => re.test(n));
  for (const n of names) cpSync(join(ws.artifacts, n), join(ws.top, path, n), { recursive: true });
  return `downloaded ${names.join(', ')}`;
}

/** Run one job's steps in order, as a runner would (a failed step skips the rest unless their `if` says otherwise). */
export function runJob(ws: Workspace, w: Workflow, job: string, vars: Record<string, string> = {}): StepResult[] {
  const results: StepResult[] = [];
  let failed = false;
  for (const step of jobSteps(w, job)) {
    const name = expand(step.name ?? step.run ?? step.uses ?? '?', vars);
    const skip = (output: string) => results.push({ name, code: null, output, rolejudge: false });
    if (!shouldRun(step.if, failed, vars)) {
      skip('skipped: an earlier step failed');
      continue;
    }
    if (step.uses) {
      const action = step.uses.split('@')[0];
      // Only the artifact actions' inputs matter here (the cache key names github.* values this runner has not).
      const args = (): Record<string, string> => Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, expand(String(v), vars)]));
      let output: string;
      let code = 0;
      if (action === 'actions/upload-artifact') {
        const a = args();
        ({ code, output } = upload(
          ws,
          a.name!,
          a
            .path!.split('\n')
            .map((p) => p.trim())
            .filter(Boolean),
          a['if-no-files-found'] ?? 'warn',
        ));
      } else if (action === 'actions/download-artifact') {
        const a = args();
        output = download(ws, a.pattern!, a.path!);
      } else if (['actions/checkout', 'actions/setup-node', 'actions/cache'].includes(action!)) output = 'runner set-up: not needed here';
      else throw new Error(`workflow runner: unknown action ${step.uses}`);
      results.push({ name, code, output, rolejudge: false });
      if (code !== 0 && !step['continue-on-error']) failed = true;
      continue;
    }
    const script = expand(step.run ?? '', vars);
    if (RUNNER_SETUP.some((re) => re.test(script.trim()))) {
      skip('runner set-up: not needed here');
      continue;
    }
    // The step's env without secrets: the offline judge needs no key.
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.OPENAI_API_KEY;
    for (const [k, v] of Object.entries(step.env ?? {})) if (!/secrets\./.test(v)) env[k] = expand(v, vars);
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd: ws.top, env, encoding: 'utf8', timeout: 180_000 });
    const code = r.status ?? 1;
    results.push({ name, code, output: `${r.stdout}${r.stderr}`, rolejudge: /\brolejudge\b/.test(script) });
    if (code !== 0 && !step['continue-on-error']) failed = true;
  }
  return results;
}
