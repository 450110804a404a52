// SIGKILL at seeded moments of generate, score and compare (no chance to flush
// or clean up), each stage then rerun to completion: the report must equal the
// undisturbed reference, with exactly one record per key in every log.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/cli.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { completeLines, makeWorkspace, waitFor, type Workspace } from '../e2e/workspace.js';
import { createRng } from '../../src/stats/rng.js';
import { draw, faultyHandler } from './faulty.js';
import {
  buildReference,
  expectedKeys,
  expectNoFailures,
  expectOnePerKey,
  figures,
  JUDGE,
  LIMIT,
  MODELS,
  pipelineConfig,
  readRecords,
  readReport,
  RUN_ID,
  runToCompletion,
  stageArgs,
  type Reference,
  type Stage,
} from './pipeline.js';

const CONCURRENCY = 4;
const KILLS_PER_STAGE = 3;
/** 30–80 ms per request, fixed per request so a rerun sees the same server. */
const latency = (key: string) => 30 + Math.floor(draw(key, 'latency') * 51);
const MEAN_LATENCY = 55;

interface Kill {
  stage: Stage;
  delayMs: number;
  /** The process was still running and died by the signal. */
  landed: boolean;
  /** Complete records in the stage's log right after the kill. */
  recordsAfter: number;
}

describe('SIGKILL at random moments of generate, score and compare', () => {
  let ref: Reference;
  let server: FakeServer;
  let ws: Workspace;
  let cfg: string;
  const kills: Kill[] = [];
  const rng = createRng('rolejudge-faults-sigkill');

  /** Complete records in the logs a stage writes (generate: both models' responses). */
  const recordsIn = (stage: Stage) =>
    stage === 'generate'
      ? MODELS.reduce((n, m) => n + completeLines(join(ws.runDir(RUN_ID), 'responses', `${m}.jsonl`)), 0)
      : completeLines(join(ws.runDir(RUN_ID), stage === 'score' ? 'judgments' : 'comparisons', `${JUDGE}.jsonl`));

  /** Starts the stage, waits for its first request, then kills it `delayMs` later if it is still running. */
  async function killAt(stage: Stage, delayMs: number): Promise<void> {
    const from = server.requests.length;
    const run = spawnCli(stageArgs(stage, cfg), { timeoutMs: 30_000 });
    let exited = false;
    void run.result.then(
      () => (exited = true),
      () => (exited = true),
    );
    await waitFor(() => exited || server.requests.length > from, `${stage} to send its first request`);
    if (!exited) await new Promise((r) => setTimeout(r, delayMs));
    const landed = !exited;
    if (landed) run.child.kill('SIGKILL');
    const r = await run.result;
    if (landed) expect(r.signal).toBe('SIGKILL');
    else expect(r.code, r.stderr).toBe(0);
    kills.push({ stage, delayMs, landed, recordsAfter: recordsIn(stage) });
  }

  beforeAll(async () => {
    ref = await buildReference();
    server = await startFakeServer({ handler: faultyHandler(() => null, { latency }).handler });
    ws = makeWorkspace('faults-kill');
    cfg = pipelineConfig(ws, server.url, { concurrency: CONCURRENCY });
  });
  afterAll(async () => {
    await server?.close();
    ws?.remove();
  });

  it('every stage killed mid-flight and rerun yields the reference report', async () => {
    const keys = expectedKeys();
    // Waves of CONCURRENCY calls each stage makes undisturbed (generate answers model after model;
    // compare asks both orders): times the mean latency, the stage's length once its first request is out.
    const waves: Record<Exclude<Stage, 'report'>, number> = {
      generate: MODELS.length * Math.ceil(LIMIT / CONCURRENCY),
      score: Math.ceil(keys.judgments.length / CONCURRENCY),
      compare: Math.ceil((keys.comparisons.length * 2) / CONCURRENCY),
    };
    for (const stage of ['generate', 'score', 'compare'] as const) {
      const expected = waves[stage] * MEAN_LATENCY;
      for (let k = 0; k < KILLS_PER_STAGE; k++) await killAt(stage, Math.floor(rng.next() * expected));
      await runToCompletion(stageArgs(stage, cfg));
    }
    await runToCompletion(stageArgs('report', cfg));

    // Each stage really was interrupted with its log incomplete.
    const perLog = { generate: keys.responses.length, score: keys.judgments.length, compare: keys.comparisons.length };
    for (const stage of ['generate', 'score', 'compare'] as const) {
      const hit = kills.filter((k) => k.stage === stage && k.landed && k.recordsAfter < perLog[stage]);
      expect(hit.length, `no kill landed mid-${stage}: ${JSON.stringify(kills)}`).toBeGreaterThan(0);
    }

    const recs = readRecords(ws);
    expectOnePerKey(recs);
    expectNoFailures(recs);
    expect(figures(readReport(ws))).toEqual(ref.figures);
  });
});
