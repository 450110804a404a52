// Prompt-cache hits as the server reports them (usage.prompt_tokens_details.cached_tokens),
// through the real openai client on both transports.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Provider, type ChatRequest, type Endpoint } from '../../src/provider/index.js';
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

const req = (text: string): ChatRequest => ({ endpoint: ep, messages: [{ role: 'user', content: text }], params: { temperature: 0 }, key: 'k' });

describe.each(['sdk', 'node-http'] as const)('cached prompt tokens (%s transport)', (transport) => {
  it('records cached_tokens in the usage and sums them in the stats', async () => {
    server.setHandler((_body, { index }) => ({
      content: 'ok',
      usage: { prompt_tokens: 1000, completion_tokens: 5, prompt_tokens_details: { cached_tokens: index === 0 ? 0 : 768 } },
    }));
    const p = new Provider({ cacheDir: null, transport });
    const first = await p.chat(req('one'));
    const second = await p.chat(req('two'));
    expect(first.usage).toEqual({ prompt: 1000, completion: 5, total: 1005, cached: 0 });
    expect(second.usage).toEqual({ prompt: 1000, completion: 5, total: 1005, cached: 768 });
    const s = p.stats();
    expect(s.promptTokens).toBe(2000);
    expect(s.cachedPromptTokens).toBe(768);
  });

  it('leaves cached out when the server does not report it (no made-up zero)', async () => {
    server.setHandler(() => ({ content: 'ok', usage: { prompt_tokens: 10, completion_tokens: 2 } }));
    const p = new Provider({ cacheDir: null, transport });
    const r = await p.chat(req('x'));
    expect(r.usage).toEqual({ prompt: 10, completion: 2, total: 12 });
    expect(r.usage).not.toHaveProperty('cached');
    expect(p.stats().cachedPromptTokens).toBe(0);
  });
});
