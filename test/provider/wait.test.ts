// Bounded waiting: a Retry-After longer than provider.maxRetryAfterSec stops
// the stage at once (exit 3) naming the endpoint and the wait it asked for,
// instead of sleeping the cap per retry in silence; an allowed long wait is announced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/core/errors.js';
import { checkRetryAfter, RetryAfterTooLong } from '../../src/provider/wait.js';
import { runAll } from '../../src/run/run.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { roleplayHandler } from '../e2e/fake-roleplay.js';
import { configFor, liveModel, makeWorkspace, readJsonl, type Workspace } from '../e2e/workspace.js';

const ep = { name: 'model:cand', baseUrl: 'http://127.0.0.1:1/v1' };

describe('checkRetryAfter', () => {
  it('refuses a hint over the maximum, naming endpoint, wait and setting', () => {
    const err = (() => {
      try {
        checkRetryAfter(ep, 3_600_000, 120_000, () => {});
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a refusal');
    })();
    expect(err).toBeInstanceOf(RetryAfterTooLong);
    expect(err.message).toContain('model:cand (http://127.0.0.1:1/v1) asked to wait 3600 s');
    expect(err.message).toContain('provider.maxRetryAfterSec = 120 s');
    expect(exitCodeFor(err)).toBe(3);
  });

  it('announces an allowed wait of 5 s or more, and is silent below', () => {
    const said: string[] = [];
    checkRetryAfter(ep, 30_000, 120_000, (m) => said.push(m));
    checkRetryAfter(ep, 1_000, 120_000, (m) => said.push(m));
    checkRetryAfter(ep, undefined, 120_000, (m) => said.push(m));
    expect(said).toEqual(['waiting 30 s for model:cand (http://127.0.0.1:1/v1): the server asked for it (Retry-After)']);
  });
});

describe('a run told to come back in an hour', () => {
  let server: FakeServer;
  let ws: Workspace;
  beforeAll(async () => {
    server = await startFakeServer({ handler: roleplayHandler(), script: [{ status: 429, retryAfter: 3600, error: { message: 'slow down' } }] });
    ws = makeWorkspace('retry-after');
  });
  afterAll(async () => {
    await server.close();
    ws.remove();
  });

  it('stops after the one request with exit 3, records no error response, and a rerun completes', async () => {
    const cfg = configFor(ws, {
      runId: 'ra',
      models: [liveModel('cand', 'plain', server.url, { video: 'none' })],
      provider: { concurrency: 1, maxRetries: 5 },
    });
    const file = ws.config('ra', cfg);
    let err: unknown;
    try {
      await runAll({ config: file, quiet: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RetryAfterTooLong);
    expect((err as Error).message).toMatch(/cand \(http:\/\/127\.0\.0\.1:\d+\/v1\) asked to wait 3600 s/);
    expect(exitCodeFor(err)).toBe(3);
    // Not retried, and nothing new launched: only the calls already in flight
    // (the stage keeps max(4, 2 × concurrency) jobs going) were sent, of 12.
    expect(server.requests.filter((r) => r.body?.messages).length).toBeLessThanOrEqual(4);
    const recorded = readJsonl(`${ws.runDir('ra')}/responses/cand.jsonl`);
    expect(recorded.filter((r) => r.error).length).toBe(0);
    expect(await runAll({ config: file, quiet: true })).toBe(0);
    expect(readJsonl(`${ws.runDir('ra')}/responses/cand.jsonl`).length).toBe(12);
  });
});
