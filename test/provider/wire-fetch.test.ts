// The default (sdk) transport: the openai client's create() over node:http, not global fetch.
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Provider, type Endpoint } from '../../src/provider/index.js';
import { WireHeaders, wireFetch } from '../../src/provider/wire-fetch.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';

let server: FakeServer;
beforeEach(async () => {
  server = await startFakeServer();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await server.close();
});

describe('wireFetch under the openai SDK', () => {
  it('answers chat completions without calling global fetch', async () => {
    const global = vi.spyOn(globalThis, 'fetch');
    const ep: Endpoint = { name: 'fake', baseUrl: server.url, model: 'm' };
    const p = new Provider({ cacheDir: null });
    for (const text of ['a', 'b', 'c']) {
      const r = await p.chat({ endpoint: ep, messages: [{ role: 'user', content: text }], params: {}, key: text });
      expect(r.content).toBe(`[m] ${text}`);
    }
    expect(global).not.toHaveBeenCalled();
    // The SDK's own headers still go out: it built the request.
    expect(server.requests[0]!.headers['user-agent']).toMatch(/OpenAI\/JS/);
  });

  // The body is sent as UTF-8 bytes: a two-byte prompt must arrive byte for
  // byte, with a content-length counting bytes, not characters.
  it('sends a non-ASCII prompt byte-exact with its byte length', async () => {
    const ep: Endpoint = { name: 'fake', baseUrl: server.url, model: 'm' };
    const p = new Provider({ cacheDir: null });
    const text = 'Score 1–2: “fine” é 😀\n'.repeat(300);
    const r = await p.chat({ endpoint: ep, messages: [{ role: 'user', content: text }], params: {}, key: 'k' });
    expect(r.content).toBe(`[m] ${text}`);
    const got = server.requests[0]!;
    expect(Number(got.headers['content-length'])).toBe(got.rawBody.length);
    expect(got.body.messages[0].content).toBe(text);
  });

  it('hands requests other than chat completions to the fallback fetch', async () => {
    const fallback = vi.fn(async () => new Response(JSON.stringify({ object: 'list', data: [] }), { headers: { 'content-type': 'application/json' } }));
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.url, maxRetries: 0, fetch: wireFetch(fallback) as unknown as typeof fetch });
    await client.files.list();
    expect(fallback).toHaveBeenCalledTimes(1);
    expect(server.requests).toHaveLength(0);
  });

  it('raises the SDK error classes with the reply headers readable', async () => {
    server.script.push({ status: 429, retryAfterMs: 1234 });
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.url, maxRetries: 0, fetch: wireFetch() as unknown as typeof fetch });
    const err = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after-ms')).toBe('1234');
  });
});

describe("the default transport's deadline", () => {
  it('times out a server that stalls in the middle of the body', async () => {
    server.addRoute({
      method: 'POST',
      path: '/v1/chat/completions',
      handle: ({ res }) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"id": "chatcmpl-slow", ');
      },
    });
    const ep: Endpoint = { name: 'fake', baseUrl: server.url, model: 'm' };
    const p = new Provider({ cacheDir: null, timeoutMs: 150, maxRetries: 0 });
    const started = performance.now();
    const err = await p.chat({ endpoint: ep, messages: [{ role: 'user', content: 'x' }], params: {}, key: 'k' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'timeout' });
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('WireHeaders', () => {
  it('reads names case-insensitively and joins repeated values', () => {
    const h = new WireHeaders({ 'x-ratelimit-remaining-requests': '59', 'set-cookie': ['a=1', 'b=2'] });
    expect(h.get('X-RateLimit-Remaining-Requests')).toBe('59');
    expect(h.get('set-cookie')).toBe('a=1, b=2');
    expect(h.get('missing')).toBeNull();
    expect([...h.entries()]).toEqual([
      ['x-ratelimit-remaining-requests', '59'],
      ['set-cookie', 'a=1, b=2'],
    ]);
  });
});
