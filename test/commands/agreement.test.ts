// End to end: human scores against the offline-judged sample run.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kendallTauB, pearson, spearman } from '../../src/stats/index.js';
import type { Judgment } from '../../src/core/records.js';
import { ensureBuilt, runCli, runStages, writeSampleConfig } from '../stages/gate/offline-run.js';

const SAMPLES = ['s01', 's02', 's03', 's04', 's05', 's06', 's07', 's08'];
const MODELS = ['plain-vlm', 'ebm-rl'];

/** Judge score per (sample, model) straight from the log: rounds averaged per judge, then judges. */
function judgeScores(dir: string, metric: string): Map<string, number> {
  const byUnit = new Map<string, Map<string, number[]>>();
  for (const line of readFileSync(join(dir, 'runs', 'sample', 'judgments', 'offline.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)) {
    const j = JSON.parse(line) as Judgment;
    if (j.metric !== metric || j.score === null) continue;
    const u = `${j.sampleId}|${j.model}`;
    const judges = byUnit.get(u) ?? new Map<string, number[]>();
    byUnit.set(u, judges);
    judges.set(j.judge, [...(judges.get(j.judge) ?? []), j.score]);
  }
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return new Map([...byUnit].map(([u, judges]) => [u, avg([...judges.values()].map(avg))]));
}

describe('rolejudge agreement (CLI)', () => {
  let dir: string;
  let config: string;
  // Human scores that are not a function of the judge's: a fixed pattern.
  const human = (i: number, m: number) => ((i * 7 + m * 3) % 5) + 1;

  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'rolejudge-agree-'));
    config = writeSampleConfig(dir);
    runStages(config);
    const rows = ['sample_id,model,metric,score,comment'];
    SAMPLES.forEach((s, i) => MODELS.forEach((m, k) => rows.push(`${s},${m},${k ? 'VEG' : 'veg'},${human(i, k)},"rater says ""ok"", fine"`)));
    SAMPLES.forEach((s, i) => rows.push(`${s},ebm-rl,spc,${human(i, 2)},`));
    writeFileSync(join(dir, 'human.csv'), rows.join('\r\n') + '\r\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('computes the correlations the stats functions give on the same pairs', () => {
    const r = runCli(['agreement', '-c', config, '--human', join(dir, 'human.csv')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Kendall/);
    const out = JSON.parse(readFileSync(join(dir, 'reports', 'sample', 'agreement.json'), 'utf8'));
    for (const [metric, models, mIdx] of [
      ['veg', MODELS, null],
      ['spc', ['ebm-rl'], 2],
    ] as const) {
      const judge = judgeScores(dir, metric);
      const xs: number[] = [];
      const ys: number[] = [];
      // Units in sorted key order, like the command, so the floating-point sums match exactly.
      const units = SAMPLES.flatMap((s, i) => models.map((m) => ({ key: `${s}\u0000${m}`, u: `${s}|${m}`, h: human(i, mIdx ?? MODELS.indexOf(m)) }))).sort(
        (a, b) => (a.key < b.key ? -1 : 1),
      );
      for (const { u, h } of units) {
        const y = judge.get(u);
        if (y === undefined) continue;
        xs.push(h);
        ys.push(y);
      }
      expect(xs.length).toBeGreaterThan(3);
      for (const judgeName of [null, 'offline']) {
        const row = out.rows.find((x: { metric: string; judge: string | null }) => x.metric === metric && x.judge === judgeName);
        expect(row, `${metric}/${judgeName}`).toEqual({
          metric,
          judge: judgeName,
          n: xs.length,
          pearson: pearson(xs, ys),
          spearman: spearman(xs, ys),
          kendallTauB: kendallTauB(xs, ys),
        });
      }
    }
    const csv = readFileSync(join(dir, 'reports', 'sample', 'agreement.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(csv[0]).toBe('metric,scope,judge,n,pearson,spearman,kendall_tau_b');
    expect(csv).toHaveLength(5);
    expect(csv[1]).toMatch(/^veg,ensemble,,\d+,/);
  });

  it('exits 2 on a malformed CSV, naming file, line and field', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'sample_id,model,metric,score\ns01,ebm-rl,veg,4\ns02,ebm-rl,veg,four\n');
    const r = runCli(['agreement', '-c', config, '--human', bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${bad}:3: field "score": expected a number, got "four"`);
    const none = join(dir, 'none.csv');
    writeFileSync(none, 'sample_id,model,metric,score\nzzz,ebm-rl,veg,4\n');
    const n = runCli(['agreement', '-c', config, '--human', none]);
    expect(n.status).toBe(2);
    expect(n.stderr).toMatch(/no human score .* matches a judge score/);
  });

  it('refuses a score off the rubric scale, an unknown metric or model: every line listed, exit 2, nothing written', () => {
    const out = join(dir, 'reports', 'sample');
    for (const f of ['agreement.csv', 'agreement.json']) rmSync(join(out, f), { force: true });
    const bad = join(dir, 'typos.csv');
    writeFileSync(bad, 'sample_id,model,metric,score\ns01,ebm-rl,veg,4\ns02,ebm-rl,veg,1000\ns03,ebm-rl,vge,4\ns04,EBM-RL,spc,4\n');
    const r = runCli(['agreement', '-c', config, '--human', bad]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain(`3 problems in ${bad}`);
    expect(r.stderr).toContain(`${bad}:3: field "score": expected a number from 1 to 10 (the veg scale), got "1000"`);
    expect(r.stderr).toContain(`${bad}:4: field "metric": "vge" is not a rubric of the config (rubrics: veg, spc, cn)`);
    expect(r.stderr).toContain(`${bad}:5: field "model": "EBM-RL" is not a model of the config (models: plain-vlm, ebm-rl)`);
    expect(existsSync(join(out, 'agreement.csv'))).toBe(false);
    expect(existsSync(join(out, 'agreement.json'))).toBe(false);
  });

  it('warns by file and line about a sample the run has no judge score for, and leaves it out', () => {
    const gap = join(dir, 'gap.csv');
    writeFileSync(gap, `sample_id,model,metric,score\n${SAMPLES.map((s, i) => `${s},ebm-rl,veg,${human(i, 1)}`).join('\n')}\nnot-a-sample,ebm-rl,veg,3\n`);
    const r = runCli(['agreement', '-c', config, '--human', gap]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: ${gap}:${SAMPLES.length + 2}: sample "not-a-sample", model "ebm-rl", metric "veg" has no judge score in run sample`);
    const row = JSON.parse(readFileSync(join(dir, 'reports', 'sample', 'agreement.json'), 'utf8')).rows[0];
    const judged = SAMPLES.filter((s) => judgeScores(dir, 'veg').has(`${s}|ebm-rl`)).length;
    expect(judged).toBeGreaterThan(3);
    expect(row).toMatchObject({ metric: 'veg', judge: null, n: judged });
  });
});
