// A stop of the stage (a Retry-After too long) cuts calls short after some of
// their requests went out. Each call must carry how many it had sent, so the
// run can count them (unrecorded-spend.jsonl): the call that met the 429, and
// a call that had sent earlier attempts and then meets the other call's stop.
// And once stopped, nothing more is sent, not even a call waking from backoff.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Provider, type ChatRequest, type Endpoint } from '../../src/provider/index.js';
import { RetryAfterTooLong } from '../../src/provider/wait.js';
import { echoHandler, startFakeServer, type FakeServer } from '../helpers/fake-server.js';

let server: FakeServer;
let ep: Endpoint;

beforeEach(async () => {
  server = await startFakeServer({
    handler: (body, ctx) => {
      const text = String(body.messages[0].content);
      // "slow": first a 503 (the call sleeps 300 ms in backoff), "long": come back in an hour.
      if (text === 'slow' && ctx.index === 0) return { status: 503 };
      if (text === 'long') return { status: 429, retryAfter: 3600 };
      return echoHandler(body, ctx);
    },
  });
  ep = { name: 'judge:fj', baseUrl: server.url, model: 'fj' };
});
afterEach(async () => {
  await server.close();
});

const req = (text: string): ChatRequest => ({ endpoint: ep, messages: [{ role: 'user', content: text }], params: { max_tokens: 8 }, key: text });
const stopOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a stop');
};

describe.each([true, false])('a Retry-After too long (pacing %s)', (pacing) => {
  const opts = { cacheDir: null, baseDelayMs: 300, jitter: false, pacing };

  it('the call that met it carries the request it sent', async () => {
    const err = await stopOf(new Provider(opts).chat(req('long')));
    expect(err).toBeInstanceOf(RetryAfterTooLong);
    expect(server.requests).toHaveLength(1);
    expect((err as RetryAfterTooLong).attempts).toBe(1);
  });

  it('a call in backoff meets the other call stop: not sent again, and its own sent request is on its copy of the stop', async () => {
    const p = new Provider(opts);
    const slow = stopOf(p.chat(req('slow')));
    // "slow" got its 503 and sleeps 300 ms; "long" is answered meanwhile.
    await new Promise((r) => setTimeout(r, 100));
    const long = await stopOf(p.chat(req('long')));
    const woke = await slow;
    expect(woke).toBeInstanceOf(RetryAfterTooLong);
    expect(server.requests).toHaveLength(2);
    // Each call's count is its own (the stop object is not shared): 1 + 1 = the 2 requests the server got.
    expect([(long as RetryAfterTooLong).attempts, (woke as RetryAfterTooLong).attempts]).toEqual([1, 1]);
    // Later calls under the same key are not sent either, and carry nothing.
    const later = await stopOf(p.chat(req('other')));
    expect((later as RetryAfterTooLong).attempts).toBe(0);
    expect(server.requests).toHaveLength(2);
  });
});
