// --dry-run says how many judge calls a stage would make and spends nothing:
// the real stage then makes exactly that many requests.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, runCli } from '../helpers/cli.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { roleplayHandler } from './fake-roleplay.js';
import { configFor, liveModel, makeWorkspace, recordedModel, snapshot, type Workspace } from './workspace.js';

const IDS = ['s01', 's02', 's04'];

function plannedCalls(stdout: string): number {
  const m = /(\d+) judge calls would be made/.exec(stdout);
  if (!m) throw new Error(`no dry-run line in:\n${stdout}`);
  return Number(m[1]);
}

describe('--dry-run', () => {
  let server: FakeServer;
  let ws: Workspace;
  let cfg: string;
  const ids = ['--ids', IDS.join(',')];

  beforeAll(async () => {
    server = await startFakeServer({ handler: roleplayHandler() });
    ws = makeWorkspace('dry-run');
    cfg = ws.config(
      'dry',
      configFor(ws, {
        runId: 'dry',
        models: [recordedModel('plain-vlm', 'plain'), recordedModel('ebm-rl', 'ebm')],
        judgeUrl: server.url,
        judges: ['gpt-5-mini'],
        // Text-only metrics: the point here is counting, not frames.
        rubrics: ['cn', 'human-likeness'],
        compare: { candidates: ['ebm-rl'], baselines: ['plain-vlm'] },
      }),
    );
  });
  afterAll(async () => {
    await server?.close();
    ws?.remove();
  });

  it('counts the calls score and compare make, writes nothing, and the real runs match it', async () => {
    const gen = await runCli(['generate', '-c', cfg, ...ids]);
    expect(gen.code, describeRun(gen)).toBe(0);
    // samples × models × metrics × rounds; pairs × metrics × both orders.
    const expected: Record<string, number> = { score: IDS.length * 2 * 2 * 1, compare: IDS.length * 1 * 2 * 2 };

    for (const stage of ['score', 'compare']) {
      const before = snapshot(ws.runDir('dry'));
      const dry = await runCli([stage, '-c', cfg, ...ids, '--dry-run']);
      expect(dry.code, describeRun(dry)).toBe(0);
      const n = plannedCalls(dry.stdout);
      expect(n).toBe(expected[stage]);
      expect(server.requests).toHaveLength(0);
      expect(snapshot(ws.runDir('dry'))).toEqual(before);

      const real = await runCli([stage, '-c', cfg, ...ids]);
      expect(real.code, describeRun(real)).toBe(0);
      expect(server.requests, `${stage}: dry run said ${n}`).toHaveLength(n);
      server.requests.length = 0;
    }

    // Everything is recorded now: nothing left to plan.
    const again = await runCli(['score', '-c', cfg, ...ids, '--dry-run']);
    expect(plannedCalls(again.stdout)).toBe(0);
    expect(again.stdout).toContain(`${expected.score} already recorded`);
  });

  it('foresees cache answers, counts --rounds, and creates no run directory', async () => {
    // A fresh run id: without responses there is nothing to judge yet, and nothing may be written.
    const dry = await runCli(['score', '-c', cfg, ...ids, '--dry-run', '--run-id', 'never-made']);
    expect(dry.code, describeRun(dry)).toBe(0);
    expect(existsSync(ws.runDir('never-made'))).toBe(false);

    // Same responses in a new run: round 1 was asked by the first test (cached), round 2 never was.
    const gen = await runCli(['generate', '-c', cfg, ...ids, '--run-id', 'counted']);
    expect(gen.code, describeRun(gen)).toBe(0);
    const score = await runCli(['score', '-c', cfg, ...ids, '--run-id', 'counted', '--dry-run', '--rounds', '2']);
    const perRound = IDS.length * 2 * 2;
    expect(plannedCalls(score.stdout)).toBe(perRound);
    expect(score.stdout).toContain(`(${perRound} more answered from the cache)`);
    expect(server.requests).toHaveLength(0);
  });

  it("run --dry-run with live models counts each model's judge calls apart, whatever their names", async () => {
    // Names the anonymity guard masks: their stand-in answers must still differ from each other.
    const models = [liveModel('model-a', 'plain', server.url, { video: 'none' }), liveModel('model-b', 'plain', server.url, { video: 'none' })];
    const live = ws.config('dry-two', configFor(ws, { runId: 'dry-two', models, judgeUrl: server.url, judges: ['gpt-5-mini'], rubrics: ['cn'] }));
    const dry = await runCli(['run', '-c', live, ...ids, '--dry-run']);
    expect(dry.code, describeRun(dry)).toBe(0);
    const m = /dry run \(run\): (\d+) calls in all \((\d+) model, (\d+) judge\)/.exec(dry.stdout + dry.stderr);
    expect(m, dry.stdout + dry.stderr).not.toBeNull();
    // samples × models generated; samples × models × one metric judged.
    expect([Number(m![2]), Number(m![3])]).toEqual([IDS.length * 2, IDS.length * 2]);
    expect(server.requests).toHaveLength(0);
    const real = await runCli(['run', '-c', live, ...ids]);
    expect(real.code, describeRun(real)).toBe(0);
    expect(server.requests).toHaveLength(Number(m![1]));
    server.requests.length = 0;
  });

  it('generate --dry-run makes no model calls and writes no run directory', async () => {
    const live = ws.config('dry-live', configFor(ws, { runId: 'dry-live', models: [liveModel('plainbot', 'plain', server.url)] }));
    const dry = await runCli(['generate', '-c', live, ...ids, '--dry-run']);
    expect(dry.code, describeRun(dry)).toBe(0);
    expect(dry.stdout).toContain(`generate plainbot): ${IDS.length} responses to make`);
    expect(server.requests).toHaveLength(0);
    expect(existsSync(ws.runDir('dry-live'))).toBe(false);
  });
});
