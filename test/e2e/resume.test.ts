// A stage killed with SIGKILL mid-run (no chance to clean up) and rerun must end
// with exactly one record per key: none lost, none doubled. The fake server is
// slow and the CLI runs one call at a time, so the kill lands mid-stage.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, runCli, spawnCli } from '../helpers/cli.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { roleplayHandler } from './fake-roleplay.js';
import { completeLines, configFor, keyCounts, liveModel, makeWorkspace, readJsonl, sampleIds, waitFor, type Workspace } from './workspace.js';

const MODELS = ['plainbot', 'ebmbot'];

/** Runs a stage, kills it once `file` has `lines` records, and returns what was on disk then. */
async function killMidway(args: string[], file: string, lines: number): Promise<number> {
  const run = spawnCli(args);
  let exited = false;
  void run.result.finally(() => (exited = true)).catch(() => undefined);
  await waitFor(() => exited || completeLines(file) >= lines, `${lines} records in ${file}`);
  expect(exited, `the stage finished before it could be killed:\n${run.stderr}`).toBe(false);
  run.child.kill('SIGKILL');
  const r = await run.result;
  expect(r.signal).toBe('SIGKILL');
  return completeLines(file);
}

describe('resume after SIGKILL', () => {
  let server: FakeServer;
  let ws: Workspace;
  let cfg: string;

  beforeAll(async () => {
    server = await startFakeServer({ handler: roleplayHandler(), latencyMs: 100 });
    ws = makeWorkspace('resume');
    cfg = ws.config(
      'resume',
      configFor(ws, {
        runId: 'resume',
        models: MODELS.map((m) => liveModel(m, m === 'ebmbot' ? 'ebm' : 'plain', server.url)),
        judgeUrl: server.url,
        judges: ['gpt-5-mini'],
        // Text-only metrics: no frame encoding, so the time goes to the slow server, where the kill lands.
        rubrics: ['cn', 'human-likeness'],
      }),
    );
  });
  afterAll(async () => {
    await server?.close();
    ws?.remove();
  });

  it('generate: every (sample, model) exactly once after kill and rerun', async () => {
    const ids = sampleIds();
    const first = join(ws.runDir('resume'), 'responses', `${MODELS[0]}.jsonl`);
    const onDisk = await killMidway(['generate', '-c', cfg, '--concurrency', '1'], first, 3);
    expect(onDisk).toBeLessThan(ids.length);

    const before = server.requests.length;
    const r = await runCli(['generate', '-c', cfg, '--concurrency', '1']);
    expect(r.code, describeRun(r)).toBe(0);
    for (const model of MODELS) {
      const recs = readJsonl(join(ws.runDir('resume'), 'responses', `${model}.jsonl`));
      expect(recs.every((x) => !x.error)).toBe(true);
      const counts = keyCounts(recs.map((x) => x.sampleId));
      expect([...counts.keys()].sort()).toEqual([...ids].sort());
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
    }
    // What was already on disk was skipped, not redone.
    expect(server.requests.length - before).toBeLessThanOrEqual(MODELS.length * ids.length - onDisk);
  });

  it('score: every (sample, model, metric, judge, round) exactly once after kill and rerun', async () => {
    const ids = sampleIds().slice(0, 3);
    const args = ['score', '-c', cfg, '--concurrency', '1', '--limit', '3', '--rounds', '2'];
    const file = join(ws.runDir('resume'), 'judgments', 'gpt-5-mini.jsonl');
    const planned = ids.length * MODELS.length * 2 /* metrics */ * 2; /* rounds */
    const onDisk = await killMidway(args, file, 3);
    expect(onDisk).toBeLessThan(planned);

    const r = await runCli(args);
    expect(r.code, describeRun(r)).toBe(0);
    const recs = readJsonl(file);
    expect(recs).toHaveLength(planned);
    const counts = keyCounts(recs.map((j) => [j.sampleId, j.model, j.metric, j.judge, j.round].join('|')));
    expect(counts.size).toBe(planned);
    const expected = ids.flatMap((s) =>
      MODELS.flatMap((m) => ['cn', 'human-likeness'].flatMap((metric) => [1, 2].map((round) => [s, m, metric, 'gpt-5-mini', round].join('|')))),
    );
    expect([...counts.keys()].sort()).toEqual(expected.sort());
    for (const j of recs) {
      expect(j.failure).toBeUndefined();
      expect(Number.isInteger(j.score)).toBe(true);
    }
  });
});
