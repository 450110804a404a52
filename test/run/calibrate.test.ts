// `calibrate` driven in-process on a real run (recorded answers, the offline
// judge): human verdicts correct the judge's decisive win rate, and the
// corrected figure lands in report.json, report.md and the terminal alike.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { calibrateStep } from '../../src/run/calibrate.js';
import { reportStep } from '../../src/run/finish.js';
import { loadFromArgv } from '../../src/run/argv.js';
import { runAll } from '../../src/run/run.js';
import { ppiDecisiveWinRate } from '../../src/stats/ppi.js';
import { configFor, makeWorkspace, readJsonl, recordedModel, snapshot, type Workspace } from '../e2e/workspace.js';

let ws: Workspace;
let configPath: string;
beforeAll(async () => {
  ws = makeWorkspace('calibrate');
  const config = configFor(ws, {
    runId: 'cal',
    models: [recordedModel('ebm', 'ebm'), recordedModel('plain', 'plain')],
    judges: ['offline'],
    rubrics: ['utterance-fluency'],
    compare: { candidates: ['ebm'], baselines: ['plain'], bothOrders: false },
  });
  configPath = ws.config('cal', config);
  expect(await runAll({ config: configPath, quiet: true, stages: 'generate,compare' } as never)).toBe(0);
});
afterAll(() => ws.remove());

async function calibrate(csv: string): Promise<{ code: number; out: string; err: string }> {
  const file = join(ws.dir, 'human.csv');
  writeFileSync(file, csv);
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    const argv = { config: configPath, human: file } as never;
    return { code: await calibrateStep(loadFromArgv(argv), argv), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('calibrate with human verdicts', () => {
  it('reports the corrected decisive win rate beside the judge one, in report.json, report.md and the terminal', async () => {
    const records = readJsonl(join(ws.runDir('cal'), 'comparisons', 'offline.jsonl')).filter((c) => c.credit !== null);
    const judgeOf = (c: { credit: number }) => (c.credit > 0.5 ? 1 : c.credit < 0.5 ? -1 : 0);
    // The humans label the first 6 comparisons and disagree with the judge on two of them.
    const labelled = records.slice(0, 6);
    const human = labelled.map((c, i) => (i < 2 ? -judgeOf(c) || -1 : judgeOf(c)));
    const word = (v: number) => (v === 1 ? 'ebm' : v === -1 ? 'plain' : 'tie');
    const csv = `sample_id,candidate,baseline,metric,verdict,judge_hash\n${labelled.map((c, i) => `${c.sampleId},ebm,plain,${c.metric},${word(human[i]!)},${c.provenance.judgeHash}`).join('\n')}\n`;
    const { code, out, err } = await calibrate(csv);
    expect(code).toBe(0);
    // Pinned to the comparisons' own judge hash: no warning about the judge.
    expect(err).not.toContain('pinned to judge');

    const expected = ppiDecisiveWinRate(records.slice(6).map(judgeOf), labelled.map(judgeOf), human)!;
    const report = JSON.parse(readFileSync(join(ws.reports, 'cal', 'report.json'), 'utf8'));
    const [w] = report.calibration.winRates;
    const row = report.pairwise.find((r: { candidate: string }) => r.candidate === 'ebm');
    expect(w).toMatchObject({ candidate: 'ebm', baseline: 'plain', judge: 'offline', labelled: 6, unmatched: 0, judgeComparisons: records.length });
    // The judge figure beside the corrected one is the report's own decisive win rate.
    expect(w.judgeDecisive).toBe(row.decisive);
    expect(w.corrected.estimate).toBeCloseTo(expected.estimate, 12);
    expect(w.corrected.ci95[0]).toBeCloseTo(expected.ci[0], 12);
    expect(w.corrected.ci95[1]).toBeCloseTo(expected.ci[1], 12);
    expect(w.corrected.estimate).not.toBeCloseTo(row.decisive, 3); // the disagreements moved it
    expect(report.calibration.judgeHashes).toEqual([labelled[0].provenance.judgeHash]);

    const pct = (x: number) => (100 * x).toFixed(1);
    const md = readFileSync(join(ws.reports, 'cal', 'report.md'), 'utf8');
    expect(md).toContain('## Calibration with human labels');
    const mdRow = md.split('\n').find((l) => l.startsWith('| ebm vs plain') && l.includes(`| ${pct(w.corrected.estimate)} |`));
    expect(mdRow).toContain(`| ${pct(w.corrected.ci95[0])}, ${pct(w.corrected.ci95[1])} |`);
    expect(mdRow).toContain(`| ${pct(row.decisive)} (${records.length}) |`);
    expect(out).toContain('Decisive win rates');
    expect(out).toContain(`${pct(w.corrected.ci95[0])}, ${pct(w.corrected.ci95[1])}`);
    expect(existsSync(join(ws.reports, 'cal', 'calibration.json'))).toBe(true);
  });

  it('stays in every later report of the run, recomputed from the labels calibrate kept; gone, and said, once they are deleted', async () => {
    const reportJson = () => JSON.parse(readFileSync(join(ws.reports, 'cal', 'report.json'), 'utf8'));
    const calibrated = reportJson().calibration;
    expect(calibrated.winRates).toHaveLength(1);
    const saved = join(ws.runDir('cal'), 'calibration-labels.csv');
    expect(readFileSync(saved, 'utf8')).toBe(readFileSync(join(ws.dir, 'human.csv'), 'utf8'));
    const report = async () => {
      let err = '';
      const o = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
      try {
        const argv = { config: configPath, quiet: true } as never;
        await reportStep(loadFromArgv(argv), argv);
      } finally {
        o.mockRestore();
        e.mockRestore();
      }
      return err;
    };
    // A plain `report` afterwards (what CI reruns) keeps the section, with the same figures.
    expect(await report()).toMatch(/calibration: recomputed from the 6 human labels/);
    expect(reportJson().calibration).toEqual(calibrated);
    expect(readFileSync(join(ws.reports, 'cal', 'report.md'), 'utf8')).toContain('## Calibration with human labels');
    expect(existsSync(join(ws.reports, 'cal', 'calibration.json'))).toBe(true);
    // Labels deleted: no section, and the stale calibration.json goes too, with a word.
    rmSync(saved);
    expect(await report()).toMatch(/calibration\.json removed/);
    expect(reportJson().calibration).toBeUndefined();
    expect(readFileSync(join(ws.reports, 'cal', 'report.md'), 'utf8')).not.toContain('## Calibration with human labels');
    expect(existsSync(join(ws.reports, 'cal', 'calibration.json'))).toBe(false);
  });

  it('warns when the verdicts were pinned to another judge or rubric', async () => {
    const c = readJsonl(join(ws.runDir('cal'), 'comparisons', 'offline.jsonl')).slice(0, 3);
    const csv = `sample_id,candidate,baseline,metric,verdict,rubric_hash\n${c.map((x) => `${x.sampleId},ebm,plain,${x.metric},tie,not-this-rubric`).join('\n')}\n`;
    const { code, err } = await calibrate(csv);
    expect(code).toBe(0);
    expect(err).toContain('warning: verdicts: the human labels were pinned to rubric template not-this-rubric');
  });

  it('refuses a bad verdict file before writing anything, naming file, line and field', async () => {
    const before = snapshot(ws.reports);
    const err = await calibrate('sample_id,candidate,baseline,metric,verdict\ns1,ebm,plain,utterance-fluency,maybe\n').catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/human\.csv:2: field "verdict" expects "ebm", "plain", A \(candidate\), B \(baseline\) or tie, got "maybe"/);
    expect(snapshot(ws.reports)).toEqual(before);
  });

  it('refuses scores off the rubric scale and names outside the config, every line listed, before writing anything', async () => {
    const before = snapshot(ws.reports);
    const runBefore = snapshot(ws.runDir('cal'));
    const csv = [
      'sample_id,metric,model,score',
      's1,utterance-fluency,ebm,1000',
      's2,utterance-fluency,ebm,-40',
      's3,utterance-fluenzy,ebm,50',
      's4,utterance-fluency,ebm-v2,50',
      's5,utterance-fluency,plain,100',
    ].join('\n');
    const err = await calibrate(`${csv}\n`).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toContain('human.csv:2: field "score": expected a number from 0 to 100 (the utterance-fluency scale), got "1000"');
    expect(err.message).toContain('human.csv:3: field "score": expected a number from 0 to 100');
    expect(err.message).toContain('human.csv:4: field "metric": "utterance-fluenzy" is not a rubric of the config');
    expect(err.message).toContain('human.csv:5: field "model": "ebm-v2" is not a model of the config');
    expect(err.message).not.toContain('human.csv:6');
    const verdict = await calibrate('sample_id,candidate,baseline,metric,verdict\ns1,ebm,plian,utterance-fluency,ebm\n').catch((e) => e);
    expect(verdict).toBeInstanceOf(InputError);
    expect(verdict.message).toContain('human.csv:2: field "baseline": "plian" is not a model of the config');
    expect(snapshot(ws.reports)).toEqual(before);
    expect(snapshot(ws.runDir('cal'))).toEqual(runBefore);
  });
});
