// The shipped protocol presets (examples/ebm-rl.yaml, examples/video2roleplay.yaml)
// run end to end with `rolejudge run` against the fake server, so they never
// rot: only endpoints and output folders are rewritten (see preset.ts), and the
// run must show the protocol the preset describes.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, runCli, type CliResult } from '../helpers/cli.js';
import { startFakeServer, type FakeRequest, type FakeServer } from '../helpers/fake-server.js';
import { criterionOf, imageParts, isJudgeKind, kindOf, promptParts, roleplayHandler } from '../e2e/fake-roleplay.js';
import { keyCounts, makeWorkspace, readJsonl, type Workspace } from '../e2e/workspace.js';
import { hasFfmpeg, warnIfNoFfmpeg } from '../video/helpers.js';
import { EXAMPLES, preparePreset, type Preset } from './preset.js';

const REPORT_FILES = ['report.json', 'leaderboard.csv', 'pairwise.csv', 'report.md', 'table.tex', 'report.html'];
/** What defines a protocol: the rewrite must leave all of it as shipped. */
const PROTOCOL_KEYS = ['judges', 'rubrics', 'score', 'compare', 'gate'];

interface PresetRun {
  ws: Workspace;
  preset: Preset;
  result: CliResult;
  /** Requests the fake server got during the run. */
  requests: FakeRequest[];
  runDir: string;
  reportDir: string;
}

const judgmentKey = (j: any) => [j.sampleId, j.model, j.metric, j.judge, j.round].join('|');
const comparisonKey = (c: any) => [c.sampleId, c.candidate, c.baseline, c.metric, c.judge, c.round].join('|');

describe('protocol presets run end to end', () => {
  let server: FakeServer;
  const workspaces: Workspace[] = [];

  beforeAll(async () => {
    server = await startFakeServer({ handler: roleplayHandler() });
  });
  afterAll(async () => {
    await server?.close();
    for (const ws of workspaces) ws.remove();
  });

  async function runPreset(name: string): Promise<PresetRun> {
    const ws = makeWorkspace(`preset-${name}`);
    workspaces.push(ws);
    const preset = preparePreset(name, ws, server.url);
    for (const k of PROTOCOL_KEYS) expect(preset.config[k], `${name}: ${k} was rewritten`).toEqual(preset.original[k]);
    const from = server.requests.length;
    const result = await runCli(['run', '-c', preset.file], { timeoutMs: 100_000 });
    return {
      ws,
      preset,
      result,
      requests: server.requests.slice(from),
      runDir: join(ws.runs, preset.config.run.id),
      reportDir: join(ws.reports, preset.config.run.id),
    };
  }

  function expectReportFiles(run: PresetRun): any {
    for (const f of REPORT_FILES) expect(existsSync(join(run.reportDir, f)), `${f} missing`).toBe(true);
    return JSON.parse(readFileSync(join(run.reportDir, 'report.json'), 'utf8'));
  }

  if (!hasFfmpeg) warnIfNoFfmpeg('the EBM-RL preset (its sample scenes are mp4 clips)');
  it.skipIf(!hasFfmpeg)(
    'EBM-RL: listwise VEG/SPC/CN with frames, both-order comparisons combined by the EBM rule, gated',
    async () => {
      const run = await runPreset('ebm-rl-combined');
      const { config } = run.preset;
      // The gate decides the exit: 0 pass, 1 regression; the verdict printed must match it.
      const status = [...run.result.stdout.matchAll(/^(PASS|FAIL|UNFIT): /gm)].pop()?.[1];
      expect(status, describeRun(run.result)).toBeDefined();
      expect(status, `the run is unfit to judge:\n${describeRun(run.result)}`).not.toBe('UNFIT');
      expect(run.result.code, describeRun(run.result)).toBe(status === 'PASS' ? 0 : 1);
      const report = expectReportFiles(run);

      const samples = (JSON.parse(readFileSync(join(EXAMPLES, '..', 'data', 'sample', 'ebm-rl', 'test.json'), 'utf8')) as unknown[]).length;
      const models = config.models.map((m: any) => m.name);
      const metrics: string[] = config.rubrics;
      const judgments = readJsonl(join(run.runDir, 'judgments', 'gpt-5-mini.jsonl'));
      expect(judgments).toHaveLength(samples * models.length * metrics.length * 1 /* round */ * 1 /* judge */);
      expect(keyCounts(judgments.map(judgmentKey)).size).toBe(judgments.length);
      for (const j of judgments) {
        expect(j.mode).toBe('listwise');
        expect(j.failure, JSON.stringify(j.failure)).toBeUndefined();
        expect(Number.isInteger(j.score) && j.score >= 1 && j.score <= 10).toBe(true);
      }
      expect(report.judges).toEqual(['gpt-5-mini']);
      expect(report.leaderboard.map((r: any) => r.model).sort()).toEqual([...models].sort());

      // One listwise call per sample, and it shows the judge the scene.
      const judged = run.requests.filter((q) => isJudgeKind(kindOf(q.body)));
      const listwise = judged.filter((q) => kindOf(q.body) === 'listwise');
      expect(listwise).toHaveLength(samples);
      for (const q of listwise) {
        const frames = imageParts(q.body);
        expect(frames.length).toBeGreaterThan(0);
        expect(frames.every((p) => p.detail === 'low' && p.url.startsWith('data:image/jpeg;base64,'))).toBe(true);
      }
      // Pairwise: frames for VEG and SPC, text only for CN.
      const pairwise = judged.filter((q) => kindOf(q.body) === 'pairwise');
      expect(pairwise).toHaveLength(samples * metrics.length * 2);
      const byCriterion = (name: string) => pairwise.filter((q) => criterionOf(promptParts(q.body).prompt) === name);
      for (const name of ['Visual Evidence Grounding', 'Situational Persona Compatibility']) {
        expect(byCriterion(name)).toHaveLength(samples * 2);
        expect(byCriterion(name).every((q) => imageParts(q.body).length > 0)).toBe(true);
      }
      expect(byCriterion('Conversational Naturalism')).toHaveLength(samples * 2);
      expect(byCriterion('Conversational Naturalism').every((q) => imageParts(q.body).length === 0)).toBe(true);

      const comparisons = readJsonl(join(run.runDir, 'comparisons', 'gpt-5-mini.jsonl'));
      expect(comparisons).toHaveLength(samples * metrics.length);
      expect(keyCounts(comparisons.map(comparisonKey)).size).toBe(comparisons.length);
      for (const c of comparisons) {
        expect(c.rule).toBe('ebm');
        expect([c.candidate, c.baseline]).toEqual(['ebm-rl-7b', 'qwen2.5-vl-7b']);
        expect(c.orders.map((o: any) => o.order).sort()).toEqual(['AB', 'BA']);
        expect(['win', 'loss', 'tie']).toContain(c.outcome);
      }

      // The models were asked as the preset says: their own model ids and sampling parameters.
      const generated = run.requests.filter((q) => kindOf(q.body).startsWith('generate'));
      expect(generated).toHaveLength(samples * models.length);
      for (const m of config.models) {
        const mine = generated.filter((q) => q.body.model === m.model);
        expect(mine).toHaveLength(samples);
        for (const q of mine) expect(q.body).toMatchObject(m.params);
      }
    },
    120_000,
  );

  it('Video2Roleplay: eight 0–100 metrics, the GPT-4o + o3-mini ensemble, three rounds each, both-order comparisons', async () => {
    const run = await runPreset('video2roleplay');
    const { config } = run.preset;
    expect(run.result.code, describeRun(run.result)).toBe(0);
    const report = expectReportFiles(run);

    const samples = readFileSync(config.dataset.path, 'utf8').split('\n').filter(Boolean).length;
    const models = config.models.map((m: any) => m.name);
    const metrics: string[] = config.rubrics;
    expect(metrics).toHaveLength(8);
    const ROUNDS = 3;
    for (const judge of ['gpt-4o', 'o3-mini']) {
      const judgments = readJsonl(join(run.runDir, 'judgments', `${judge}.jsonl`));
      expect(judgments).toHaveLength(samples * models.length * metrics.length * ROUNDS);
      expect(keyCounts(judgments.map(judgmentKey)).size).toBe(judgments.length);
      expect(new Set(judgments.map((j) => j.round))).toEqual(new Set([1, 2, 3]));
      expect(new Set(judgments.map((j) => j.metric))).toEqual(new Set(metrics));
      for (const j of judgments) {
        expect(j.mode).toBe('per-response');
        expect(j.failure, JSON.stringify(j.failure)).toBeUndefined();
        expect(Number.isInteger(j.score) && j.score >= 0 && j.score <= 100).toBe(true);
      }
      const comparisons = readJsonl(join(run.runDir, 'comparisons', `${judge}.jsonl`));
      expect(comparisons).toHaveLength(samples * metrics.length * ROUNDS);
      expect(keyCounts(comparisons.map(comparisonKey)).size).toBe(comparisons.length);
      for (const c of comparisons) {
        expect(c.rule).toBe('strict');
        expect(c.orders.map((o: any) => o.order).sort()).toEqual(['AB', 'BA']);
      }
    }
    expect(report.judges).toEqual(['gpt-4o', 'o3-mini']);
    for (const row of report.leaderboard) {
      expect(Object.keys(row.scores).sort()).toEqual([...metrics].sort());
      for (const m of metrics) expect(row.scores[m].n).toBe(samples);
    }

    // Temperature 0 reaches GPT-4o; o3-mini, a reasoning model, is sent none.
    const judged = run.requests.filter((q) => isJudgeKind(kindOf(q.body)));
    const gpt4o = judged.filter((q) => q.body.model === 'gpt-4o');
    const o3 = judged.filter((q) => q.body.model === 'o3-mini');
    const perJudge = samples * models.length * metrics.length * ROUNDS + samples * metrics.length * ROUNDS * 2;
    expect(gpt4o).toHaveLength(perJudge);
    expect(o3).toHaveLength(perJudge);
    expect(gpt4o.every((q) => q.body.temperature === 0)).toBe(true);
    expect(o3.every((q) => !('temperature' in q.body))).toBe(true);
    // Both judges read the caption (neither sees frames in this protocol).
    expect(judged.every((q) => imageParts(q.body).length === 0)).toBe(true);

    // The video model sees frames, the text baseline only the caption; both at the preset's parameters.
    const generated = run.requests.filter((q) => kindOf(q.body).startsWith('generate'));
    expect(generated).toHaveLength(samples * models.length);
    for (const m of config.models) {
      const mine = generated.filter((q) => q.body.model === m.model);
      expect(mine).toHaveLength(samples);
      for (const q of mine) {
        expect(q.body).toMatchObject(m.params);
        if (m.video === 'caption') expect(imageParts(q.body)).toHaveLength(0);
        else expect(imageParts(q.body).length).toBeGreaterThan(0);
      }
    }
  }, 120_000);
});
