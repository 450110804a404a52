// --max-calls stops a stage cleanly: exit 5, a message, only complete records,
// and a rerun finishes the job with one record per key.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, runCli } from '../helpers/cli.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { roleplayHandler } from './fake-roleplay.js';
import { configFor, keyCounts, makeWorkspace, readJsonl, recordedModel, type Workspace } from './workspace.js';

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

    const second = await runCli(args);
    expect(second.code, describeRun(second)).toBe(0);
    const all = readJsonl(file);
    // 4 samples × 2 models × 2 metrics, each exactly once.
    expect(all).toHaveLength(16);
    expect([...keyCounts(all.map((j) => `${j.sampleId}/${j.model}/${j.metric}/${j.round}`)).values()].every((n) => n === 1)).toBe(true);
  });
});
