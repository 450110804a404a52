// The offline pipeline end to end through the built CLI, as a user runs it:
// `rolejudge demo`, `rolejudge init` and `rolejudge --help` in a fresh folder.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, describeRun, runCli } from '../helpers/cli.js';

const REPORT_FILES = ['leaderboard.csv', 'pairwise.csv', 'report.html', 'report.json', 'report.md', 'table.tex'];

const dirs: string[] = [];
const tempCwd = () => {
  const d = mkdtempSync(join(tmpdir(), 'rolejudge-cli-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// The CLI runs from dist/, which test/global-setup.ts builds when stale.

describe('rolejudge demo', () => {
  it('runs the whole pipeline offline, twice, writing the six report files', async () => {
    const cwd = tempCwd();
    const first = await runCli(['demo'], { cwd, timeoutMs: 120_000 });
    expect(first.code, describeRun(first)).toBe(0);
    // Says plainly that the judge is the offline proxy, not an LLM.
    expect(first.stdout).toMatch(/OFFLINE REFERENCE JUDGE/);
    expect(first.stdout).toMatch(/not an LLM/);
    // The terminal tables.
    expect(first.stdout).toMatch(/^Scores /m);
    expect(first.stdout).toMatch(/^Pairwise /m);
    expect(first.stdout).toMatch(/^plain-vlm\s/m);
    expect(first.stdout).toMatch(/^ebm-rl\s/m);
    expect(first.stdout).toMatch(/ebm-rl vs plain-vlm\s+VEG/);

    const reports = join(cwd, 'reports', 'demo');
    expect(readdirSync(reports).sort()).toEqual(REPORT_FILES);
    const json = JSON.parse(readFileSync(join(reports, 'report.json'), 'utf8')) as { runId: string; models: string[]; judges: string[] };
    expect(json.runId).toBe('demo');
    expect(json.models).toEqual(['plain-vlm', 'ebm-rl']);
    expect(json.judges).toEqual(['offline']);
    expect(existsSync(join(cwd, 'runs', 'demo', 'run.json'))).toBe(true);

    const md = readFileSync(join(reports, 'report.md'));
    const second = await runCli(['demo'], { cwd, timeoutMs: 120_000 });
    expect(second.code, describeRun(second)).toBe(0);
    expect(readdirSync(reports).sort()).toEqual(REPORT_FILES);
    // Same inputs, deterministic judge: the same report.
    expect(readFileSync(join(reports, 'report.md')).equals(md)).toBe(true);

    // The report stage on worker threads (what large runs use) writes the very same files.
    const files = new Map(REPORT_FILES.map((f) => [f, readFileSync(join(reports, f))]));
    const threaded = await runCli(['demo'], { cwd, timeoutMs: 120_000, env: { ROLEJUDGE_REPORT_THREADS: '2' } });
    expect(threaded.code, describeRun(threaded)).toBe(0);
    for (const [f, bytes] of files) expect(readFileSync(join(reports, f)).equals(bytes), f).toBe(true);
  });
});

describe('rolejudge init', () => {
  it('writes rolejudge.yaml, and a second init refuses without touching it', async () => {
    const cwd = tempCwd();
    const first = await runCli(['init'], { cwd });
    expect(first.code, describeRun(first)).toBe(0);
    const file = join(cwd, 'rolejudge.yaml');
    const written = readFileSync(file, 'utf8');
    expect(written).toBe(readFileSync(join(REPO_ROOT, 'templates', 'init.yaml'), 'utf8'));

    // Simulate a user's edits: the refusal must not overwrite them.
    writeFileSync(file, written + '# my edits\n');
    const second = await runCli(['init'], { cwd });
    expect(second.code, describeRun(second)).toBe(2); // usage error, per the CLI's exit codes
    expect(second.stderr).toMatch(/already exists/);
    expect(readFileSync(file, 'utf8')).toBe(written + '# my edits\n');
  });
});

describe('rolejudge --help', () => {
  it('lists the pipeline commands', async () => {
    const r = await runCli(['--help']);
    expect(r.code, describeRun(r)).toBe(0);
    for (const cmd of ['generate', 'score', 'compare', 'report', 'gate', 'run', 'demo']) {
      expect(r.stdout).toMatch(new RegExp(`rolejudge ${cmd}\\b`));
    }
  });
});
