import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Provider, ProviderError, providerErrorMessage, type Endpoint } from '../../src/provider/index.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';

const KEY = 'sk-secret-123';
let server: FakeServer;
let dir: string;
let ep: Endpoint;

beforeEach(async () => {
  server = await startFakeServer();
  dir = await mkdtemp(join(tmpdir(), 'rj-secret-'));
  ep = { name: 'fake', baseUrl: server.url, model: 'm', apiKeyEnv: 'FAKE_KEY' };
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
  delete process.env.FAKE_KEY;
});

const ask = (endpoint: Endpoint, text = 'hi') => ({ endpoint, messages: [{ role: 'user' as const, content: text }], params: {}, key: 'k' });

describe('API key handling', () => {
  it('reads the key from the named env var and keeps it out of errors and the cache', async () => {
    process.env.FAKE_KEY = KEY;
    // A server that echoes the key back, as some proxies do.
    server.setHandler((body, ctx) =>
      body.messages[0].content === 'fail'
        ? { status: 401, error: { message: `Incorrect API key provided: ${ctx.request.headers.authorization}` } }
        : `you said ${body.messages[0].content} with ${ctx.request.headers.authorization}`,
    );
    const infos: unknown[] = [];
    const p = new Provider({ cacheDir: dir, onCall: (i) => infos.push(i) });
    const ok = await p.chat(ask(ep));
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(ok.content).toBe('you said hi with Bearer [REDACTED]');

    const err = await p.chat(ask(ep, 'fail')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).status).toBe(401);
    const shown = [String(err), (err as Error).stack, JSON.stringify(err), providerErrorMessage(err)].join('\n');
    expect(shown).toContain('Incorrect API key provided');
    expect(shown).not.toContain(KEY);
    expect(JSON.stringify(infos)).not.toContain(KEY);
    await p.close();

    const files = await readdir(dir);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = await readFile(join(dir, f), 'utf8');
      expect(text).toContain('you said hi');
      expect(text).not.toContain(KEY);
    }
  });

  it('uses a placeholder key when the env var is unset or empty', async () => {
    const p = new Provider({ cacheDir: null, env: { FAKE_KEY: '' } });
    await p.chat(ask(ep));
    await p.chat(ask({ ...ep, apiKeyEnv: undefined }, 'two'));
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer sk-no-key', 'Bearer sk-no-key']);
  });

  it('takes the key from the env option when given', async () => {
    const p = new Provider({ cacheDir: null, env: { FAKE_KEY: 'sk-from-option' } });
    await p.chat(ask(ep));
    expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-from-option');
  });
});
