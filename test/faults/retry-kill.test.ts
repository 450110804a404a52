// SIGKILL in the middle of `score --retry-failed` and `compare --retry-failed`
// (the built CLI, a real kill): every failure redone before the kill was paid
// for, so it must be on disk at once and the rerun must not ask it again —
// only what was in flight at the kill is asked twice. That holds for each
// answered order of a comparison the kill cut off too (store/order-log.ts).
// Afterwards: one record per key, no failure left, no side log left, and
// report.json's calls equal the requests the server answered (the requests
// held at the kill never were), straight after the kill as after the rerun.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/cli.js';
import { startFakeServer, type FakeReply, type FakeServer } from '../helpers/fake-server.js';
import { kindOf, roleplayReply } from '../e2e/fake-roleplay.js';
import { keyCounts, makeWorkspace, waitFor, type Workspace } from '../e2e/workspace.js';
import { expectedKeys, expectOnePerKey, JUDGE, judgmentKey, pipelineConfig, readRecords, readReport, RUN_ID, runToCompletion, stageArgs } from './pipeline.js';

const CONCURRENCY = 4;
/** Redone judge requests answered before the server starts holding every request. */
const ANSWERED = 10;

let server: FakeServer;
let ws: Workspace;
let cfg: string;
let mode: 'bad' | 'ok' | 'hold' = 'ok';
/** Judge requests answered in hold mode; requests held (never answered before the kill). */
let answeredInHold = 0;
let held = 0;
/** Held requests over the whole file: answered only into a killed process's closed sockets. */
let heldTotal = 0;
let release: () => void = () => {};
let released = new Promise<void>((r) => (release = r));

const isJudge = (body: any) => !kindOf(body).startsWith('generate');

beforeAll(async () => {
  server = await startFakeServer({
    handler: async (body): Promise<FakeReply> => {
      if (!isJudge(body) || mode === 'ok') return roleplayReply(body);
      if (mode === 'bad') return { status: 400, error: { message: 'judge misconfigured' } };
      if (answeredInHold < ANSWERED) {
        answeredInHold++;
        return { delayMs: 20, reply: roleplayReply(body) };
      }
      held++;
      heldTotal++;
      await released;
      return roleplayReply(body);
    },
  });
  ws = makeWorkspace('retry-kill');
  cfg = pipelineConfig(ws, server.url, { concurrency: CONCURRENCY, breaker: { consecutiveFailures: 0 } });
  expect((await runToCompletion(stageArgs('generate', cfg))).length).toBe(1);
});
afterAll(async () => {
  release();
  await server?.close();
  ws?.remove();
});

const judgeRequests = (from: number) => server.requests.slice(from).filter((r) => isJudge(r.body)).length;

describe.each([
  ['score', 'judgments', () => expectedKeys().judgments.length],
  ['compare', 'comparisons', () => expectedKeys().comparisons.length * 2],
] as const)('kill -9 during %s --retry-failed', (stage, dir, requestsNeeded) => {
  it('keeps every redone record, so the rerun asks again only what was in flight', async () => {
    const needed = requestsNeeded();
    mode = 'bad';
    const bad = await spawnCli(stageArgs(stage, cfg, ['-q'])).result;
    expect(bad.code, bad.stderr).toBe(3);

    mode = 'hold';
    answeredInHold = 0;
    held = 0;
    released = new Promise<void>((r) => (release = r));
    const start = server.requests.length;
    const run = spawnCli(stageArgs(stage, cfg, ['--retry-failed', '-q']));
    // Killed on the server's count, not on time: ANSWERED replies out, every slot held.
    await waitFor(() => held === CONCURRENCY, `${stage} to fill its slots after ${ANSWERED} replies`);
    await new Promise((r) => setTimeout(r, 200));
    run.child.kill('SIGKILL');
    expect((await run.result).signal).toBe('SIGKILL');
    const atKill = judgeRequests(start);
    expect(atKill).toBe(ANSWERED + CONCURRENCY);

    // A report read straight after the kill counts the redone records the side log holds, not the failures they replace.
    expect((await runToCompletion(stageArgs('report', cfg, ['-q']))).length).toBe(1);
    expect(existsSync(join(ws.runDir(RUN_ID), dir, `${JUDGE}.jsonl.redo`))).toBe(false);
    const afterKill = readReport(ws).counts;
    // Every request answered so far is counted: the orders of comparisons cut off too.
    expect(afterKill.calls).toBe(server.requests.length - heldTotal);
    const total = stage === 'score' ? expectedKeys().judgments.length : expectedKeys().comparisons.length;
    const stillFailed = stage === 'score' ? afterKill.judgmentFailures : afterKill.comparisonFailures;
    // Score: every answered redo is durable. Compare: every comparison whose two orders were answered.
    if (stage === 'score') expect(stillFailed).toBe(total - ANSWERED);
    expect(stillFailed).toBeLessThan(total);

    mode = 'ok';
    release();
    const rerunFrom = server.requests.length;
    const rerun = await runToCompletion(stageArgs(stage, cfg, ['--retry-failed', '-q']));
    expect(rerun.length).toBe(1);
    const again = judgeRequests(rerunFrom);
    // Asked twice: what the rerun sent beyond the requests never sent before the kill.
    const repeated = atKill + again - needed;
    process.stdout.write(`${stage} --retry-failed killed: ${atKill} sent before the kill, ${again} by the rerun, ${repeated} asked twice\n`);
    // Nothing answered is lost (a comparison's answered order neither): only the held requests are asked again.
    expect(repeated).toBe(held);

    expect(existsSync(join(ws.runDir(RUN_ID), dir, `${JUDGE}.jsonl.redo`))).toBe(false);
    const recs = readRecords(ws);
    const log = stage === 'score' ? recs.judgments : recs.comparisons;
    expect(log.filter((r) => r.failure || (stage === 'score' ? r.score === null : r.outcome === null))).toEqual([]);
    if (stage === 'compare') expectOnePerKey(recs);
    else expect([...keyCounts(log.map(judgmentKey)).values()].every((n) => n === 1) && log.length === expectedKeys().judgments.length).toBe(true);

    expect((await runToCompletion(stageArgs('report', cfg))).length).toBe(1);
    // Every answered request counted once: the failed ones, the redone ones, the rerun's.
    expect(readReport(ws).counts.calls).toBe(server.requests.length - heldTotal);
    expect(existsSync(join(ws.runDir(RUN_ID), dir, `${JUDGE}.jsonl.orders`))).toBe(false);
  }, 90_000);
});
