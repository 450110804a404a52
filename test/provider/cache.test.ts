import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskCache } from '../../src/provider/cache.js';
import { Provider, requestHash, type ChatRequest, type Endpoint } from '../../src/provider/index.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';

let server: FakeServer;
let dir: string;
let ep: Endpoint;

beforeEach(async () => {
  server = await startFakeServer();
  dir = await mkdtemp(join(tmpdir(), 'rj-cache-'));
  ep = { name: 'fake', baseUrl: server.url, model: 'm' };
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const ask = (text: string, key = 'round-1', extra: Partial<ChatRequest> = {}): ChatRequest => ({
  endpoint: ep,
  messages: [{ role: 'user', content: text }],
  params: { temperature: 0.7 },
  key,
  ...extra,
});

async function segments(): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.endsWith('.jsonl'));
}

describe('response cache', () => {
  it('serves an identical rerun from disk with zero network calls', async () => {
    const first = new Provider({ cacheDir: dir });
    const a = await Promise.all(['a', 'b', 'c'].map((t) => first.chat(ask(t))));
    await first.close();
    expect(server.requests).toHaveLength(3);

    const second = new Provider({ cacheDir: dir });
    const b = await Promise.all(['a', 'b', 'c'].map((t) => second.chat(ask(t))));
    expect(server.requests).toHaveLength(3);
    expect(b.map((r) => r.content)).toEqual(a.map((r) => r.content));
    expect(b.every((r) => r.cached && r.attempts === 0)).toBe(true);
    expect(b.map((r) => r.requestHash)).toEqual(a.map((r) => r.requestHash));
    expect(b[0]!.sent).toEqual(a[0]!.sent);
    expect(b[0]!.usage).toEqual(a[0]!.usage);
    expect(second.stats()).toMatchObject({ calls: 0, cacheHits: 3 });
    await second.close();
    // All-hit runs leave no empty segment behind.
    expect(await segments()).toHaveLength(1);
  });

  it('hits within the same Provider before and after close', async () => {
    const p = new Provider({ cacheDir: dir });
    await p.chat(ask('a'));
    expect((await p.chat(ask('a'))).cached).toBe(true);
    await p.close();
    expect((await p.chat(ask('a'))).cached).toBe(true);
    expect(server.requests).toHaveLength(1);
    await p.close();
  });

  it('treats a different key as a separate draw', async () => {
    const p = new Provider({ cacheDir: dir });
    server.setHandler((_b, ctx) => `draw ${ctx.index}`);
    const r1 = await p.chat(ask('a', 'round-1'));
    const r2 = await p.chat(ask('a', 'round-2'));
    expect(server.requests).toHaveLength(2);
    expect(r1.content).toBe('draw 0');
    expect(r2.content).toBe('draw 1');
    expect(r1.requestHash).not.toBe(r2.requestHash);
    await p.close();
  });

  it('joins identical requests already in flight', async () => {
    const p = new Provider({ cacheDir: dir });
    const [x, y] = await Promise.all([p.chat(ask('same')), p.chat(ask('same'))]);
    expect(server.requests).toHaveLength(1);
    expect(x.content).toBe(y.content);
    expect([x.cached, y.cached].sort()).toEqual([false, true]);
    await p.close();
  });

  it('noCache neither reads nor writes the cache', async () => {
    const p = new Provider({ cacheDir: dir });
    await p.chat(ask('a'));
    const bypass = await p.chat(ask('a', 'round-1', { noCache: true }));
    expect(bypass.cached).toBe(false);
    expect(server.requests).toHaveLength(2);
    await p.chat(ask('fresh', 'round-1', { noCache: true }));
    await p.close();
    const q = new Provider({ cacheDir: dir });
    await q.chat(ask('fresh'));
    expect(server.requests).toHaveLength(4);
    await q.close();
  });

  it('refresh (a redo) reads no cached reply, but caches the new one', async () => {
    const p = new Provider({ cacheDir: dir });
    await p.chat(ask('a'));
    const redo = await p.chat(ask('a', 'round-1', { refresh: true }));
    expect(redo.cached).toBe(false);
    expect(server.requests).toHaveLength(2);
    await p.chat(ask('new', 'round-1', { refresh: true }));
    expect(await p.isCached(ask('new', 'round-1', { refresh: true }))).toBe(false);
    await p.close();
    // A later run (a killed redo's rerun, or a plain one) is answered from it: not paid twice.
    const q = new Provider({ cacheDir: dir });
    expect((await q.chat(ask('new'))).cached).toBe(true);
    expect(server.requests).toHaveLength(3);
    await q.close();
  });

  it('ignores a torn last line left by a killed process', async () => {
    const p = new Provider({ cacheDir: dir });
    await p.chat(ask('kept'));
    await p.close();
    const [seg] = await segments();
    const torn = requestHash(ask('torn'));
    await appendFile(join(dir, seg!), `{"h":"${torn}","content":"half writ`);

    const q = new Provider({ cacheDir: dir });
    expect((await q.chat(ask('kept'))).cached).toBe(true);
    const r = await q.chat(ask('torn'));
    expect(r.cached).toBe(false);
    expect(r.content).toBe('[m] torn');
    expect(server.requests).toHaveLength(2);
    await q.close();
  });

  it('stores only hash, content, usage, finish reason and sent params', async () => {
    const p = new Provider({ cacheDir: dir });
    await p.chat(ask('a'));
    await p.close();
    const [seg] = await segments();
    const lines = (await readFile(join(dir, seg!), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(Object.keys(entry)).toEqual(['h', 'content', 'usage', 'finishReason', 'sent']);
    expect(entry).toMatchObject({ content: '[m] a', finishReason: 'stop', sent: { model: 'm', temperature: 0.7 } });
  });
});

describe('DiskCache', () => {
  const entry = (h: string, content: string) => ({ h, content, usage: null, finishReason: 'stop', sent: { model: 'm' } });
  const H = (c: string) => c.repeat(64);

  it('indexes many entries across segments and lets later lines win', async () => {
    const a = await DiskCache.open(dir);
    for (let i = 0; i < 2000; i++) a.put(entry(i.toString(16).padStart(64, '0'), `v${i} ✓`));
    a.put(entry(H('a'), 'old'));
    await a.close();
    const b = await DiskCache.open(dir);
    b.put(entry(H('a'), 'new'));
    await b.close();

    const c = await DiskCache.open(dir);
    expect(c.size).toBe(2001);
    expect((await c.get((1234).toString(16).padStart(64, '0')))?.content).toBe('v1234 ✓');
    expect((await c.get(H('a')))?.content).toBe('new');
    expect(await c.get(H('b'))).toBeNull();
    await c.close();
  });

  it('reads lines longer than its scan buffer', async () => {
    const a = await DiskCache.open(dir);
    const big = 'x'.repeat(5 * 1024 * 1024);
    a.put(entry(H('1'), big));
    a.put(entry(H('2'), 'small'));
    await a.close();
    const b = await DiskCache.open(dir);
    expect((await b.get(H('1')))?.content).toBe(big);
    expect((await b.get(H('2')))?.content).toBe('small');
    await b.close();
  });

  it('skips lines that are not cache entries', async () => {
    await appendFile(join(dir, 'cache-manual.jsonl'), `garbage\n{"h":"short"}\n${JSON.stringify(entry(H('c'), 'ok'))}\n`);
    const c = await DiskCache.open(dir);
    expect(c.size).toBe(1);
    expect((await c.get(H('c')))?.content).toBe('ok');
    await c.close();
  });
});
