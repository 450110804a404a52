// The whole Batch API round trip through the real openai client against the
// fake server: submit, poll, ingest, then the completion pass (plain chat()
// calls on a fresh Provider, as the rerun stage would make them).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBatch } from '../../../src/pipeline/batch/run-batch.js';
import type { BatchEntry } from '../../../src/pipeline/batch/state.js';
import { Provider, requestHash, type ChatRequest } from '../../../src/provider/index.js';
import { sendJson, startFakeServer } from '../../helpers/fake-server.js';
import type { FakeBatchOptions } from '../../helpers/fake-batch.js';
import { chatReq, FAST_POLL, makeRig, type Rig } from './setup.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function open(opts: FakeBatchOptions = {}): Promise<Rig> {
  rig = await makeRig(opts);
  return rig;
}

const state = (r: Rig): BatchEntry[] => JSON.parse(readFileSync(join(r.runDir, 'batches.json'), 'utf8')).batches;

/** The completion pass: every request through chat() on a new Provider; returns the chat calls it made. */
async function complete(r: Rig, reqs: ChatRequest[]) {
  const before = r.chatCalls();
  const p = r.provider();
  const results = await Promise.all(reqs.map((q) => p.chat(q)));
  await p.close();
  return { calls: r.chatCalls() - before, results };
}

const texts = (n: number) => Array.from({ length: n }, (_, i) => `question number ${i}`);

describe('runBatch', () => {
  it('submits, waits through in_progress, ingests: the completion pass makes no chat call and matches an online run', async () => {
    const r = await open();
    const reqs = [...texts(3).map((t) => chatReq(r.ep('fake-model'), t)), ...texts(3).map((t) => chatReq(r.ep('gpt-5-mini'), t))];
    const sum = await runBatch(r.ctx(r.provider()), [...reqs, reqs[0]!], { stage: 'score', ...FAST_POLL });

    expect(sum).toMatchObject({ requests: 6, cached: 0, created: 2, submitted: 6, resumed: 0, ingested: 6, leftOnline: 0 });
    expect(r.api.counts).toMatchObject({ 'POST /v1/files': 2, 'POST /v1/batches': 2 });
    expect(r.chatCalls()).toBe(0);
    // One model per batch, custom_id = the cache hash, reasoning params adapted.
    const lines = r.api.inputLines();
    expect(lines.map((l) => l.custom_id).sort()).toEqual(reqs.map((q) => requestHash(q)).sort());
    for (const l of lines.filter((x) => x.body.model === 'gpt-5-mini')) expect(l.body).toMatchObject({ max_completion_tokens: 64 });
    expect(r.logs.some((l) => /in_progress, \d+\/3 done/.test(l))).toBe(true);

    const entries = state(r);
    expect(entries).toHaveLength(2);
    for (const e of entries) {
      expect(e).toMatchObject({ stage: 'score', status: 'completed', ingested: true, ingestedCount: 3, requests: 3 });
      expect(e.outputFileId).toBeTruthy();
      expect(e.endpoint.baseUrl).toBe(r.server.url);
    }

    const { calls, results } = await complete(r, reqs);
    expect(calls).toBe(0);
    expect(results.every((x) => x.cached)).toBe(true);
    // The same requests asked online (no cache) get the very same answers.
    const online = new Provider({ cacheDir: null });
    for (const [i, q] of reqs.entries()) {
      const o = await online.chat(q);
      const b = results[i]!;
      expect({ content: b.content, usage: b.usage, finishReason: b.finishReason, sent: b.sent }).toEqual({
        content: o.content,
        usage: o.usage,
        finishReason: o.finishReason,
        sent: o.sent,
      });
    }
  });

  it('splits requests into several files and batches under a small per-file limit', async () => {
    const r = await open({ maxLinesPerFile: 2 });
    const reqs = texts(5).map((t) => chatReq(r.ep(), t));
    const sum = await runBatch(r.ctx(r.provider()), reqs, { stage: 'generate', limits: { maxRequests: 2 }, ...FAST_POLL });
    expect(sum).toMatchObject({ created: 3, submitted: 5, ingested: 5, leftOnline: 0 });
    expect([...r.api.files.values()].filter((f) => f.purpose === 'batch').map((f) => f.text.trim().split('\n').length)).toEqual([2, 2, 1]);
    expect(state(r).map((e) => e.requests)).toEqual([2, 2, 1]);
    expect((await complete(r, reqs)).calls).toBe(0);
  });

  it.each(['status', 'error'] as const)('finishes online exactly the lines in the error file (errors as %s)', async (errorAs) => {
    const r = await open({ scripts: [{ errorLines: [1, 3], errorAs }] });
    const reqs = texts(5).map((t) => chatReq(r.ep(), t));
    const sum = await runBatch(r.ctx(r.provider()), reqs, { stage: 'score', ...FAST_POLL });
    expect(sum).toMatchObject({ ingested: 3, leftOnline: 2 });
    expect(state(r)[0]).toMatchObject({ status: 'completed', ingested: true, ingestedCount: 3 });
    expect(state(r)[0]!.errorFileId).toBeTruthy();
    const { calls } = await complete(r, reqs);
    expect(calls).toBe(2);
    const asked = r.server.requests.filter((q) => q.path === '/v1/chat/completions').map((q) => q.body.messages[0].content);
    expect(asked.sort()).toEqual(['question number 1', 'question number 3']);
  });

  it('asks everything online after a failed batch', async () => {
    const r = await open({ scripts: [{ final: 'failed' }] });
    const reqs = texts(3).map((t) => chatReq(r.ep(), t));
    const sum = await runBatch(r.ctx(r.provider()), reqs, { stage: 'compare', ...FAST_POLL });
    expect(sum).toMatchObject({ created: 1, ingested: 0, leftOnline: 3 });
    expect(state(r)[0]).toMatchObject({ status: 'failed', ingested: true, ingestedCount: 0 });
    expect(r.logs.some((l) => l.includes('failed'))).toBe(true);
    expect((await complete(r, reqs)).calls).toBe(3);
  });

  it.each([
    ['left out of every file', true],
    ['reported as batch_expired', false],
  ])('keeps the partial output of an expired batch; the rest (%s) goes online', async (_, dropUnprocessed) => {
    const r = await open({ scripts: [{ final: 'expired', processed: 2, dropUnprocessed }] });
    const reqs = texts(5).map((t) => chatReq(r.ep(), t));
    const sum = await runBatch(r.ctx(r.provider()), reqs, { stage: 'score', ...FAST_POLL });
    expect(sum).toMatchObject({ ingested: 2, leftOnline: 3 });
    expect(state(r)[0]).toMatchObject({ status: 'expired', ingested: true, ingestedCount: 2 });
    expect((await complete(r, reqs)).calls).toBe(3);
  });

  it('after a crash once the batch exists, a fresh run resumes it instead of submitting again', async () => {
    const r = await open();
    let down = true;
    const real = r.api.routes.find((x) => x.method === 'GET' && x.path === '/v1/batches/:id')!;
    r.server.addRoute({
      method: 'GET',
      path: '/v1/batches/:id',
      handle: (c) => (down ? sendJson(c.res, 400, { error: { message: 'poll refused (simulated crash)' } }) : real.handle(c)),
    });
    const reqs = texts(4).map((t) => chatReq(r.ep(), t));
    await expect(runBatch(r.ctx(r.provider()), reqs, { stage: 'score', ...FAST_POLL })).rejects.toThrow(/simulated crash/);
    const saved = state(r);
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ ingested: false, requests: 4 });
    expect(saved[0]!.customIds.sort()).toEqual(reqs.map((q) => requestHash(q)).sort());

    down = false;
    const sum = await runBatch(r.ctx(r.provider()), reqs, { stage: 'score', ...FAST_POLL });
    expect(sum).toMatchObject({ resumed: 1, created: 0, submitted: 0, ingested: 4 });
    expect(r.api.counts).toMatchObject({ 'POST /v1/files': 1, 'POST /v1/batches': 1 });
    expect(state(r)).toHaveLength(1);
    expect(state(r)[0]).toMatchObject({ batchId: saved[0]!.batchId, status: 'completed', ingested: true });
    expect((await complete(r, reqs)).calls).toBe(0);

    // Once everything is cached, another run has nothing to submit or wait for.
    const again = await runBatch(r.ctx(r.provider()), reqs, { stage: 'score', ...FAST_POLL });
    expect(again).toMatchObject({ cached: 4, created: 0, resumed: 0 });
    expect(r.api.counts['POST /v1/batches']).toBe(1);
  });

  it('does not batch requests that bypass the cache, nor wait for another stage’s batches', async () => {
    const r = await open();
    const reqs = texts(2).map((t) => chatReq(r.ep(), t));
    // A score batch still pending from an earlier run, for the same request (its id is unknown to the server).
    const now = new Date().toISOString();
    const pending: BatchEntry = {
      stage: 'score',
      endpoint: { name: 'ep', baseUrl: r.server.url, model: 'fake-model', apiKeyEnv: null },
      inputFileId: 'file-gone',
      batchId: 'batch_gone',
      requests: 2,
      customIds: reqs.map((q) => requestHash(q)),
      status: 'in_progress',
      counts: null,
      outputFileId: null,
      errorFileId: null,
      ingested: false,
      ingestedCount: 0,
      createdAt: now,
      updatedAt: now,
    };
    mkdirSync(r.runDir, { recursive: true });
    writeFileSync(join(r.runDir, 'batches.json'), JSON.stringify({ version: 1, batches: [pending] }));

    const sum = await runBatch(r.ctx(r.provider()), [reqs[0]!, chatReq(r.ep(), 'fresh', { noCache: true })], { stage: 'compare', ...FAST_POLL });
    expect(sum).toMatchObject({ requests: 2, uncacheable: 1, resumed: 0, created: 1, submitted: 1, ingested: 1 });
    expect(r.api.inputLines().map((l) => l.body.messages[0].content)).toEqual(['question number 0']);
    expect(state(r).find((e) => e.batchId === 'batch_gone')).toMatchObject({ ingested: false });

    // The score stage waits for it when it still needs one of its requests (here it fails: the batch is gone)…
    await expect(runBatch(r.ctx(r.provider()), [reqs[1]!], { stage: 'score', ...FAST_POLL })).rejects.toThrow(/No such batch/);
    // …but not when all it needs is already answered.
    await expect(runBatch(r.ctx(r.provider()), [reqs[0]!], { stage: 'score', ...FAST_POLL })).resolves.toMatchObject({ cached: 1, resumed: 0 });
  });

  it('says what it was doing when the server has no Batch API', async () => {
    const r = await open();
    const plain = await startFakeServer();
    try {
      const req = chatReq({ name: 'plain', baseUrl: plain.url, model: 'm' }, 'x');
      await expect(runBatch(r.ctx(r.provider()), [req], { stage: 'score', ...FAST_POLL })).rejects.toThrow(
        /submitting a batch to http:\/\/127\.0\.0\.1:\d+\/v1: 404/,
      );
      expect(existsSync(join(r.runDir, 'batches.json'))).toBe(false);
    } finally {
      await plain.close();
    }
  });
});
