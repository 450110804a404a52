// --max-calls stops a stage cleanly: exit 5, a message, only complete records,
// and a rerun finishes the job with one record per key.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, runCli } from '../helpers/cli.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { roleplayHandler } from './fake-roleplay.js';
import { configFor, keyCounts, liveModel, makeWorkspace, readJsonl, recordedModel, type Workspace } from './workspace.js';

const IDS = ['s01', 's02', 's03', 's04'];

describe('budget guards', () => {
  let server: FakeServer;
  let ws: Workspace;
  let cfg: string;

  beforeAll(async () => {
    server = await startFakeServer({ handler: roleplayHandler() });
    ws = makeWorkspace('budget');
    cfg = ws.config(
      'budget',
      configFor(ws, {
        runId: 'budget',
        models: [recordedModel('plainbot', 'plain'), recordedModel('ebmbot', 'ebm')],
        judges: ['gpt-4o'],
        rubrics: ['cn', 'human-likeness'],
        judgeUrl: server.url,
      }),
    );
    const gen = await runCli(['generate', '-c', cfg, '--ids', IDS.join(',')]);
    expect(gen.code, describeRun(gen)).toBe(0);
  });
  afterAll(async () => {
    await server?.close();
    ws?.remove();
  });

  it('stops at --max-calls with exit 5 and resumes to a complete run', async () => {
    const args = ['score', '-c', cfg, '--ids', IDS.join(','), '--rounds', '1', '--concurrency', '2'];
    const first = await runCli([...args, '--max-calls', '5']);
    expect(first.code, describeRun(first)).toBe(5);
    expect(first.stderr).toMatch(/budget limit/);
    expect(server.requests.length).toBeLessThanOrEqual(5);
    const file = join(ws.runDir('budget'), 'judgments', 'gpt-4o.jsonl');
    const partial = readJsonl(file);
    // Every call the budget allowed became a complete record; nothing else was written.
    expect(partial.filter((j) => j.failure === undefined)).toHaveLength(server.requests.length);
    expect(partial.every((j) => j.failure === undefined || j.failure.kind === 'empty-answer')).toBe(true);

    // The run directory says the stage stopped, and how much it left undone; its report says so in every format.
    const status = JSON.parse(readFileSync(join(ws.runDir('budget'), 'status.json'), 'utf8'));
    expect(status.budgetStops).toEqual([{ stage: 'score', planned: 16, notDone: 16 - partial.length, unit: 'judgments' }]);
    const report = await runCli(['report', '-c', cfg, '--quiet']);
    expect(report.code, describeRun(report)).toBe(0);
    expect(report.stderr).toContain(
      `warning: incomplete run: score stopped at the budget (--max-calls/--max-tokens): ${16 - partial.length} of 16 judgments not done`,
    );
    const reportDir = join(ws.reports, 'budget');
    expect(JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')).incomplete.budgetStops).toHaveLength(1);
    expect(readFileSync(join(reportDir, 'report.md'), 'utf8')).toContain('## INCOMPLETE RUN');
    expect(readFileSync(join(reportDir, 'report.html'), 'utf8')).toContain('data-field="incomplete"');

    const second = await runCli(args);
    expect(second.code, describeRun(second)).toBe(0);
    // Finished: the stop no longer holds, and the report no longer says it.
    expect(JSON.parse(readFileSync(join(ws.runDir('budget'), 'status.json'), 'utf8')).budgetStops).toBeUndefined();
    const after = await runCli(['report', '-c', cfg, '--quiet']);
    expect(after.code, describeRun(after)).toBe(0);
    expect(after.stderr).not.toContain('incomplete');
    expect(JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')).incomplete).toBeUndefined();
    expect(existsSync(join(reportDir, 'report.md'))).toBe(true);
    const all = readJsonl(file);
    // 4 samples × 2 models × 2 metrics, each exactly once.
    expect(all).toHaveLength(16);
    expect([...keyCounts(all.map((j) => `${j.sampleId}/${j.model}/${j.metric}/${j.round}`)).values()].every((n) => n === 1)).toBe(true);
  });

  it('`run` stopped in generate records the stop and the stage it never reached; finishing clears both', async () => {
    const runCfg = ws.config(
      'budget-run',
      configFor(ws, {
        runId: 'budget-run',
        models: [liveModel('livebot', 'plain', server.url), recordedModel('plainbot', 'plain')],
        judges: ['gpt-4o'],
        rubrics: ['cn'],
        judgeUrl: server.url,
      }),
    );
    const args = ['run', '-c', runCfg, '--ids', IDS.join(','), '--rounds', '1', '--concurrency', '1'];
    const first = await runCli([...args, '--max-calls', '1']);
    expect(first.code, describeRun(first)).toBe(5);
    const status = JSON.parse(readFileSync(join(ws.runDir('budget-run'), 'status.json'), 'utf8'));
    expect(status.selected).toBe(4);
    expect(status.budgetStops.map((b: { stage: string }) => b.stage)).toEqual(['generate', 'score']);
    const [gen, score] = status.budgetStops;
    // 4 samples × 2 models; the recorded model's 4 and the one call allowed are done.
    expect(gen).toMatchObject({ planned: 8, unit: 'responses' });
    expect(gen.notDone).toBeGreaterThanOrEqual(3);
    expect(score).toEqual({ stage: 'score', planned: null, notDone: null, unit: 'judgments' });
    const second = await runCli(args);
    expect(second.code, describeRun(second)).toBe(0);
    expect(second.stderr).not.toContain('incomplete run');
    expect(JSON.parse(readFileSync(join(ws.runDir('budget-run'), 'status.json'), 'utf8')).budgetStops).toBeUndefined();
  });
});
