// A failed response is redone by every later generate run, and the requests
// it made were sent all the same: report.json's counts.calls equals what the
// server received after any number of failed-then-redone runs, also when the
// redo fails again and when a stop comes between a failed record and its
// redo. Driven in-process against the fake server.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { exitCodeFor } from '../../../src/core/errors.js';
import { loadFromArgv } from '../../../src/run/argv.js';
import { reportStep } from '../../../src/run/finish.js';
import { withSession } from '../../../src/run/session.js';
import { generateStep } from '../../../src/run/steps.js';
import { startFakeServer, type FakeServer } from '../../helpers/fake-server.js';
import { roleplayReply } from '../../e2e/fake-roleplay.js';
import { configFor, keyCounts, liveModel, makeWorkspace, readJsonl, type Workspace } from '../../e2e/workspace.js';

let server: FakeServer;
let ws: Workspace;
let down = false;

beforeAll(async () => {
  server = await startFakeServer({ handler: (body) => (down ? { status: 500 } : roleplayReply(body)) });
  ws = makeWorkspace('generate-redo');
});
afterAll(async () => {
  await server.close();
  ws.remove();
});
beforeEach(() => {
  down = false;
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

const IDS = 's01,s02,s03';
const ATTEMPTS = 4; // maxRetries 3

/** One live model; one request at a time, so a breaker stop leaves the later failures not yet redone. */
function cfgOf(id: string, breaker: number): string {
  return ws.config(
    `${id}-${breaker}`,
    configFor(ws, {
      runId: id,
      models: [liveModel('m-alpha', 'plain', server.url, { video: 'none' })],
      provider: { cacheDir: join(ws.dir, `cache-${id}`), maxRetries: 3, concurrency: 1, breaker: { consecutiveFailures: breaker } },
    }),
  );
}

async function generateOnce(cfg: string, ids = IDS): Promise<number> {
  try {
    return await withSession({ config: cfg, quiet: true, ids }, ['generate'], generateStep);
  } catch (err) {
    return exitCodeFor(err);
  }
}

async function reportedCalls(cfg: string, id: string, ids = IDS): Promise<number> {
  const argv = { config: cfg, quiet: true, ids };
  await reportStep(loadFromArgv(argv), argv);
  return JSON.parse(readFileSync(join(ws.reports, id, 'report.json'), 'utf8')).counts.calls;
}

const responses = (id: string) => readJsonl(join(ws.runDir(id), 'responses', 'm-alpha.jsonl'));

describe('generate redoes failed responses without forgetting what they cost', () => {
  it('down, still down, then back: counts.calls equals the requests received after every run', async () => {
    const cfg = cfgOf('again', 0);
    const start = server.requests.length;
    const sent = () => server.requests.length - start;

    down = true;
    await generateOnce(cfg);
    expect(sent()).toBe(3 * ATTEMPTS);
    expect(await reportedCalls(cfg, 'again')).toBe(sent());

    // The redo fails again: both runs' requests are counted.
    await generateOnce(cfg);
    expect(sent()).toBe(6 * ATTEMPTS);
    expect(await reportedCalls(cfg, 'again')).toBe(sent());

    down = false;
    expect(await generateOnce(cfg)).toBe(0);
    expect(sent()).toBe(6 * ATTEMPTS + 3);
    expect(await reportedCalls(cfg, 'again')).toBe(sent());
    const recs = responses('again');
    expect([...keyCounts(recs.map((r) => r.sampleId)).values()]).toEqual([1, 1, 1]);
    expect(recs.every((r) => !r.error && r.spend.requests === 2 * ATTEMPTS + 1)).toBe(true);
  });

  it('a stop between a failed record and its redo (the breaker ends the stage) loses no spend', async () => {
    const ids = 's01,s02,s03,s04,s05,s06';
    const start = server.requests.length;
    const sent = () => server.requests.length - start;
    down = true;
    await generateOnce(cfgOf('stopped', 0), ids);
    expect(sent()).toBe(6 * ATTEMPTS);

    // Still down, the breaker opens after the first redo gives up: the later failures are not all redone in this run.
    const stopping = cfgOf('stopped', 1);
    expect(await generateOnce(stopping, ids)).toBe(3);
    expect(sent()).toBeLessThan(12 * ATTEMPTS);
    expect(await reportedCalls(stopping, 'stopped', ids)).toBe(sent());
    // The window: a redone key holds its failed record and the replacement until the next run tidies the log.
    expect(responses('stopped').length).toBeGreaterThan(6);

    down = false;
    const cfg = cfgOf('stopped', 0);
    expect(await generateOnce(cfg, ids)).toBe(0);
    expect(await reportedCalls(cfg, 'stopped', ids)).toBe(sent());
    const recs = responses('stopped');
    expect(recs.map((r) => r.sampleId).sort()).toEqual(ids.split(','));
    expect(recs.every((r) => !r.error)).toBe(true);
  });
});
