// `rolejudge score|compare --batch` as a user runs it: the built CLI against
// the fake server's Batch API, then the same stages online on a second run,
// which must record the same judgments and verdicts.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, runCli } from '../../helpers/cli.js';
import { fakeBatchApi, type FakeBatchApi } from '../../helpers/fake-batch.js';
import { startFakeServer, type FakeServer } from '../../helpers/fake-server.js';
import { roleplayHandler } from '../../e2e/fake-roleplay.js';
import { configFor, liveModel, makeWorkspace, readJsonl, recordedModel, type Workspace } from '../../e2e/workspace.js';

const IDS = ['--ids', 's01,s02'];
const ENV = { ROLEJUDGE_BATCH_POLL_MS: '20' };

describe('--batch from the command line', () => {
  let server: FakeServer;
  let api: FakeBatchApi;
  let ws: Workspace;
  let batchCfg: string;
  let onlineCfg: string;
  const chat = () => server.requests.filter((r) => r.path === '/v1/chat/completions').length;

  async function cli(args: string[]) {
    const before = chat();
    const r = await runCli(args, { env: ENV });
    expect(r.code, describeRun(r)).toBe(0);
    return { ...r, chatCalls: chat() - before };
  }

  beforeAll(async () => {
    const handler = roleplayHandler();
    api = fakeBatchApi({ handler });
    server = await startFakeServer({ handler, routes: api.routes });
    ws = makeWorkspace('batch');
    const parts = {
      models: [recordedModel('ebm-rec', 'ebm'), recordedModel('plain-rec', 'plain')],
      judgeUrl: server.url,
      judges: ['gpt-5-mini'],
      rubrics: ['veg', 'spc', 'cn'],
      compare: { candidates: ['ebm-rec'], baselines: ['plain-rec'] },
    };
    batchCfg = ws.config('batch', configFor(ws, { runId: 'batch', ...parts }));
    // Its own cache, so every online answer really comes from the network.
    onlineCfg = ws.config('online', configFor(ws, { runId: 'online', ...parts, provider: { cacheDir: join(ws.dir, 'cache-online') } }));
  });
  afterAll(async () => {
    await server?.close();
    ws?.remove();
  });

  const judgments = (run: string) => readJsonl(join(ws.runDir(run), 'judgments', 'gpt-5-mini.jsonl'));
  const comparisons = (run: string) => readJsonl(join(ws.runDir(run), 'comparisons', 'gpt-5-mini.jsonl'));
  // What a judge said, without timing.
  const sameness = (recs: any[]) =>
    recs
      .map(({ latencyMs, orders, ...rest }) => ({ ...rest, ...(orders ? { orders: orders.map(({ latencyMs: _, ...o }: any) => o) } : {}) }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

  it('scores and compares through batches with no online judge call, recording what an online run records', async () => {
    const gen = await cli(['generate', '-c', batchCfg, ...IDS, '--batch']);
    expect(gen.chatCalls).toBe(0);
    expect(api.counts['POST /v1/batches']).toBeUndefined();

    const score = await cli(['score', '-c', batchCfg, ...IDS, '--batch']);
    expect(score.chatCalls).toBe(0);
    expect(api.counts['POST /v1/batches']).toBe(1);
    expect(score.stderr).toMatch(/batch \(score\): 12 requests, 0 already cached, 12 submitted in 1 new batch\(es\), 12 answers cached/);
    // The 12 batch answers were bought by this run: calls on the terminal line, as in report.json.
    expect(score.stderr).toMatch(/calls 12, cache hits 0, retries 0, tokens [1-9]/);
    const lines = api.inputLines();
    expect(lines).toHaveLength(12);
    // gpt-5-mini is a reasoning model: the batch body carries max_completion_tokens, no temperature.
    for (const l of lines) {
      expect(l.body).toMatchObject({ model: 'gpt-5-mini', max_completion_tokens: 4096 });
      expect(l.body).not.toHaveProperty('temperature');
    }

    const cmp = await cli(['compare', '-c', batchCfg, ...IDS, '--batch']);
    expect(cmp.chatCalls).toBe(0);
    expect(api.counts['POST /v1/batches']).toBe(2);
    expect(cmp.stderr).toMatch(/calls [1-9]\d*, cache hits \d+/);

    const state = JSON.parse((await import('node:fs')).readFileSync(join(ws.runDir('batch'), 'batches.json'), 'utf8'));
    expect(state.batches.map((b: any) => [b.stage, b.status, b.ingested])).toEqual([
      ['score', 'completed', true],
      ['compare', 'completed', true],
    ]);

    // Rerunning changes nothing and submits nothing.
    const again = await cli(['score', '-c', batchCfg, ...IDS, '--batch']);
    expect(again.chatCalls).toBe(0);
    // Nothing left to read: the batch answers were counted once, when recorded.
    expect(again.stderr).not.toMatch(/paid by this run/);
    expect(api.counts['POST /v1/batches']).toBe(2);

    await cli(['generate', '-c', onlineCfg, ...IDS]);
    const online = await cli(['score', '-c', onlineCfg, ...IDS]);
    expect(online.chatCalls).toBe(12);
    const onlineCmp = await cli(['compare', '-c', onlineCfg, ...IDS]);
    expect(onlineCmp.chatCalls).toBeGreaterThan(0);

    expect(judgments('batch')).toHaveLength(12);
    expect(judgments('batch').every((j) => typeof j.score === 'number')).toBe(true);
    expect(sameness(judgments('batch'))).toEqual(sameness(judgments('online')));
    expect(comparisons('batch').length).toBeGreaterThan(0);
    expect(sameness(comparisons('batch'))).toEqual(sameness(comparisons('online')));
  });

  it('generates through batches: responses come from the cache and equal an online run’s', async () => {
    const models = [liveModel('ebmbot', 'ebm', server.url), liveModel('plainbot', 'plain', server.url)];
    const batched = ws.config('gen-batch', configFor(ws, { runId: 'gen-batch', models }));
    const online = ws.config('gen-online', configFor(ws, { runId: 'gen-online', models, provider: { cacheDir: join(ws.dir, 'cache-gen-online') } }));
    const batchesBefore = api.counts['POST /v1/batches'] ?? 0;
    const b = await cli(['generate', '-c', batched, ...IDS, '--batch']);
    expect(b.chatCalls).toBe(0);
    // One batch per model: a batch file holds one model.
    expect((api.counts['POST /v1/batches'] ?? 0) - batchesBefore).toBe(2);
    const o = await cli(['generate', '-c', online, ...IDS]);
    expect(o.chatCalls).toBe(4);
    for (const m of ['ebmbot', 'plainbot']) {
      const got = readJsonl(join(ws.runDir('gen-batch'), 'responses', `${m}.jsonl`));
      const want = readJsonl(join(ws.runDir('gen-online'), 'responses', `${m}.jsonl`));
      expect(got.map((r) => r.via)).toEqual(['cache', 'cache']);
      expect(want.map((r) => r.via)).toEqual(['network', 'network']);
      const what = (rs: any[]) =>
        rs
          .map(({ sampleId, raw, answer, usage, requestHash, frames }) => ({ sampleId, raw, answer, usage, requestHash, frames }))
          .sort((x, y) => x.sampleId.localeCompare(y.sampleId));
      expect(what(got)).toEqual(what(want));
      expect(got.every((r) => r.answer && !r.error)).toBe(true);
    }
  });

  it('refuses --batch with --no-cache (usage error)', async () => {
    const r = await runCli(['score', '-c', batchCfg, ...IDS, '--batch', '--no-cache'], { env: ENV });
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toMatch(/--batch needs the response cache/);
  });
});
