// A judge that is down, met by a whole `run` in process: the breaker ends the
// score stage after a bounded number of requests (not 200 calls × attempts),
// exit 3 with one message naming the endpoint; calls never sent leave no
// record, so once the judge is back a rerun and a --retry-failed rerun give
// the undisturbed figures with one record per key, and report.json's calls
// equal every request the server received for that run directory.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { exitCodeFor } from '../../src/core/errors.js';
import { runAll } from '../../src/run/run.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { kindOf, roleplayReply } from '../e2e/fake-roleplay.js';
import { configFor, keyCounts, liveModel, makeWorkspace, readJsonl, SAMPLE_DIR, SAMPLE_SPLIT, type Workspace } from '../e2e/workspace.js';
import { figures } from '../faults/pipeline.js';

let server: FakeServer;
let ws: Workspace;
let judgeDown = false;
let split: string;

const TAKES = 10; // 12 samples × 10 takes = 120 samples, × 2 rubrics = 240 judge calls
const MAX_RETRIES = 1;
const ATTEMPTS = MAX_RETRIES + 1;
const CONCURRENCY = 4;
const LANES = Math.max(4, CONCURRENCY * 2); // the stage's jobs in flight (pipeline/context.ts)
const THRESHOLD = 5;
const isJudge = (body: any) => !kindOf(body).startsWith('generate');

beforeAll(async () => {
  server = await startFakeServer({ handler: (body) => (judgeDown && isJudge(body) ? { status: 503 } : roleplayReply(body)) });
  ws = makeWorkspace('breaker-run');
  // A larger split: each bundled sample again under new ids, its caption marked so no two prompts are identical.
  const lines = readFileSync(SAMPLE_SPLIT, 'utf8').split('\n').filter(Boolean);
  const out: string[] = [];
  for (let k = 0; k < TAKES; k++)
    for (const l of lines) {
      const s = JSON.parse(l);
      out.push(JSON.stringify({ ...s, id: `${s.id}-t${k}`, caption: `${s.caption} (take ${k})` }));
    }
  split = join(ws.dir, 'split.jsonl');
  writeFileSync(split, out.join('\n') + '\n');
});
afterAll(async () => {
  await server.close();
  ws.remove();
});
beforeEach(() => {
  judgeDown = false;
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

const cfgOf = (id: string) =>
  ws.config(
    id,
    configFor(ws, {
      runId: id,
      models: [liveModel('cand', 'plain', server.url, { video: 'none' })],
      judgeUrl: server.url,
      judges: ['gpt-5-mini'],
      rubrics: ['cn', 'veg'],
      dataset: { path: split, format: 'rolejudge', root: SAMPLE_DIR },
      provider: { cacheDir: join(ws.dir, `cache-${id}`), maxRetries: MAX_RETRIES, concurrency: CONCURRENCY, breaker: { consecutiveFailures: THRESHOLD } },
    } as any),
  );
const report = (id: string) => JSON.parse(readFileSync(join(ws.reports, id, 'report.json'), 'utf8'));

async function run(argv: Record<string, unknown>): Promise<{ code: number; err: unknown }> {
  try {
    return { code: await runAll({ quiet: true, ...argv } as any), err: null };
  } catch (err) {
    return { code: exitCodeFor(err), err };
  }
}

describe('a judge that is down, with the breaker', () => {
  it('stops after a bounded number of requests; a healed rerun gives the undisturbed figures', async () => {
    const ref = await run({ config: cfgOf('ref') });
    expect(ref.code, String(ref.err)).toBe(0);
    const calls = 12 * TAKES * 2;
    expect(report('ref').counts.judgments).toBe(calls);

    const cfg = cfgOf('down');
    const start = server.requests.length;
    judgeDown = true;
    const down = await run({ config: cfg });
    const judgeRequests = server.requests.slice(start).filter((r) => isJudge(r.body)).length;
    // Bounded by the calls that opened the breaker and those in flight, not by the 240 calls.
    expect(judgeRequests).toBeLessThanOrEqual((THRESHOLD + LANES) * ATTEMPTS);
    expect(judgeRequests).toBeGreaterThanOrEqual(THRESHOLD * ATTEMPTS);
    expect(down.code).toBe(3);
    const msg = (down.err as Error).message;
    expect(msg).toContain(`judge:gpt-5-mini (${server.url}, model gpt-5-mini)`);
    expect(msg).toContain(`${THRESHOLD} calls in a row`);
    expect(msg).toMatch(/http 503/);
    // Only calls that were really made are recorded (as failures); the rest are not recorded at all.
    const file = join(ws.runDir('down'), 'judgments', 'gpt-5-mini.jsonl');
    const failed = readJsonl(file);
    expect(failed.length).toBeLessThanOrEqual(THRESHOLD + LANES);
    expect(failed.every((j) => j.failure?.kind === 'error')).toBe(true);

    judgeDown = false;
    // One --retry-failed rerun completes it: what was never sent is judged, the failures are redone.
    expect((await run({ config: cfg, 'retry-failed': true })).code).toBe(0);
    const keys = readJsonl(file).map((j) => `${j.sampleId}|${j.model}|${j.metric}|${j.round}`);
    expect(keys.length).toBe(calls);
    expect([...keyCounts(keys).values()].every((n) => n === 1)).toBe(true);
    expect(figures(report('down'))).toEqual(figures(report('ref')));
    // Every request the server received for this run directory is in report.json, cut-off ones included.
    const c = report('down').counts;
    expect(c.calls).toBe(server.requests.length - start);
  }, 120_000);
});
