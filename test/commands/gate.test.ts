// End to end: the built CLI on the sample split judged offline.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, runStages, writeSampleConfig } from '../stages/gate/offline-run.js';

describe('rolejudge gate (CLI)', () => {
  let dir: string;
  let config: string;

  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'rolejudge-gate-'));
    config = writeSampleConfig(dir);
    runStages(config);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes ebm-rl against plain-vlm (exit 0) and writes JUnit XML', () => {
    const junit = join(dir, 'out', 'gate.xml');
    const r = runCli(['gate', '-c', config, '--candidate', 'ebm-rl', '--baseline', 'plain-vlm', '--junit', junit]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/PASS: no regression/);
    // The sample split has sessions: the figure is over decisive sessions, at Holm's first step over three rows.
    expect(r.stdout).toMatch(
      /decisive session clusters this test detects a decisive win rate of ≥ \d+\.\d% \(α 0\.0167 = 0\.05\/3, Holm's first step, power 80%\)/,
    );
    expect(r.stdout).toMatch(
      /a true drop of ≥ \d+\.\d\d fails this check \(margin 0; cluster-robust t, 10 session clusters, se \d+\.\d\d, 9 df, 98\.3% interval, power 80%\)/,
    );
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuite [^>]*failures="0"/);
    // fitness (3) + per metric one mean and one pairwise check (3 × 2)
    expect(xml.match(/<testcase /g)).toHaveLength(9);
    // The gate judges from the report it computes in memory: it writes no report file.
    expect(existsSync(join(dir, 'reports', 'sample'))).toBe(false);
  });

  it('exits 1 on a planted regression: plain-vlm as the candidate', () => {
    const planted = writeSampleConfig(dir, { gate: { candidate: 'plain-vlm', baseline: 'ebm-rl', junit: 'planted.xml' } }, 'sample', 'planted.yaml');
    const r = runCli(['gate', '-c', planted]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/FAIL: regression/);
    expect(r.stdout).toMatch(/loses significantly/);
    // The config's junit path resolves against the config's folder.
    expect(readFileSync(join(dir, 'planted.xml'), 'utf8')).toMatch(/<failure /);
  });

  it('exits 2 for an unknown model or a missing gate setting', () => {
    const unknown = runCli(['gate', '-c', config, '--candidate', 'nope', '--baseline', 'plain-vlm']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown candidate model "nope"/);
    const none = runCli(['gate', '-c', config]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/no "gate" section/);
    const badAlpha = runCli(['gate', '-c', config, '--candidate', 'ebm-rl', '--baseline', 'plain-vlm', '--alpha', '2']);
    expect(badAlpha.status).toBe(2);
  });

  it('exits 3 when there is no run to judge', () => {
    const r = runCli(['gate', '-c', config, '--candidate', 'ebm-rl', '--baseline', 'plain-vlm', '--run-dir', join(dir, 'runs', 'missing')]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/nothing to judge/);
  });
});
