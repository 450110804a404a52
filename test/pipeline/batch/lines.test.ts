import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { groupLines, lineOf, splitLines, type BatchLine } from '../../../src/pipeline/batch/lines.js';
import { Provider, requestHash } from '../../../src/provider/index.js';
import { startFakeServer, type FakeServer } from '../../helpers/fake-server.js';
import { chatReq } from './setup.js';

let server: FakeServer;
beforeEach(async () => {
  server = await startFakeServer();
});
afterEach(async () => {
  await server.close();
});

const ep = (model: string, extra = {}) => ({ name: model, baseUrl: server.url, model, ...extra });
const SCHEMA = { title: 'Score reply', type: 'object', properties: { score: { type: 'integer' } }, required: ['score'], additionalProperties: false };

describe('batch lines', () => {
  it.each([
    ['a plain model', () => chatReq(ep('fake-model'), 'hi there')],
    ['a reasoning model (no temperature, max_completion_tokens)', () => chatReq(ep('gpt-5-mini'), 'judge this')],
    ['structured output', () => chatReq(ep('gpt-4o', { structuredOutput: true }), 'score it', { responseFormat: SCHEMA })],
  ])('for %s, custom_id is the request hash and body is what the online call sends', async (_, make) => {
    const req = make();
    const provider = new Provider({ cacheDir: null });
    const line = lineOf(provider, req);
    const parsed = JSON.parse(line.text);
    expect(line.text.endsWith('\n')).toBe(true);
    expect(line.bytes).toBe(Buffer.byteLength(line.text));
    expect(parsed).toMatchObject({ custom_id: requestHash(req), method: 'POST', url: '/v1/chat/completions' });
    const online = await provider.chat(req);
    expect(parsed.body).toEqual(server.requests.at(-1)!.body);
    expect(line.sent).toEqual(online.sent);
  });

  it('adapts reasoning-model params and names the json schema', () => {
    const provider = new Provider({ cacheDir: null });
    const r = JSON.parse(lineOf(provider, chatReq(ep('gpt-5-mini'), 'x')).text).body;
    expect(r).not.toHaveProperty('temperature');
    expect(r).not.toHaveProperty('max_tokens');
    expect(r.max_completion_tokens).toBe(64);
    const s = JSON.parse(lineOf(provider, chatReq(ep('gpt-4o', { structuredOutput: true }), 'x', { responseFormat: SCHEMA })).text).body;
    expect(s.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'Score_reply', schema: SCHEMA, strict: true } });
    expect(s.temperature).toBe(0);
  });

  it('groups by server, key variable and model', () => {
    const provider = new Provider({ cacheDir: null });
    const reqs = [
      chatReq(ep('m1'), 'a'),
      chatReq(ep('m2'), 'b'),
      chatReq(ep('m1'), 'c'),
      chatReq(ep('m1', { apiKeyEnv: 'OTHER_KEY' }), 'd'),
      chatReq({ ...ep('m1'), baseUrl: `${server.url}/` }, 'e'),
    ];
    const groups = groupLines(provider, reqs);
    expect(groups.map((g) => g.lines.length)).toEqual([3, 1, 1]);
    expect(groups[0]!.lines.map((l) => l.customId)).toEqual([reqs[0], reqs[2], reqs[4]].map((r) => requestHash(r!)));
  });
});

describe('splitLines', () => {
  const line = (i: number, bytes = 10): BatchLine => ({ customId: `id${i}`, text: 'x'.repeat(bytes - 1) + '\n', bytes, sent: { model: 'm' } });
  const ids = (files: BatchLine[][]) => files.map((f) => f.map((l) => l.customId));

  it('respects the request limit, in order', () => {
    const { files, tooLarge } = splitLines(
      [0, 1, 2, 3, 4].map((i) => line(i)),
      { maxRequests: 2, maxBytes: 1000 },
    );
    expect(ids(files)).toEqual([['id0', 'id1'], ['id2', 'id3'], ['id4']]);
    expect(tooLarge).toEqual([]);
  });

  it('respects the byte limit and sets apart a line that fits no file', () => {
    const lines = [line(0), line(1), line(2, 50), line(3), line(4)];
    const { files, tooLarge } = splitLines(lines, { maxRequests: 100, maxBytes: 25 });
    expect(ids(files)).toEqual([
      ['id0', 'id1'],
      ['id3', 'id4'],
    ]);
    expect(tooLarge.map((l) => l.customId)).toEqual(['id2']);
    for (const f of files) expect(f.reduce((n, l) => n + l.bytes, 0)).toBeLessThanOrEqual(25);
  });

  it('refuses non-positive limits', () => {
    expect(() => splitLines([line(0)], { maxRequests: 0, maxBytes: 10 })).toThrow(RangeError);
  });
});
