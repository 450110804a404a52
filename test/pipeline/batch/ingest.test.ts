import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestLines } from '../../../src/pipeline/batch/ingest.js';
import { Provider, requestHash } from '../../../src/provider/index.js';
import { chatReq } from './setup.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolejudge-ingest-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// Port 9 (discard): nothing answers there, so any network call would fail the test.
const ep = { name: 'judge', baseUrl: 'http://127.0.0.1:9/v1', model: 'judge-model' };
const reqs = ['one', 'two', 'three', 'four', 'five'].map((t) => chatReq(ep, t));
const ids = reqs.map((r) => requestHash(r));
const sent = { model: 'judge-model', temperature: 0, max_tokens: 64 };

const ok = (id: string, content: string) =>
  JSON.stringify({
    id: 'x',
    custom_id: id,
    response: {
      status_code: 200,
      body: {
        choices: [{ message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
      },
    },
    error: null,
  });

describe('ingestLines', () => {
  it('caches 200 answers as chat() would return them and counts the rest', async () => {
    const provider = new Provider({ cacheDir: join(dir, 'cache'), maxRetries: 0 });
    const output = [ok(ids[0]!, 'answer one sk-secret-123'), ok(ids[1]!, 'answer two'), ok('not-ours', 'stray'), 'torn {'].join('\n');
    const errors = [
      JSON.stringify({ custom_id: ids[2], response: { status_code: 500, body: { error: { message: 'boom' } } }, error: null }),
      JSON.stringify({ custom_id: ids[3], response: null, error: { code: 'batch_expired', message: 'expired' } }),
    ].join('\n');
    const r = await ingestLines({ provider, texts: [output, errors], customIds: ids, sentOf: () => sent, secret: 'sk-secret-123' });
    expect(r).toMatchObject({ ingested: 2, errored: 2, missing: 1 });
    expect(r.messages.join('\n')).toContain('HTTP 500: boom');
    expect(r.messages.join('\n')).toContain('expired');

    const hit = await provider.chat(reqs[0]!);
    expect(hit).toMatchObject({ cached: true, attempts: 0, sent, finishReason: 'stop', usage: { prompt: 3, completion: 2, total: 5 } });
    // The key never reaches the cache, whatever the server echoed.
    expect(hit.content).toBe('answer one [REDACTED]');
    expect(await provider.isCached(reqs[1]!)).toBe(true);
    for (const q of reqs.slice(2)) expect(await provider.isCached(q)).toBe(false);
    await provider.close();
    // Survives a new process.
    expect(await new Provider({ cacheDir: join(dir, 'cache') }).isCached(reqs[1]!)).toBe(true);
  });

  it('treats an unreadable 200 body as an error, not an answer', async () => {
    const provider = new Provider({ cacheDir: join(dir, 'cache') });
    const bad = JSON.stringify({ custom_id: ids[0], response: { status_code: 200, body: { choices: [] } }, error: null });
    const r = await ingestLines({ provider, texts: [bad], customIds: [ids[0]!], sentOf: () => sent, secret: undefined });
    expect(r).toMatchObject({ ingested: 0, errored: 1, missing: 0 });
    expect(await provider.isCached(reqs[0]!)).toBe(false);
  });

  it('refuses to ingest without a cache', async () => {
    const provider = new Provider({ cacheDir: null });
    await expect(ingestLines({ provider, texts: [ok(ids[0]!, 'a')], customIds: [ids[0]!], sentOf: () => sent, secret: undefined })).rejects.toThrow(
      /cache is disabled/,
    );
  });
});
