// The GitHub Actions examples in examples/ci/ as files a user copies:
// - a real validator (@action-validator/cli, the workflow JSON schema) accepts them;
// - their shape does what the comments promise (shards upload even when one
//   fails, the merge job runs anyway, the gate runs once, on the merged run);
// - every path they upload or cache is a folder of the example config;
// - every `rolejudge` command line in them runs, in order, through the real
//   CLI in a workspace laid out like the user's repository (workflow.ts).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { jobSteps, makeWorkspace, runJob, type Workflow } from './workflow.js';

const CI = join(REPO_ROOT, 'examples', 'ci');
const VALIDATOR = join(REPO_ROOT, 'node_modules', '.bin', 'action-validator');
const read = (name: string) => parse(readFileSync(join(CI, name), 'utf8')) as Workflow;
const gate = read('gate.yml');
const shards = read('shards.yml');

// The example's eval/ folder sits at the top of the user's repository, as it
// sits in examples/ci/ here: paths in the workflows are relative to that top.
const { config } = loadConfig(join(CI, 'eval', 'rolejudge.yaml'));
const fromTop = (p: string) => relative(CI, p);
const RUNS = fromTop(config.run.outputDir);
const REPORTS = fromTop(config.run.reportsDir);

const uploads = (w: Workflow, job: string) => jobSteps(w, job).filter((s) => s.uses?.startsWith('actions/upload-artifact@'));
const paths = (step: { with?: Record<string, unknown> }) =>
  String(step.with?.path ?? '')
    .split('\n')
    .map((p) => p.trim())
    .filter(Boolean);
const rolejudgeLines = (w: Workflow) =>
  Object.keys(w.jobs).flatMap((job) =>
    jobSteps(w, job).flatMap((s) => (s.run ?? '').split('\n').filter((l) => /\brolejudge\b/.test(l) && !l.trim().startsWith('#'))),
  );

describe('examples/ci workflows', () => {
  it.each(['gate.yml', 'shards.yml'])('%s passes action-validator', (name) => {
    const r = spawnSync(VALIDATOR, [join(CI, name)], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('the validator is not a rubber stamp: a misspelt key fails', () => {
    const dir = resolve(REPO_ROOT, 'test-artifacts');
    mkdirSync(dir, { recursive: true });
    const bad = join(dir, 'bad-workflow.yml');
    writeFileSync(bad, readFileSync(join(CI, 'gate.yml'), 'utf8').replace('runs-on:', 'runs_on:'));
    const r = spawnSync(VALIDATOR, [bad], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/runs_on/);
  });

  it('uploads and caches exactly the example config’s folders', () => {
    expect([RUNS, REPORTS]).toEqual(['eval/runs', 'eval/reports']);
    const [gateUpload] = uploads(gate, 'gate');
    expect(paths(gateUpload!)).toEqual([RUNS, REPORTS]);
    const shardPaths = uploads(shards, 'shard').flatMap(paths);
    expect(shardPaths).toEqual([`${RUNS}/pr-eval-shard-\${{ matrix.shard }}`]);
    expect(uploads(shards, 'merge').flatMap(paths)).toEqual([`${RUNS}/${config.run.id}`, REPORTS]);
    for (const w of [gate, shards]) {
      const caches = Object.keys(w.jobs).flatMap((j) => jobSteps(w, j).filter((s) => s.uses?.startsWith('actions/cache@')));
      for (const c of caches) expect(c.with?.path).toBe(fromTop(config.provider.cacheDir));
    }
  });

  it('every shard uploads even when it fails, and the merge job still runs', () => {
    const job = shards.jobs.shard!;
    expect(job.strategy?.['fail-fast']).toBe(false);
    expect(job.strategy?.matrix?.shard).toEqual([1, 2, 3, 4]);
    for (const u of uploads(shards, 'shard')) expect(u.if).toBe('always()');
    const merge = shards.jobs.merge!;
    expect(merge.needs).toBe('shard');
    expect(merge.if).toMatch(/always\(\)|!cancelled\(\)/);
    for (const u of [...uploads(shards, 'merge'), ...uploads(gate, 'gate')]) expect(u.if).toBe('always()');
  });

  it('gates once, on the merged run, and never on a shard', () => {
    // No gate section, so `rolejudge run` never ends with a gate of its own.
    expect(config.gate).toBeUndefined();
    const gateLines = (w: Workflow, job: string) => jobSteps(w, job).filter((s) => /rolejudge gate\b/.test(s.run ?? ''));
    expect(gateLines(shards, 'shard')).toEqual([]);
    expect(gateLines(shards, 'merge')).toHaveLength(1);
    expect(gateLines(gate, 'gate')).toHaveLength(1);
    const steps = jobSteps(shards, 'merge').map((s) => s.run ?? '');
    const at = (re: RegExp) => steps.findIndex((r) => re.test(r));
    expect(at(/rolejudge merge/)).toBeGreaterThan(-1);
    expect(at(/rolejudge merge/)).toBeLessThan(at(/rolejudge gate/));
  });
});

// Running the workflows: the stage commands as written, the judge swapped for
// the offline reference judge (no key, no network), the bundled sample split
// as eval/data, its recorded outputs as the two models' outputs.
describe('examples/ci command lines, run by the real CLI', () => {
  const ws = makeWorkspace(join(CI, 'eval'));
  afterAll(() => ws.remove());

  it('lists the rolejudge command lines this test runs', () => {
    expect(rolejudgeLines(gate)).toHaveLength(2);
    expect(rolejudgeLines(shards)).toHaveLength(4);
  });

  it('gate.yml: run, gate, upload', () => {
    const log = runJob(ws, gate, 'gate');
    ws.reset(['runs', 'reports']);
    const rj = log.filter((s) => s.rolejudge);
    expect(rj.map((s) => s.name)).toEqual(['Evaluate (generate, score, compare, report)', 'Gate']);
    expect(rj[0]!.code, rj[0]!.output).toBe(0);
    // A real verdict (0 pass, 1 regression), not a usage error (2) or an unfit run (3).
    expect([0, 1], rj[1]!.output).toContain(rj[1]!.code);
    expect(rj[1]!.output).toMatch(/candidate/);
    expect(ws.artifactFiles('rolejudge')).toEqual(
      expect.arrayContaining(['runs/pr-eval/run.json', 'reports/pr-eval/report.json', 'reports/pr-eval/table.tex', 'reports/gate.xml']),
    );
  });

  // Runs the four shards (shard `broken` with the candidate's outputs missing,
  // so its run fails), then the merge job on what they uploaded.
  function runShards(broken?: number) {
    const shardLogs = [1, 2, 3, 4].map((shard) => {
      const outputs = join(ws.top, 'eval', 'outputs', 'candidate.jsonl');
      const aside = `${outputs}.aside`;
      if (shard === broken) renameSync(outputs, aside);
      try {
        return runJob(ws, shards, 'shard', { 'matrix.shard': String(shard) });
      } finally {
        if (shard === broken) renameSync(aside, outputs);
      }
    });
    const result = shardLogs.every((log) => log.every((s) => s.code === null || s.code === 0)) ? 'success' : 'failure';
    ws.reset(['runs', 'reports']);
    const merge = runJob(ws, shards, 'merge', { 'needs.shard.result': result });
    return { shardLogs, result, merge: Object.fromEntries(merge.map((s) => [s.name, s])) };
  }

  it('shards.yml: four shards upload, the merge job merges, reports and gates once', () => {
    const { shardLogs, result, merge } = runShards();
    shardLogs.forEach((log, i) => {
      const step = log.find((s) => s.rolejudge)!;
      expect(step.code, step.output).toBe(0);
      expect(step.output).not.toMatch(/== gate ==/);
      expect(ws.artifactFiles(`shard-${i + 1}`)).toContain('run.json');
    });
    expect(result).toBe('success');
    for (const name of ['Merge the shards', 'Report on the merged run']) {
      expect(merge[name]?.code, `${name}: ${merge[name]?.output}`).toBe(0);
    }
    expect(merge['Merge the shards']!.output).toMatch(/merged 4 runs/);
    expect(merge['Refuse to gate a partial split']!.code).toBeNull();
    const g = merge['Gate once, on the merged run']!;
    expect([0, 1], g.output).toContain(g.code);
    expect(ws.artifactFiles('rolejudge-merged')).toEqual(expect.arrayContaining(['runs/pr-eval/run.json', 'reports/pr-eval/report.json', 'reports/gate.xml']));
    // The merged run covers the whole split: as many responses as the unsharded run.
    const merged = JSON.parse(ws.read('eval/reports/pr-eval/report.json')) as { counts: { responses: number } };
    expect(merged.counts.responses).toBe(24);
  });

  it('shards.yml: a failing shard still uploads, the merge job still runs, and the partial split is not gated', () => {
    ws.clearArtifacts();
    const { shardLogs, result, merge } = runShards(3);
    const broken = shardLogs[2]!;
    expect(broken.find((s) => s.rolejudge)!.code).not.toBe(0);
    // Its upload step ran after the failure (if: always()).
    expect(broken.find((s) => s.name === "Upload this shard's run")!.code).not.toBeNull();
    expect(result).toBe('failure');
    expect(merge['Merge the shards']!.code).not.toBeNull();
    expect(merge['Refuse to gate a partial split']!.code).toBe(1);
    expect(merge['Gate once, on the merged run']!.code).toBeNull();
    expect(merge['Upload the merged run and reports']!.code).toBe(0);
  });
});
