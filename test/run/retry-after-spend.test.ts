// A judge that asks to come back in an hour stops score (exit 3); the requests
// it got before — the 429s themselves, and the answers to calls in flight —
// must all be in report.json: counts.calls equals what the server received,
// the cut-off ones through unrecorded-spend.jsonl, and a later rerun does not
// count them again.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { exitCodeFor } from '../../src/core/errors.js';
import { runAll } from '../../src/run/run.js';
import { loadFromArgv } from '../../src/run/argv.js';
import { reportStep } from '../../src/run/finish.js';
import { UNRECORDED_FILE } from '../../src/pipeline/unrecorded.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { roleplayReply } from '../e2e/fake-roleplay.js';
import { configFor, liveModel, makeWorkspace, readJsonl, recordedModel, type Workspace } from '../e2e/workspace.js';

let server: FakeServer;
let ws: Workspace;
/** How many of the next judge requests get 429 with Retry-After: 3600. */
let longWaits = 0;
let served429 = 0;

beforeAll(async () => {
  server = await startFakeServer({
    handler: (body) => {
      if (longWaits > 0) {
        longWaits--;
        served429++;
        return { status: 429, retryAfter: 3600 };
      }
      return { delayMs: 20, reply: roleplayReply(body) };
    },
  });
  ws = makeWorkspace('retry-after-spend');
});
afterAll(async () => {
  await server.close();
  ws.remove();
});
beforeEach(() => {
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

async function exitOf(p: Promise<unknown>): Promise<number> {
  try {
    return Number(await p);
  } catch (err) {
    return exitCodeFor(err);
  }
}

describe.each([1, 3])('%i replies of Retry-After: 3600', (n) => {
  it('every request the server received is counted once, before and after the rerun', async () => {
    const id = `ra-${n}`;
    const cfg = ws.config(
      id,
      configFor(ws, {
        runId: id,
        models: [recordedModel('plain-vlm', 'plain')],
        judgeUrl: server.url,
        judges: ['gpt-5-mini'],
        rubrics: ['cn'],
        provider: { cacheDir: join(ws.dir, `cache-${id}`), concurrency: 4, maxRetries: 3 },
      } as any),
    );
    const argv = { config: cfg, quiet: true };
    const before = server.requests.length;
    longWaits = n;
    served429 = 0;
    expect(await exitOf(runAll(argv))).toBe(3);
    const sent = server.requests.length - before;
    // The 429s to calls already in flight (up to n) arrive before the stop is known.
    expect(served429).toBeGreaterThanOrEqual(1);
    await reportStep(loadFromArgv(argv), argv);
    const report = () => JSON.parse(readFileSync(join(ws.reports, id, 'report.json'), 'utf8')).counts;
    const c = report();
    expect(c.calls).toBe(sent);
    // The 429s have no record: the ledger holds them.
    const ledger = readJsonl(join(ws.runDir(id), UNRECORDED_FILE));
    expect(ledger.reduce((k, l) => k + l.spend.requests, 0)).toBe(served429);
    expect(c.unrecordedCalls).toBe(served429);

    // The judge is back: the rerun completes, and counts what it sent once more.
    longWaits = 0;
    expect(await exitOf(runAll(argv))).toBe(0);
    expect(report().calls).toBe(server.requests.length - before);
    expect(report().judgments).toBe(12);
  });
});

describe('a model that asks to come back in an hour (generate)', () => {
  it('the 429 its call got is counted', async () => {
    const id = 'ra-gen';
    const cfg = ws.config(
      id,
      configFor(ws, {
        runId: id,
        models: [liveModel('cand', 'plain', server.url, { video: 'none' })],
        judgeUrl: server.url,
        judges: ['gpt-5-mini'],
        rubrics: ['cn'],
        provider: { cacheDir: join(ws.dir, `cache-${id}`), concurrency: 4, maxRetries: 3 },
      } as any),
    );
    const argv = { config: cfg, quiet: true };
    const before = server.requests.length;
    longWaits = 1;
    served429 = 0;
    expect(await exitOf(runAll(argv))).toBe(3);
    await reportStep(loadFromArgv(argv), argv);
    const c = JSON.parse(readFileSync(join(ws.reports, id, 'report.json'), 'utf8')).counts;
    expect(c.calls).toBe(server.requests.length - before);
    expect(readJsonl(join(ws.runDir(id), UNRECORDED_FILE)).map((l) => [l.model, l.spend.requests])).toEqual([['cand', 1]]);
  });
});
