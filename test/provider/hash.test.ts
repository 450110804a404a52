import { describe, expect, it } from 'vitest';
import { canonicalJson, requestHash } from '../../src/provider/hash.js';
import type { ChatRequest } from '../../src/provider/index.js';

const base: ChatRequest = {
  endpoint: { name: 'a', baseUrl: 'http://h/v1', model: 'm' },
  messages: [{ role: 'user', content: 'hi' }],
  params: { temperature: 0, max_tokens: 10 },
  key: 'r1',
};

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"z":1}]},"b":1}');
  });
});

describe('requestHash', () => {
  it('is a sha256 hex independent of key order and endpoint naming', () => {
    const h = requestHash(base);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(requestHash({ ...base, params: { max_tokens: 10, temperature: 0 } })).toBe(h);
    expect(requestHash({ ...base, endpoint: { ...base.endpoint, name: 'other', concurrency: 3, apiKeyEnv: 'X' } })).toBe(h);
    expect(requestHash({ ...base, endpoint: { ...base.endpoint, baseUrl: 'http://h/v1/' } })).toBe(h);
  });

  it('changes with anything that changes the question or the draw', () => {
    const h = requestHash(base);
    const variants: ChatRequest[] = [
      { ...base, key: 'r2' },
      { ...base, params: { temperature: 0.5, max_tokens: 10 } },
      { ...base, messages: [{ role: 'user', content: 'hi!' }] },
      { ...base, endpoint: { ...base.endpoint, model: 'm2' } },
      { ...base, endpoint: { ...base.endpoint, baseUrl: 'http://other/v1' } },
      { ...base, responseFormat: { type: 'object' }, endpoint: { ...base.endpoint, structuredOutput: true } },
    ];
    const hashes = variants.map(requestHash);
    expect(new Set([h, ...hashes]).size).toBe(variants.length + 1);
  });

  it('hashes what a reasoning model is sent, not what was asked', () => {
    const gpt5 = { ...base.endpoint, model: 'gpt-5' };
    expect(requestHash({ ...base, endpoint: gpt5, params: { temperature: 0, max_tokens: 10 } })).toBe(
      requestHash({ ...base, endpoint: gpt5, params: { max_completion_tokens: 10 } }),
    );
  });
});
