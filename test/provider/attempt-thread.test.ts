// Network attempts on a worker thread (ROLEJUDGE_PROVIDER_THREAD=1): the same
// answers, retries, adaptations and error kinds as on the main thread. The
// worker runs compiled code, so both providers come from dist/ (built by the
// global setup).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type * as ProviderModule from '../../src/provider/index.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { startFakeServer, type FakeReply, type FakeServer } from '../helpers/fake-server.js';

let mod: typeof ProviderModule;
beforeAll(async () => {
  mod = (await import(pathToFileURL(join(REPO_ROOT, 'dist', 'provider', 'index.js')).href)) as typeof ProviderModule;
});

let server: FakeServer;
beforeEach(async () => {
  server = await startFakeServer();
});
afterEach(async () => {
  await server.close();
});

// Each case: the script the server follows, then one chat() call.
const cases: [string, FakeReply[]][] = [
  ['a plain answer', []],
  ['a 429 with Retry-After, then an answer', [{ status: 429, retryAfterMs: 5 }]],
  ['two 500s, then an answer', [{ status: 500 }, { status: 500 }]],
  [
    'a 400 naming a parameter (adapted and re-sent)',
    [{ status: 400, error: { message: "Unsupported parameter: 'temperature'", param: 'temperature', code: 'unsupported_parameter' } }],
  ],
  ['a 401 (not retried)', [{ status: 401 }]],
  ['500s until the retries run out', [{ status: 500 }, { status: 500 }, { status: 500 }]],
  ['a reset connection, then an answer', [{ reset: true }]],
  ['a stall past the timeout, then an answer', [{ delayMs: 600 }]],
  ['a malformed body', [{ malformed: true }, { malformed: true }, { malformed: true }]],
];

async function run(thread: boolean, script: FakeReply[]) {
  server.script.push(...script);
  const from = server.requests.length;
  const p = new mod.Provider({ cacheDir: null, thread, maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2, jitter: false, timeoutMs: 300 });
  const ep = { name: 'fake', baseUrl: server.url, model: 'm', apiKeyEnv: 'FAKE_KEY' };
  const outcome = await p.chat({ endpoint: ep, messages: [{ role: 'user', content: 'é “x” 😀' }], params: { temperature: 0, max_tokens: 8 }, key: 'k' }).then(
    (r) => ({ content: r.content, attempts: r.attempts, sent: r.sent, usage: r.usage, finishReason: r.finishReason }),
    (e: InstanceType<typeof mod.ProviderError>) => ({
      error: e.constructor.name,
      kind: e.kind,
      status: e.status,
      message: e.message,
      retryable: e.retryable,
      attempts: e.attempts,
    }),
  );
  const sentToWorker = (p as unknown as { thread: { sent: number } | null }).thread?.sent ?? 0;
  await p.close();
  const bodies = server.requests.slice(from).map((r) => r.rawBody.toString('hex'));
  return { outcome, stats: p.stats(), bodies, sentToWorker };
}

describe('Provider with attempts on a worker thread', () => {
  it.each(cases)('%s: same outcome, attempts and bodies as on the main thread', async (_, script) => {
    process.env.FAKE_KEY = 'sk-fake';
    const main = await run(false, script);
    const threaded = await run(true, script);
    expect(threaded.outcome).toEqual(main.outcome);
    expect({ ...threaded.stats, latencyMsTotal: 0 }).toEqual({ ...main.stats, latencyMsTotal: 0 });
    expect(threaded.bodies).toEqual(main.bodies);
    // Every attempt went through the worker (the main-thread provider used none).
    expect(main.sentToWorker).toBe(0);
    expect(threaded.sentToWorker).toBe(threaded.bodies.length);
    expect(threaded.bodies.length).toBeGreaterThan(0);
  });
});
