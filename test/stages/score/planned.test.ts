// The jobs score plans: on a fresh run they are counted without walking every
// job id (score.ts), on a resumed one by walking them; both must say the same
// as the records the run ends with. Two judges with different rounds and two
// rubrics, so the count is not one product of equal factors.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, runCli } from '../../helpers/cli.js';
import { startFakeServer, type FakeServer } from '../../helpers/fake-server.js';
import { configFor, makeWorkspace, readJsonl, recordedModel, type Workspace } from '../../e2e/workspace.js';

const IDS = ['s01', 's02', 's04'];

describe('score: jobs planned', () => {
  let server: FakeServer;
  let ws: Workspace;
  let cfg: string;

  beforeAll(async () => {
    server = await startFakeServer({ handler: () => 'Score: 7' });
    ws = makeWorkspace('planned');
    cfg = ws.config(
      'planned',
      configFor(ws, {
        runId: 'planned',
        models: [recordedModel('plainbot', 'plain'), recordedModel('ebmbot', 'ebm')],
        judges: ['gpt-4o', 'gpt-5-mini'],
        rubrics: ['veg', 'cn'],
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

  it('counts the same on a fresh run and on its rerun, and as many as the records written', async () => {
    const fresh = await runCli(['score', '-c', cfg, '--ids', IDS.join(',')]);
    expect(fresh.code, describeRun(fresh)).toBe(0);
    const planned = Number(/score: \d+ judgments written .*, of (\d+)/.exec(fresh.stderr)?.[1]);
    const records = ['gpt-4o', 'gpt-5-mini'].map((j) => readJsonl(join(ws.runDir('planned'), 'judgments', `${j}.jsonl`)).length);
    expect(planned).toBe(records[0]! + records[1]!);
    // gpt-4o judges 3 rounds, gpt-5-mini its own number: 3 samples × 2 models × 2 rubrics × their sum.
    expect(records[0]).toBe(IDS.length * 2 * 2 * 3);
    const again = await runCli(['score', '-c', cfg, '--ids', IDS.join(',')]);
    expect(again.code, describeRun(again)).toBe(0);
    expect(again.stderr).toContain(`score: 0 judgments written (0 failed), ${planned} already recorded, of ${planned}`);
  });
});
