import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isReasoning } from '../../src/provider/endpoint.js';
import { ProviderError } from '../../src/provider/errors.js';
import { adaptationFor, emptyAdaptation, staticParams } from '../../src/provider/params.js';
import { Provider, type Endpoint } from '../../src/provider/index.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';

const ep = (model: string, extra: Partial<Endpoint> = {}): Endpoint => ({ name: 'e', baseUrl: 'http://x/v1', model, ...extra });

describe('reasoning model rules', () => {
  it.each([
    ['gpt-5', true],
    ['GPT-5-mini', true],
    ['o3-mini', true],
    ['o1', true],
    ['openai/gpt-5-nano', true],
    ['gpt-4o', false],
    ['qwen2.5-vl-7b', false],
    ['omni-1', false],
  ])('detects %s as reasoning=%s', (model, expected) => {
    expect(isReasoning(ep(model))).toBe(expected);
  });

  it('lets the endpoint flag override detection', () => {
    expect(isReasoning(ep('gpt-5', { reasoning: false }))).toBe(false);
    expect(isReasoning(ep('local-thinker', { reasoning: true }))).toBe(true);
  });

  it('drops temperature and renames max_tokens for reasoning models only', () => {
    expect(staticParams(ep('gpt-5'), { temperature: 0, max_tokens: 100, seed: 3 })).toEqual({ max_completion_tokens: 100, seed: 3 });
    expect(staticParams(ep('o3'), { temperature: 1 })).toEqual({ temperature: 1 });
    expect(staticParams(ep('gpt-4o'), { temperature: 0, max_tokens: 100, top_p: undefined })).toEqual({ temperature: 0, max_tokens: 100 });
  });

  it('adapts only to "unsupported" 400s naming a parameter that was sent', () => {
    const e400 = (message: string, param?: string) => new ProviderError({ kind: 'http', status: 400, retryable: false, message, ...(param ? { param } : {}) });
    const sent = { temperature: 0, max_tokens: 10 };
    const none = emptyAdaptation();
    expect(adaptationFor(e400("400 Unsupported parameter: 'max_tokens' is not supported with this model."), sent, none)).toMatchObject({
      maxCompletionTokens: true,
    });
    const t = adaptationFor(e400("400 Unsupported value: 'temperature' does not support 0 with this model."), sent, none);
    expect([...t!.dropped]).toEqual(['temperature']);
    expect(adaptationFor(e400('400 temperature must be between 0 and 2', 'temperature'), sent, none)).toBeNull();
    expect(adaptationFor(e400("400 Unsupported parameter: 'top_p'"), sent, none)).toBeNull();
    expect(adaptationFor(e400("400 Unsupported parameter: 'temperature'"), sent, t!)).toBeNull();
  });
});

describe('reasoning models over HTTP', () => {
  let server: FakeServer;
  beforeEach(async () => {
    server = await startFakeServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('sends max_completion_tokens and no temperature to gpt-5', async () => {
    const p = new Provider({ cacheDir: null });
    const r = await p.chat({
      endpoint: { name: 'judge', baseUrl: server.url, model: 'gpt-5-mini' },
      messages: [{ role: 'user', content: 'rate' }],
      params: { temperature: 0, max_tokens: 300 },
      key: 'k',
    });
    const body = server.requests[0]!.body;
    expect(body.temperature).toBeUndefined();
    expect(body.max_tokens).toBeUndefined();
    expect(body.max_completion_tokens).toBe(300);
    expect(r.sent).toEqual({ model: 'gpt-5-mini', max_completion_tokens: 300 });
  });

  it('learns from an unsupported-parameter 400 and remembers it for the endpoint', async () => {
    server.setHandler((body) => {
      if (body.max_tokens !== undefined) {
        return {
          status: 400,
          error: {
            message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
            type: 'invalid_request_error',
            param: 'max_tokens',
          },
        };
      }
      if (body.temperature !== undefined && body.temperature !== 1) {
        return { status: 400, error: { message: "Unsupported value: 'temperature' does not support 0.2 with this model.", param: 'temperature' } };
      }
      return 'fine';
    });
    const endpoint = { name: 'odd', baseUrl: server.url, model: 'custom-thinker' };
    const p = new Provider({ cacheDir: null });
    const ask = (key: string) => p.chat({ endpoint, messages: [{ role: 'user', content: 'q' }], params: { temperature: 0.2, max_tokens: 50 }, key });
    const first = await ask('1');
    expect(first.content).toBe('fine');
    expect(first.attempts).toBe(3);
    expect(first.sent).toEqual({ model: 'custom-thinker', max_completion_tokens: 50 });
    expect(server.requests).toHaveLength(3);
    const second = await ask('2');
    expect(second.attempts).toBe(1);
    expect(server.requests).toHaveLength(4);
    expect(server.requests[3]!.body).toMatchObject({ max_completion_tokens: 50 });
  });
});
