// `score|compare --batch` killed (a real SIGKILL of the built CLI) once its
// first batch is ingested and while the second is still out, then rerun
// WITHOUT --batch: the first batch's answers were paid for by this run and no
// record holds them, so the online rerun must count them as the calls they
// were (not replay them as free cache hits) and ask online only the rest.
// report.json's calls must equal what the servers answered: the batch lines
// plus the online requests, none of them from the cache.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, runCli, spawnCli } from '../../helpers/cli.js';
import { fakeBatchApi, type FakeBatchApi } from '../../helpers/fake-batch.js';
import { startFakeServer, type FakeServer } from '../../helpers/fake-server.js';
import { roleplayHandler } from '../../e2e/fake-roleplay.js';
import { configFor, makeWorkspace, recordedModel, waitFor, type Workspace } from '../../e2e/workspace.js';

const IDS = ['--ids', 's01,s02'];
/** Two batches of 6: the first completes at once, the second never does. */
const ENV = { ROLEJUDGE_BATCH_POLL_MS: '20', ROLEJUDGE_BATCH_MAX_REQUESTS: '6' };
const REQUESTS = 12;

describe.each(['score', 'compare'] as const)('%s --batch killed, rerun online', (stage) => {
  let server: FakeServer;
  let api: FakeBatchApi;
  let ws: Workspace;
  let cfg: string;
  const chat = () => server.requests.filter((r) => r.path === '/v1/chat/completions').length;
  const state = () => {
    try {
      return JSON.parse(readFileSync(join(ws.runDir(stage), 'batches.json'), 'utf8')).batches as any[];
    } catch {
      return [];
    }
  };

  beforeAll(async () => {
    const handler = roleplayHandler();
    api = fakeBatchApi({ handler, scripts: [{ steps: ['validating'] }, { steps: ['validating', ...Array(100_000).fill('in_progress')] }] });
    server = await startFakeServer({ handler, routes: api.routes });
    ws = makeWorkspace(`batch-kill-${stage}`);
    cfg = ws.config(
      stage,
      configFor(ws, {
        runId: stage,
        models: [recordedModel('ebm-rec', 'ebm'), recordedModel('plain-rec', 'plain')],
        judgeUrl: server.url,
        judges: ['gpt-5-mini'],
        rubrics: ['veg', 'spc', 'cn'],
        compare: { candidates: ['ebm-rec'], baselines: ['plain-rec'] },
      }),
    );
    const gen = await runCli(['generate', '-c', cfg, ...IDS]);
    expect(gen.code, describeRun(gen)).toBe(0);
  });
  afterAll(async () => {
    await server?.close();
    ws?.remove();
  });

  it('counts the first batch’s answers as calls, asks online only the rest, replays none', async () => {
    const run = spawnCli([stage, '-c', cfg, ...IDS, '--batch', '-q'], { env: ENV });
    // Killed on the run's own state, not on time: the first batch ingested, the second still out.
    await waitFor(() => state().some((b) => b.ingested), `${stage} to ingest its first batch`);
    run.child.kill('SIGKILL');
    expect((await run.result).signal).toBe('SIGKILL');
    const batches = state();
    expect(batches.map((b) => [b.requests, b.ingested])).toEqual([
      [6, true],
      [6, false],
    ]);
    // The first batch's lines: answered by the server, paid for by this run.
    const paidInBatch = batches[0].ingestedIds.length;
    expect(paidInBatch).toBe(6);
    expect(chat()).toBe(0);

    const rerun = await runCli([stage, '-c', cfg, ...IDS], { env: ENV });
    expect(rerun.code, describeRun(rerun)).toBe(0);
    // The batch still out is said to be paid when it finishes.
    expect(rerun.stderr).toMatch(/1 batch\(es\) of 6 requests this run submitted for \w+ are not collected yet/);
    const online = chat();
    expect(online).toBe(REQUESTS - paidInBatch);

    const report = await runCli(['report', '-c', cfg, '-q']);
    expect(report.code, describeRun(report)).toBe(0);
    const counts = JSON.parse(readFileSync(join(ws.reports, stage, 'report.json'), 'utf8')).counts;
    expect({ calls: counts.calls, callsFromCache: counts.callsFromCache }).toEqual({ calls: paidInBatch + online, callsFromCache: 0 });
  }, 60_000);
});
