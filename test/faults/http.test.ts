// Transient HTTP trouble the provider must ride out: 429 storms with
// Retry-After, bursts of 500/503, and replies slower than the timeout. Each
// is capped per request below the retry budget, so the run must end exactly
// as the undisturbed reference did.
import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeFault } from '../helpers/fake-server.js';
import { draw, injectedKinds, requestKey, type FaultCall } from './faulty.js';
import { disturbedRun, expectAbsorbed } from './disturbed.js';
import { buildReference, type Reference } from './pipeline.js';

/** Arrival windows [from, to) of a storm: one early in generate, one in score, one in compare. */
function inWindows(n: number, windows: Array<[number, number]>): boolean {
  return windows.some(([a, b]) => n >= a && n < b);
}

describe('transient HTTP faults', () => {
  let ref: Reference;
  beforeAll(async () => {
    ref = await buildReference();
  });

  it('429 storms with Retry-After: same figures, one record per key', async () => {
    const windows: Array<[number, number]> = [
      [3, 15],
      [30, 42],
      [62, 74],
    ];
    // OpenAI sends both headers; the millisecond one must win or every retry waits a second.
    const storm: FakeFault = {
      status: 429,
      retryAfter: 1,
      retryAfterMs: 25,
      error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' },
    };
    const plan = (c: FaultCall) => (inWindows(c.n, windows) && c.seen < 3 ? storm : null);
    const d = await disturbedRun('storm', plan, { maxRetries: 5 });
    expect(injectedKinds(d.faulty)['429']).toBeGreaterThanOrEqual(24);
    expectAbsorbed(d, ref);
  });

  it('bursts of 500 and 503: same figures, one record per key', async () => {
    const windows: Array<[number, number]> = [
      [2, 8],
      [20, 27],
      [50, 57],
    ];
    const plan = (c: FaultCall): FakeFault | null =>
      inWindows(c.n, windows) && c.seen < 2 ? { status: c.n % 2 ? 500 : 503, ...(c.n % 3 ? {} : { retryAfterMs: 20 }) } : null;
    const d = await disturbedRun('5xx', plan, { maxRetries: 4 });
    const kinds = injectedKinds(d.faulty);
    expect(kinds['500']).toBeGreaterThanOrEqual(3);
    expect(kinds['503']).toBeGreaterThanOrEqual(3);
    expectAbsorbed(d, ref);
  });

  it('replies slower than the timeout are abandoned and retried: same figures', async () => {
    // A quarter of first arrivals stall past the 300 ms timeout; a fifth are slow but in time.
    const plan = (c: FaultCall): FakeFault | null => {
      if (c.seen > 0) return null;
      const x = draw(c.key, 'slow');
      if (x < 0.25) return { delayMs: 1_500 };
      if (x < 0.45) return { delayMs: 60 };
      return null;
    };
    const d = await disturbedRun('slow', plan, { maxRetries: 4, timeoutMs: 300 });
    const stalled = d.faulty.injected.filter((f) => f.kind === 'delay' && draw(f.key, 'slow') < 0.25);
    expect(stalled.length).toBeGreaterThanOrEqual(8);
    // Every stalled request was sent again: the timeout fired instead of waiting it out.
    const arrivals = new Map<string, number>();
    for (const q of d.server.requests) arrivals.set(requestKey(q.body), (arrivals.get(requestKey(q.body)) ?? 0) + 1);
    for (const f of stalled) expect(arrivals.get(f.key)).toBeGreaterThanOrEqual(2);
    expectAbsorbed(d, ref);
  });
});
