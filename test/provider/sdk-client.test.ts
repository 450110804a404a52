// The SDK client subclass (src/provider/sdk-client.ts) caches what the SDK
// computes per call; on the wire and in its errors it must be the SDK itself.
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SdkClient } from '../../src/provider/sdk-client.js';
import { wireFetch } from '../../src/provider/wire-fetch.js';
import { startFakeServer, type FakeReply, type FakeServer } from '../helpers/fake-server.js';

let server: FakeServer;
beforeEach(async () => {
  server = await startFakeServer();
});
afterEach(async () => {
  await server.close();
});

type Make = (opts: ConstructorParameters<typeof OpenAI>[0]) => OpenAI;
const plain: Make = (o) => new OpenAI(o);
const ours: Make = (o) => new SdkClient(o!);

function options(extra: Record<string, unknown> = {}) {
  return {
    apiKey: 'sk-test-key',
    organization: 'org-123',
    project: 'proj-456',
    baseURL: server.url,
    maxRetries: 0,
    timeout: 30_000,
    fetch: wireFetch() as unknown as typeof fetch,
    ...extra,
  };
}

const body = (content: string) => ({
  model: 'm',
  messages: [{ role: 'user' as const, content }],
  temperature: 0,
  max_tokens: 16,
});

/** Everything of a request that reaches the socket: request line, every header in order and case, body bytes. */
function wire(from: number) {
  return server.requests
    .slice(from)
    .map((r) => ({ line: `${r.method} ${r.url} HTTP/${r.httpVersion}`, headers: r.rawHeaders, body: r.rawBody.toString('hex') }));
}

/** Runs the same calls on a client made by `make`; returns what went on the wire. */
async function calls(make: Make, script: FakeReply[] = []) {
  const from = server.requests.length;
  server.script.push(...script);
  const client = make(options({ maxRetries: 2 }));
  // No per-request timeout (no X-Stainless-Timeout), two per-request ones, each twice
  // (the second hits the subclass's cache), non-ASCII content.
  await client.chat.completions.create(body('a'));
  await client.chat.completions.create(body('a'));
  await client.chat.completions.create(body('é “b” 😀'), { timeout: 5_000, maxRetries: 0 });
  await client.chat.completions.create(body('c'), { timeout: 5_000, maxRetries: 0 });
  await client.chat.completions.create(body('d'), { timeout: 61_500 });
  // Retried twice after 500s: retry counts 0, 1, 2.
  server.script.push({ status: 500, retryAfterMs: 1 }, { status: 500, retryAfterMs: 1 });
  await client.chat.completions.create(body('e'));
  return wire(from);
}

describe('SdkClient on the wire', () => {
  it('sends the same request line, headers and body bytes as the unmodified SDK client', async () => {
    const want = await calls(plain);
    const got = await calls(ours);
    expect(want).toHaveLength(8);
    expect(got).toEqual(want);
    // The headers that vary per call are among them.
    const names = (i: number) => want[i]!.headers.filter((_, j) => j % 2 === 0).map((n) => n.toLowerCase());
    expect(names(2)).toEqual(
      expect.arrayContaining(['authorization', 'openai-organization', 'openai-project', 'x-stainless-retry-count', 'x-stainless-timeout', 'content-length']),
    );
    const header = (i: number, n: string) => server.requests[i]!.headers[n];
    expect([5, 6, 7].map((i) => header(i, 'x-stainless-retry-count'))).toEqual(['0', '1', '2']);
    expect([0, 2, 4].map((i) => header(i, 'x-stainless-timeout'))).toEqual([undefined, '5', '61']);
    expect(header(0, 'user-agent')).toMatch(/^OpenAI\/JS /);
  });

  it('hands the debug logger the real request headers, as the SDK does', async () => {
    const seen: unknown[] = [];
    const logger = { debug: (...a: unknown[]) => seen.push(a), info() {}, warn() {}, error() {} };
    const client = ours(options({ logLevel: 'debug', logger }));
    await client.chat.completions.create(body('a'));
    const sending = seen.find((a) => String((a as unknown[])[0]).includes('sending request')) as [string, { headers: Record<string, string> }];
    expect(sending[1].headers).toMatchObject({ authorization: '***', 'openai-organization': 'org-123', 'x-stainless-retry-count': '0' });
  });

  it('uses a new key when the client key changes', async () => {
    const client = ours(options());
    await client.chat.completions.create(body('a'));
    client.apiKey = 'sk-other';
    await client.chat.completions.create(body('a'));
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer sk-test-key', 'Bearer sk-other']);
  });
});

describe('SdkClient errors', () => {
  const faults: [string, FakeReply][] = [
    ['400', { status: 400, error: { message: 'bad param', type: 'invalid_request_error', param: 'temperature', code: 'unsupported_value' } }],
    ['401', { status: 401 }],
    ['429', { status: 429, retryAfter: 7, retryAfterMs: 1234 }],
    ['500', { status: 500 }],
    ['503', { status: 503, retryAfterMs: 5 }],
    ['reset', { reset: true }],
    ['timeout', { delayMs: 400 }],
  ];
  async function failure(make: Make, fault: FakeReply) {
    server.script.push(fault);
    const err = (await make(options({ timeout: 100 }))
      .chat.completions.create(body('x'))
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    const h = err.headers as Headers | undefined;
    return {
      class: err.constructor.name,
      status: err.status,
      message: err.message,
      error: err.error,
      code: err.code,
      param: err.param,
      type: err.type,
      headers: h ? ['retry-after', 'retry-after-ms', 'content-type'].map((n) => h.get(n)) : null,
      cause: (err as { cause?: unknown }).cause?.constructor.name ?? null,
    };
  }
  it.each(faults)('%s: same error class, status, message and headers as the unmodified client', async (_, fault) => {
    const want = await failure(plain, fault);
    const got = await failure(ours, fault);
    expect(got).toEqual(want);
    expect(want.class).not.toBe('Object');
  });
});
