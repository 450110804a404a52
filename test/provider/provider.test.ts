import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Provider, ProviderError, requestHash, type ChatRequest, type Endpoint } from '../../src/provider/index.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';

let server: FakeServer;
let ep: Endpoint;

beforeEach(async () => {
  server = await startFakeServer();
  ep = { name: 'fake', baseUrl: server.url, model: 'fake-model' };
});
afterEach(async () => {
  await server.close();
});

function req(text: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { endpoint: ep, messages: [{ role: 'user', content: text }], params: { temperature: 0, max_tokens: 64 }, key: 'k', ...extra };
}

// Every behaviour holds on both transports: the SDK's create() (the default) and node:http.
describe.each(['sdk', 'node-http'] as const)('Provider.chat over real HTTP (%s transport)', (transport) => {
  const fast = { cacheDir: null, baseDelayMs: 5, maxDelayMs: 20, transport } as const;

  it('returns content, usage, latency and what was sent', async () => {
    const p = new Provider(fast);
    const r = await p.chat(req('hello there'));
    expect(r.content).toBe('[fake-model] hello there');
    expect(r.usage).toEqual({ prompt: 2, completion: 3, total: 5 });
    expect(r.latencyMs).toBeGreaterThan(0);
    expect(r.cached).toBe(false);
    expect(r.attempts).toBe(1);
    expect(r.finishReason).toBe('stop');
    expect(r.sent).toEqual({ model: 'fake-model', temperature: 0, max_tokens: 64 });
    expect(r.requestHash).toBe(requestHash(req('hello there')));
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body).toMatchObject({ model: 'fake-model', temperature: 0, max_tokens: 64 });
    expect(p.stats()).toMatchObject({ calls: 1, cacheHits: 0, retries: 0, errors: 0, promptTokens: 2, completionTokens: 3 });
  });

  it('passes image and video parts through unchanged', async () => {
    const p = new Provider(fast);
    const content = [
      { type: 'text' as const, text: 'what happens' },
      { type: 'image_url' as const, image_url: { url: 'data:image/jpeg;base64,AAAA' } },
      { type: 'video_url' as const, video_url: { url: 'file:///clip.mp4' } },
    ];
    const r = await p.chat({ ...req('x'), messages: [{ role: 'user', content }] });
    expect(r.content).toBe('[fake-model] what happens [image_url] [video_url]');
    expect(server.requests[0]!.body.messages[0].content).toEqual(content);
  });

  it('sends a json_schema response_format only to structured-output endpoints', async () => {
    const schema = { title: 'Score card', type: 'object', properties: { score: { type: 'number' } }, required: ['score'] };
    const p = new Provider(fast);
    const plain = await p.chat(req('a', { responseFormat: schema }));
    expect(server.requests[0]!.body.response_format).toBeUndefined();
    expect(plain.sent.response_format).toBeUndefined();
    const structured = await p.chat(req('a', { responseFormat: schema, endpoint: { ...ep, structuredOutput: true } }));
    expect(server.requests[1]!.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'Score_card', schema, strict: true },
    });
    expect(structured.sent.response_format).toBe('json_schema:Score_card');
    expect(structured.requestHash).not.toBe(plain.requestHash);
  });

  it('waits at least retry-after-ms after a 429', async () => {
    server.script.push({ status: 429, retryAfterMs: 250 });
    const p = new Provider(fast);
    const r = await p.chat(req('x'));
    expect(r.attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(250);
    expect(p.stats().retries).toBe(1);
  });

  it('waits at least Retry-After seconds after a 429', async () => {
    server.script.push({ status: 429, retryAfter: 1 });
    const p = new Provider(fast);
    const r = await p.chat(req('x'));
    expect(r.content).toBe('[fake-model] x');
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('retries 500 and 503', async () => {
    server.script.push({ status: 500 }, { status: 503 });
    const r = await new Provider(fast).chat(req('x'));
    expect(r.attempts).toBe(3);
    expect(server.requests).toHaveLength(3);
  });

  it('retries after a timeout', async () => {
    server.script.push({ delayMs: 1000 });
    const p = new Provider({ ...fast, timeoutMs: 200 });
    const r = await p.chat(req('x'));
    expect(r.content).toBe('[fake-model] x');
    expect(r.attempts).toBe(2);
  });

  it('honours the endpoint timeout over the provider default', async () => {
    server.script.push({ delayMs: 1000 });
    const p = new Provider({ ...fast, maxRetries: 0 });
    const err = await p.chat(req('x', { endpoint: { ...ep, timeoutMs: 150 } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).kind).toBe('timeout');
  });

  it('retries after a connection reset', async () => {
    server.script.push({ reset: true });
    const r = await new Provider(fast).chat(req('x'));
    expect(r.attempts).toBe(2);
    expect(r.content).toBe('[fake-model] x');
  });

  it('does not count an attempt nothing received: a refused connection is tried, not sent', async () => {
    const gone = await startFakeServer();
    const dead = { ...ep, baseUrl: gone.url };
    await gone.close();
    const p = new Provider({ ...fast, maxRetries: 2 });
    const err = (await p.chat(req('x', { endpoint: dead })).catch((e: unknown) => e)) as ProviderError;
    expect(err).toMatchObject({ kind: 'connection', attempts: 0 });
    expect(err.message).toMatch(/gave up after 3 attempts \(3 never reached the server\)/);
    expect(p.stats().calls).toBe(0);
    // A reset after the server read the request is a call: it was received.
    server.script.push({ reset: true });
    const r = await p.chat(req('y'));
    expect(r.attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
    expect(p.stats().calls).toBe(2);
  });

  it('retries a body cut off mid-way', async () => {
    server.script.push({ truncated: true });
    const r = await new Provider(fast).chat(req('x'));
    expect(r.attempts).toBe(2);
  });

  it('retries a non-JSON body and a body without choices', async () => {
    server.script.push({ malformed: true }, { noChoices: true });
    const r = await new Provider(fast).chat(req('x'));
    expect(r.attempts).toBe(3);
    expect(r.content).toBe('[fake-model] x');
  });

  it.each([400, 401, 403, 404, 422])('does not retry %i', async (status) => {
    server.script.push({ status, error: { message: 'bad request body' } });
    const p = new Provider(fast);
    const err = await p.chat(req('x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'http', status, retryable: false });
    expect(server.requests).toHaveLength(1);
    expect(p.stats()).toMatchObject({ calls: 1, errors: 1, retries: 0 });
  });

  it('gives up after maxRetries with the last cause', async () => {
    server.script.push({ status: 500 }, { status: 502 }, { status: 503 });
    const p = new Provider({ ...fast, maxRetries: 2 });
    const err = (await p.chat(req('x')).catch((e: unknown) => e)) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.kind).toBe('http');
    expect(err.status).toBe(503);
    expect(err.attempts).toBe(3);
    expect(err.message).toContain('gave up after 3 attempts');
    expect(err.cause).toBeInstanceOf(ProviderError);
    expect(server.requests).toHaveLength(3);
  });

  it.each([
    [{ reset: true } as const, 'connection'],
    [{ truncated: true } as const, 'connection'],
    [{ malformed: true } as const, 'malformed'],
    [{ noChoices: true } as const, 'malformed'],
    [{ delayMs: 800 }, 'timeout'],
    [{ status: 503 }, 'http'],
  ])('classifies %j as a retryable %s failure', async (fault, kind) => {
    server.script.push(fault);
    const p = new Provider({ ...fast, maxRetries: 0, timeoutMs: 150 });
    const err = await p.chat(req('x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind, retryable: true });
  });

  it('reports each network attempt to onCall', async () => {
    server.script.push({ status: 503 });
    const calls: unknown[] = [];
    await new Provider({ ...fast, onCall: (i) => calls.push(i) }).chat(req('x'));
    expect(calls).toMatchObject([
      { endpoint: 'fake', model: 'fake-model', attempt: 1, ok: false, status: 503, errorKind: 'http' },
      { endpoint: 'fake', attempt: 2, ok: true, usage: { prompt: 1, completion: 2, total: 3 } },
    ]);
  });
});
