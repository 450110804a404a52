// The circuit breaker against a real HTTP server through the openai client: a
// judge that is down costs a bounded number of requests whatever the number
// of calls, a success in between starts the count over, and only failures of
// the endpoint itself (5xx, timeouts, resets) count.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Provider, ProviderError, type ChatRequest, type Endpoint } from '../../src/provider/index.js';
import { Breakers, countsAsDown, EndpointDown } from '../../src/provider/breaker.js';
import { exitCodeFor } from '../../src/core/errors.js';
import { runPool } from '../../src/core/pool.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';

let server: FakeServer;
let ep: Endpoint;

beforeEach(async () => {
  server = await startFakeServer({ handler: () => ({ status: 503 }) });
  ep = { name: 'judge:down', baseUrl: server.url, model: 'judge-model' };
});
afterEach(async () => {
  await server.close();
});

const req = (i: number, endpoint = ep): ChatRequest => ({
  endpoint,
  messages: [{ role: 'user', content: `question ${i}` }],
  params: { max_tokens: 16 },
  key: `k${i}`,
});
const MAX_RETRIES = 1;
const ATTEMPTS = MAX_RETRIES + 1;
const provider = (threshold: number, concurrency = 4) =>
  new Provider({ cacheDir: null, concurrency, maxRetries: MAX_RETRIES, baseDelayMs: 2, maxDelayMs: 5, seed: 1, breaker: { consecutiveFailures: threshold } });

/** n calls, `lanes` at a time, as a stage's job pool makes them (core/pool.ts); every outcome kept. */
async function settle(p: Provider, n: number, endpoint = ep, lanes = 8): Promise<unknown[]> {
  const out: unknown[] = [];
  await runPool(
    Array.from({ length: n }, (_, i) => i),
    lanes,
    async (i) => {
      out[i] = await p.chat(req(i, endpoint)).catch((e: unknown) => e);
    },
  );
  return out;
}

describe('circuit breaker', () => {
  it('a server answering 503 to everything gets a bounded number of requests, not calls × attempts', async () => {
    const N = 5;
    const CONCURRENCY = 4;
    const LANES = 8;
    const errors = await settle(provider(N, CONCURRENCY), 200, ep, LANES);
    // At most the N calls that opened it plus the others already started (one per lane), each with all its attempts.
    expect(server.requests.length).toBeLessThanOrEqual((N + LANES) * ATTEMPTS);
    expect(server.requests.length).toBeGreaterThanOrEqual(N * ATTEMPTS);
    const down = errors.filter((e): e is EndpointDown => e instanceof EndpointDown);
    const gaveUp = errors.filter((e) => e instanceof ProviderError);
    expect(down.length + gaveUp.length).toBe(200);
    expect(gaveUp.length).toBeGreaterThanOrEqual(N);
    expect(down.length).toBeGreaterThanOrEqual(200 - N - LANES);
    // Named by base URL and model, with N and the last error; exit 3 like any "cannot be judged now".
    const msg = down[0]!.message;
    expect(msg).toContain(server.url);
    expect(msg).toContain('model judge-model');
    expect(msg).toContain(`${N} calls in a row`);
    expect(msg).toMatch(/http 503/);
    expect(exitCodeFor(down[0])).toBe(3);
    // What each stopped call had sent is on its error; with the give-ups it adds up to what the server saw.
    const sent = gaveUp.reduce<number>((n, e) => n + ((e as ProviderError).attempts ?? 0), 0) + down.reduce((n, e) => n + e.attempts, 0);
    expect(sent).toBe(server.requests.length);
  });

  it('a success in between starts the count over', async () => {
    const p = provider(3, 1);
    let healthy = false;
    server.setHandler(() => (healthy ? { content: 'fine' } : { status: 500 }));
    const fail = (i: number) => expect(p.chat(req(i))).rejects.toBeInstanceOf(ProviderError);
    await fail(1);
    await fail(2);
    healthy = true;
    await expect(p.chat(req(3))).resolves.toMatchObject({ content: 'fine' });
    healthy = false;
    await fail(4);
    await fail(5);
    // Two in a row since the success: still closed, so this call is sent (and is the third).
    await fail(6);
    expect(server.requests.length).toBe(5 * ATTEMPTS + 1);
    // Now three in a row: nothing more is sent.
    await expect(p.chat(req(7))).rejects.toBeInstanceOf(EndpointDown);
    expect(server.requests.length).toBe(5 * ATTEMPTS + 1);
  });

  it('4xx and 429 replies do not open it: the server is up', async () => {
    const p = provider(2, 1);
    // Three calls refused as bad requests, then three that stay rate-limited through their retries.
    server.setHandler((_b, { index }) => (index < 3 ? { status: 400, error: { message: 'bad request', type: 'invalid_request_error' } } : { status: 429 }));
    for (let i = 0; i < 6; i++) await expect(p.chat(req(i))).rejects.toBeInstanceOf(ProviderError);
    expect(server.requests.length).toBe(3 + 3 * ATTEMPTS);
    await expect(p.chat(req(9))).rejects.not.toBeInstanceOf(EndpointDown);
    expect(server.requests.length).toBe(3 + 4 * ATTEMPTS);
  });

  it('is per endpoint: another model on the same server is still asked', async () => {
    const p = provider(2, 1);
    await settle(p, 4);
    const before = server.requests.length;
    await expect(p.chat(req(1))).rejects.toBeInstanceOf(EndpointDown);
    expect(server.requests.length).toBe(before);
    server.setHandler(() => ({ content: 'other model answers' }));
    await expect(p.chat(req(1, { ...ep, model: 'other-model' }))).resolves.toMatchObject({ content: 'other model answers' });
  });

  it('0 turns it off: every call makes all its attempts', async () => {
    const p = provider(0, 2);
    await settle(p, 12);
    expect(server.requests.length).toBe(12 * ATTEMPTS);
  });

  it('counts only failures of the endpoint itself', () => {
    expect(countsAsDown({ kind: 'http', status: 503, retryable: true })).toBe(true);
    expect(countsAsDown({ kind: 'http', status: 408, retryable: true })).toBe(true);
    expect(countsAsDown({ kind: 'timeout', retryable: true })).toBe(true);
    expect(countsAsDown({ kind: 'connection', retryable: true })).toBe(true);
    expect(countsAsDown({ kind: 'http', status: 429, retryable: true })).toBe(false);
    expect(countsAsDown({ kind: 'http', status: 400, retryable: false })).toBe(false);
    expect(countsAsDown({ kind: 'malformed', retryable: true })).toBe(false);
    expect(() => new Breakers(-1)).toThrow(TypeError);
  });
});
