import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Provider, type Endpoint } from '../../src/provider/index.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
});

const ask = (ep: Endpoint, i: number) => ({
  endpoint: ep,
  messages: [{ role: 'user' as const, content: `q${i}` }],
  params: {},
  key: 'k',
});

describe('concurrency bounds', () => {
  it('never has more than the global limit in flight', async () => {
    server = await startFakeServer({ latencyMs: 40 });
    const ep = { name: 'fake', baseUrl: server.url, model: 'm' };
    const p = new Provider({ cacheDir: null, concurrency: 3 });
    const rs = await Promise.all(Array.from({ length: 12 }, (_, i) => p.chat(ask(ep, i))));
    expect(rs.map((r) => r.content)).toEqual(Array.from({ length: 12 }, (_, i) => `[m] q${i}`));
    expect(server.requests).toHaveLength(12);
    expect(server.maxInFlight).toBeLessThanOrEqual(3);
    expect(server.maxInFlight).toBeGreaterThan(1);
  });

  it('applies the per-endpoint limit below the global one', async () => {
    server = await startFakeServer({ latencyMs: 40 });
    const ep = { name: 'slow', baseUrl: server.url, model: 'm', concurrency: 2 };
    const p = new Provider({ cacheDir: null, concurrency: 16 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => p.chat(ask(ep, i))));
    expect(server.maxInFlight).toBeLessThanOrEqual(2);
    expect(server.maxInFlight).toBe(2);
  });

  it('frees the slot while a request sleeps in backoff', async () => {
    // With one global slot, B can only reach the server before A's retry if A
    // released the slot during its 400 ms Retry-After wait.
    server = await startFakeServer({ script: [{ status: 429, retryAfterMs: 400 }] });
    const ep = { name: 'fake', baseUrl: server.url, model: 'm' };
    const p = new Provider({ cacheDir: null, concurrency: 1, baseDelayMs: 5 });
    const [a, b] = await Promise.all([p.chat(ask(ep, 1)), p.chat(ask(ep, 2))]);
    expect(a.attempts).toBe(2);
    expect(b.attempts).toBe(1);
    expect(server.requests.map((r) => r.body.messages[0].content)).toEqual(['q1', 'q2', 'q1']);
  });
});

describe('budget guards', () => {
  it('stops after maxCalls network calls without touching the network', async () => {
    server = await startFakeServer();
    const ep = { name: 'fake', baseUrl: server.url, model: 'm' };
    const p = new Provider({ cacheDir: null, budget: { maxCalls: 2 } });
    await p.chat(ask(ep, 1));
    await p.chat(ask(ep, 2));
    await expect(p.chat(ask(ep, 3))).rejects.toMatchObject({ name: 'ProviderError', kind: 'budget', retryable: false });
    expect(server.requests).toHaveLength(2);
  });

  it('counts retries against maxCalls', async () => {
    server = await startFakeServer({ script: [{ status: 500 }, { status: 500 }] });
    const ep = { name: 'fake', baseUrl: server.url, model: 'm' };
    const p = new Provider({ cacheDir: null, baseDelayMs: 1, budget: { maxCalls: 2 } });
    await expect(p.chat(ask(ep, 1))).rejects.toMatchObject({ kind: 'budget' });
    expect(server.requests).toHaveLength(2);
  });

  it('stops once maxTokens is used up', async () => {
    server = await startFakeServer({
      handler: () => ({ content: 'ok', usage: { prompt_tokens: 20, completion_tokens: 10 } }),
    });
    const ep = { name: 'fake', baseUrl: server.url, model: 'm' };
    const p = new Provider({ cacheDir: null, budget: { maxTokens: 50 } });
    await p.chat(ask(ep, 1));
    await p.chat(ask(ep, 2));
    const err = await p.chat(ask(ep, 3)).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'budget' });
    expect(server.requests).toHaveLength(2);
    expect(p.stats()).toMatchObject({ calls: 2, promptTokens: 40, completionTokens: 20, errors: 1 });
  });

  it('still serves cached answers after the budget is spent', async () => {
    server = await startFakeServer();
    const dir = await mkdtemp(join(tmpdir(), 'rj-budget-'));
    try {
      const ep = { name: 'fake', baseUrl: server.url, model: 'm' };
      const p = new Provider({ cacheDir: dir, budget: { maxCalls: 1 } });
      await p.chat(ask(ep, 1));
      await expect(p.chat(ask(ep, 2))).rejects.toMatchObject({ kind: 'budget' });
      const again = await p.chat(ask(ep, 1));
      expect(again.cached).toBe(true);
      expect(server.requests).toHaveLength(1);
      await p.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
