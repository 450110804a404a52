// A wait for a provider's long rate-limit window is said, once per endpoint,
// with when it ends; calls the pacer holds are shown apart on the progress line.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRateLimitedServer } from '../../bench/lib/rate-server.mjs';
import { Progress, reportRateLimitWaits } from '../../src/core/progress.js';
import { Pacer } from '../../src/provider/pacer.js';
import { Provider, type ChatRequest, type Endpoint } from '../../src/provider/index.js';
import { waitFor } from '../e2e/workspace.js';

const limits = (remaining: number, reset: string) => ({
  get: (n: string) =>
    ({ 'x-ratelimit-limit-requests': '100', 'x-ratelimit-remaining-requests': String(remaining), 'x-ratelimit-reset-requests': reset })[n] ?? null,
});

const quietStream = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;

describe('Pacer: long windows are announced', () => {
  it('says once per endpoint that it waits for the window, naming the endpoint, the budget and when it ends', async () => {
    const said: string[] = [];
    const wall = Date.parse('2026-12-03T17:00:00Z');
    const pacer = new Pacer(
      () => 0,
      Number.POSITIVE_INFINITY,
      (m) => said.push(m),
      () => wall,
    );
    const probe = await pacer.admit('e', 1, 0, 'judge:gpt-4o (https://api.example/v1)');
    // 100 requests per 10 minutes, all spent: each request is 6 s of refill, and the reserve keeps 2: 18 s.
    pacer.settle(probe, { ok: true, headers: limits(0, '10m0s') });
    const held = [1, 2, 3].map(() => pacer.admit('e', 1, 0).catch(() => 'aborted'));
    expect(pacer.waiting()).toBe(3);
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('waiting 18 s for judge:gpt-4o (https://api.example/v1), until 2026-12-03T17:00:18Z');
    expect(said[0]).toContain('requests budget (100 per 10 min, from its x-ratelimit headers) is spent');
    // Another endpoint has its own notice; a second wait on the first says nothing new.
    const other = await pacer.admit('f', 1, 0, 'model:m (http://x/v1)');
    pacer.settle(other, { ok: true, headers: limits(0, '10m0s') });
    const more = pacer.admit('f', 1, 0).catch(() => 'aborted');
    expect(said).toHaveLength(2);
    expect(said[1]).toContain('for model:m (http://x/v1)');
    pacer.abortAll(new Error('done'));
    expect(await Promise.all([...held, more])).toEqual(['aborted', 'aborted', 'aborted', 'aborted']);
    expect(pacer.waiting()).toBe(0);
  });

  it('says nothing for the short waits of a busy per-second window', async () => {
    const said: string[] = [];
    let t = 0;
    const pacer = new Pacer(
      () => t,
      Number.POSITIVE_INFINITY,
      (m) => said.push(m),
    );
    const probe = await pacer.admit('e', 1, 0, 'e');
    pacer.settle(probe, { ok: true, headers: limits(0, '1s') });
    const next = pacer.admit('e', 1, 0);
    t += 1000;
    await next;
    expect(said).toEqual([]);
  });
});

describe('progress line and a provider held by a long window', () => {
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await close?.();
    close = null;
  });

  it('counts registered rate-limit waits apart from the calls in flight', () => {
    const p = new Progress({ label: 'score', total: 10, stream: quietStream });
    p.begin(4);
    expect(p.line()).toContain('in flight 4 · done 0');
    const stop = reportRateLimitWaits(() => 3);
    expect(p.line()).toContain('in flight 4 · 3 calls waiting for rate limit (not sent yet) · done 0');
    stop();
    expect(p.line()).not.toContain('waiting for rate limit');
    p.finish();
  });

  it('a provider whose server allows 3 requests per 10 minutes: the notice on stderr, the held call on the progress line', async () => {
    const s = createRateLimitedServer({ requests: 3, tokens: 1_000_000, windowMs: 600_000, latencyMs: 5 });
    await new Promise<void>((r) => s.server.listen(0, '127.0.0.1', r));
    close = async () => {
      s.server.closeAllConnections();
      await new Promise((r) => s.server.close(r));
    };
    const ep: Endpoint = { name: 'judge:slow', baseUrl: `http://127.0.0.1:${(s.server.address() as AddressInfo).port}/v1`, model: 'm' };
    const ask = (i: number): ChatRequest => ({ endpoint: ep, messages: [{ role: 'user', content: `rate ${i}` }], params: { max_tokens: 5 }, key: String(i) });
    const said: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => (said.push(String(chunk)), true));
    const p = new Provider({ cacheDir: null, concurrency: 8, seed: 1 });
    const progress = new Progress({ label: 'score', total: 4, stream: quietStream });
    try {
      const calls = [0, 1, 2, 3].map((i) =>
        p.chat(ask(i)).then(
          () => 'answered',
          () => 'aborted',
        ),
      );
      await waitFor(() => said.some((l) => l.includes('rate limit: waiting')), 'the rate-limit notice');
      const notice = said.filter((l) => l.includes('rate limit: waiting'));
      expect(notice).toHaveLength(1);
      expect(notice[0]).toContain(`for judge:slow (${ep.baseUrl}), until `);
      expect(notice[0]).toMatch(/until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
      expect(progress.line()).toMatch(/· [12] calls? waiting for rate limit \(not sent yet\)/);
      await p.close();
      // Closing the provider releases what the pacer held: nothing more was sent.
      const ends = await Promise.all(calls);
      expect(ends.filter((e) => e === 'answered').length).toBe(s.stats().accepted);
      expect(ends).toContain('aborted');
      expect(progress.line()).not.toContain('waiting for rate limit');
    } finally {
      spy.mockRestore();
      progress.finish();
    }
  });
});
