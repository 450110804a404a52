// A judge endpoint that stays down — nothing listening, or a server that
// answers 503 to everything — ends score and compare with a non-zero exit and
// a message after the retry budget, never a hang (the CLI runner's timeout
// would fail the test). Once the judge is back, --retry-failed finishes the
// run and the report equals the undisturbed reference.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, runCli } from '../helpers/cli.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { roleplayHandler, roleplayReply } from '../e2e/fake-roleplay.js';
import { makeWorkspace, type Workspace } from '../e2e/workspace.js';
import {
  buildReference,
  expectedKeys,
  expectNoFailures,
  expectOnePerKey,
  figures,
  pipelineConfig,
  readRecords,
  readReport,
  stageArgs,
  type Reference,
} from './pipeline.js';

const MAX_RETRIES = 1;
/** Generous for a local call even on a loaded machine, small enough that a hang would show. */
const STAGE_TIMEOUT_MS = 90_000;

describe('a judge endpoint that stays down', () => {
  let ref: Reference;
  let models: FakeServer;
  const workspaces: Workspace[] = [];

  beforeAll(async () => {
    ref = await buildReference();
    models = await startFakeServer({ handler: roleplayHandler() });
  });
  afterAll(async () => {
    await models?.close();
    for (const ws of workspaces) ws.remove();
  });

  /** A workspace whose models answer and whose judge is at `judgeUrl`; generate already done. */
  async function judgedAt(tag: string, judgeUrl: string): Promise<{ ws: Workspace; cfg: string }> {
    const ws = makeWorkspace(`faults-${tag}`);
    workspaces.push(ws);
    // The breaker off: this file checks that every call gives up on its own and is recorded
    // (test/run/breaker-run.test.ts and test/provider/breaker.test.ts cover the breaker).
    const cfg = pipelineConfig(
      ws,
      models.url,
      { maxRetries: MAX_RETRIES, timeoutMs: 2_000, breaker: { consecutiveFailures: 0 } },
      { judgeOverrides: { baseUrl: judgeUrl } },
    );
    const gen = await runCli(stageArgs('generate', cfg));
    expect(gen.code, describeRun(gen)).toBe(0);
    return { ws, cfg };
  }

  it('nothing listening: score and compare exit non-zero with a message', async () => {
    const gone = await startFakeServer();
    const deadUrl = gone.url;
    await gone.close();
    const { ws, cfg } = await judgedAt('refused', deadUrl);

    const score = await runCli(stageArgs('score', cfg), { timeoutMs: STAGE_TIMEOUT_MS });
    expect(score.code, describeRun(score)).toBe(3);
    expect(score.stderr).toMatch(/score: nothing could be judged — \d+ of \d+ failed \(error \d+\); is the judge endpoint up\?/);
    const compare = await runCli(stageArgs('compare', cfg), { timeoutMs: STAGE_TIMEOUT_MS });
    expect(compare.code, describeRun(compare)).toBe(3);
    expect(compare.stderr).toMatch(/compare: nothing could be judged — \d+ of \d+ failed \(error \d+\); is the judge endpoint up\?/);

    // Failures are on record as errors, one per key, none of them a score.
    const recs = readRecords(ws);
    expectOnePerKey(recs);
    for (const j of recs.judgments) {
      expect(j.score).toBeNull();
      expect(j.failure).toMatchObject({ kind: 'error', message: expect.stringMatching(/^connection: .*gave up after 2 attempts/) });
    }
    for (const c of recs.comparisons) expect(c.outcome).toBeNull();
  });

  it('a server answering 503 to everything: non-zero exit; once it is back, --retry-failed reproduces the reference', async () => {
    let down = true;
    const judge = await startFakeServer({
      handler: (body) => (down ? { status: 503, retryAfterMs: 10, error: { message: 'Service Unavailable' } } : roleplayReply(body)),
    });
    try {
      const { ws, cfg } = await judgedAt('503', judge.url);
      const judgments = expectedKeys().judgments.length;
      const calls = expectedKeys().comparisons.length * 2; // both orders

      const score = await runCli(stageArgs('score', cfg), { timeoutMs: STAGE_TIMEOUT_MS });
      expect(score.code, describeRun(score)).toBe(3);
      expect(score.stderr).toMatch(/nothing could be judged .*is the judge endpoint up\?/);
      // The first try and MAX_RETRIES retries per judgment, then it gives up.
      expect(judge.requests).toHaveLength(judgments * (MAX_RETRIES + 1));
      const compare = await runCli(stageArgs('compare', cfg), { timeoutMs: STAGE_TIMEOUT_MS });
      expect(compare.code, describeRun(compare)).toBe(3);
      expect(compare.stderr).toMatch(/compare: nothing could be judged/);
      expect(judge.requests).toHaveLength((judgments + calls) * (MAX_RETRIES + 1));
      for (const j of readRecords(ws).judgments) {
        expect(j.score).toBeNull();
        expect(j.failure).toMatchObject({ kind: 'error', message: expect.stringMatching(/^http 503: .*gave up after 2 attempts/) });
      }

      down = false;
      for (const stage of ['score', 'compare'] as const) {
        const r = await runCli(stageArgs(stage, cfg, ['--retry-failed']), { timeoutMs: STAGE_TIMEOUT_MS });
        expect(r.code, describeRun(r)).toBe(0);
      }
      const report = await runCli(stageArgs('report', cfg));
      expect(report.code, describeRun(report)).toBe(0);
      const recs = readRecords(ws);
      expectOnePerKey(recs);
      expectNoFailures(recs);
      expect(figures(readReport(ws))).toEqual(ref.figures);
    } finally {
      await judge.close();
    }
  });
});
