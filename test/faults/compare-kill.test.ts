// SIGKILL in the middle of a plain `compare` (the built CLI, a real kill):
// each comparison asks its two orders one after the other, so a kill finds
// comparisons with one order answered (paid) and the other not. That order
// must be durable at once (store/order-log.ts): the report read straight after
// the kill counts it, and the rerun reuses it — not asked again, not replayed
// from the cache as a free hit. Only the requests in flight at the kill are
// asked twice, and report.json's calls equal the requests the server answered.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnCli } from '../helpers/cli.js';
import { startFakeServer, type FakeReply, type FakeServer } from '../helpers/fake-server.js';
import { kindOf, roleplayReply } from '../e2e/fake-roleplay.js';
import { makeWorkspace, waitFor, type Workspace } from '../e2e/workspace.js';
import { comparisonKey, expectedKeys, JUDGE, pipelineConfig, readRecords, readReport, RUN_ID, runToCompletion, stageArgs } from './pipeline.js';

const CONCURRENCY = 4;
/** Orders answered before the server starts holding every request. */
const ANSWERED = 10;

let server: FakeServer;
let ws: Workspace;
let cfg: string;
let hold = false;
let answeredInHold = 0;
let held = 0;
let release: () => void = () => {};
const released = new Promise<void>((r) => (release = r));

const isJudge = (body: any) => !kindOf(body).startsWith('generate');

beforeAll(async () => {
  server = await startFakeServer({
    handler: async (body): Promise<FakeReply> => {
      if (!isJudge(body) || !hold) return roleplayReply(body);
      if (answeredInHold < ANSWERED) {
        answeredInHold++;
        return { delayMs: 20, reply: roleplayReply(body) };
      }
      held++;
      await released;
      return roleplayReply(body);
    },
  });
  ws = makeWorkspace('compare-kill');
  cfg = pipelineConfig(ws, server.url, { concurrency: CONCURRENCY });
  expect((await runToCompletion(stageArgs('generate', cfg))).length).toBe(1);
});
afterAll(async () => {
  release();
  await server?.close();
  ws?.remove();
});

const judgeRequests = (from: number) => server.requests.slice(from).filter((r) => isJudge(r.body)).length;
const orderFile = () => join(ws.runDir(RUN_ID), 'comparisons', `${JUDGE}.jsonl.orders`);

it('keeps each answered order of a comparison the kill cut off: counted at once, reused by the rerun', async () => {
  const needed = expectedKeys().comparisons.length * 2;
  hold = true;
  const start = server.requests.length;
  const run = spawnCli(stageArgs('compare', cfg, ['-q']));
  // Killed on the server's count, not on time: ANSWERED replies out, every slot held.
  await waitFor(() => held === CONCURRENCY, `compare to fill its slots after ${ANSWERED} replies`);
  await new Promise((r) => setTimeout(r, 200));
  run.child.kill('SIGKILL');
  expect((await run.result).signal).toBe('SIGKILL');
  const atKill = judgeRequests(start);
  expect(atKill).toBe(ANSWERED + CONCURRENCY);

  // The kill did cut comparisons between their orders (orders are asked one after the other).
  const recorded = readRecords(ws).comparisons.length;
  expect(recorded * 2).toBeLessThan(ANSWERED);

  // Read straight after the kill: every answered order is counted, recorded or not.
  expect((await runToCompletion(stageArgs('report', cfg, ['-q']))).length).toBe(1);
  expect(readReport(ws).counts.calls).toBe(server.requests.length - held);
  expect(existsSync(orderFile())).toBe(true);

  hold = false;
  release();
  const rerunFrom = server.requests.length;
  expect((await runToCompletion(stageArgs('compare', cfg, ['-q']))).length).toBe(1);
  const again = judgeRequests(rerunFrom);
  const repeated = atKill + again - needed;
  process.stdout.write(`compare killed: ${atKill} sent before the kill (${recorded} comparisons recorded), ${again} by the rerun, ${repeated} asked twice\n`);
  // Only the held requests are asked again: no answered order is.
  expect(repeated).toBe(held);

  const recs = readRecords(ws);
  // One record per comparison, every one present.
  expect(recs.comparisons.map(comparisonKey).sort()).toEqual([...expectedKeys().comparisons].sort());
  expect(recs.comparisons.filter((c) => c.failure || c.outcome === null)).toEqual([]);
  expect(existsSync(orderFile())).toBe(false);

  expect((await runToCompletion(stageArgs('report', cfg))).length).toBe(1);
  const counts = readReport(ws).counts;
  // Every answered request counted once, none of them as a free replay.
  expect(counts.calls).toBe(server.requests.length - held);
  expect(counts.callsFromCache).toBe(0);
  // And each order's spend on its comparison: two orders, one request each.
  const perRecord = recs.comparisons.map((c) => c.orders.reduce((n: number, o: any) => n + o.spend.requests, 0));
  expect(perRecord.every((n) => n === 2)).toBe(true);
}, 90_000);
