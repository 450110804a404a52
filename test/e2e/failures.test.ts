// Judges that cannot be read or cannot be reached: failures are recorded as
// failures (never as made-up scores) and a dead endpoint ends the run with a
// message instead of a hang.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, runCli, type CliResult } from '../helpers/cli.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { kindOf, roleplayHandler } from './fake-roleplay.js';
import { configFor, makeWorkspace, readJsonl, recordedModel, type Workspace } from './workspace.js';

// Recorded outputs (no generation traffic); s08's EBM answer is empty on purpose, so it is left out.
const IDS = ['s01', 's02'];
const MODELS = [recordedModel('plain-vlm', 'plain'), recordedModel('ebm-rl', 'ebm')];
const REFUSAL = 'I refuse to rate this';

describe('a judge whose replies never parse', () => {
  let server: FakeServer;
  let ws: Workspace;

  beforeAll(async () => {
    server = await startFakeServer({ handler: roleplayHandler({ judgeReply: REFUSAL }) });
    ws = makeWorkspace('parse-fail');
  });
  afterAll(async () => {
    await server?.close();
    ws?.remove();
  });

  it('records score null with a parse failure after maxParseRetries re-asks, and the report counts them', async () => {
    const maxParseRetries = 1;
    const cfg = ws.config(
      'refuse',
      configFor(ws, {
        runId: 'refuse',
        models: MODELS,
        judgeUrl: server.url,
        judges: ['gpt-5-mini'],
        rubrics: ['cn'],
        score: { maxParseRetries },
      }),
    );
    const ids = ['--ids', IDS.join(',')];
    // Nothing could be judged: score says so and exits 3; the failures are still on record and reported.
    for (const [args, code] of [
      [['generate', '-c', cfg, ...ids], 0],
      [['score', '-c', cfg, ...ids], 3],
      [['report', '-c', cfg], 0],
    ] as const) {
      const r = await runCli([...args]);
      expect(r.code, `${args[0]}: ${describeRun(r)}`).toBe(code);
      if (code === 3) expect(r.stderr).toMatch(/score: nothing could be judged — 4 of 4 failed \(parse 4\)/);
    }
    const recs = readJsonl(join(ws.runDir('refuse'), 'judgments', 'gpt-5-mini.jsonl'));
    expect(recs).toHaveLength(IDS.length * MODELS.length);
    for (const j of recs) {
      expect(j.score).toBeNull();
      expect(j.failure.kind).toBe('parse');
      expect(j.attempts).toBe(maxParseRetries + 1);
      expect(j.raw).toEqual(Array(maxParseRetries + 1).fill(REFUSAL));
    }
    // Every attempt reached the server; re-asks continue the conversation with the refusal in it.
    expect(server.requests).toHaveLength(recs.length * (maxParseRetries + 1));
    const reasks = server.requests.filter((q) => q.body.messages.length === 3);
    expect(reasks).toHaveLength(recs.length * maxParseRetries);
    for (const q of reasks) {
      expect(kindOf(q.body)).toBe('pointwise');
      expect(q.body.messages[1]).toMatchObject({ role: 'assistant', content: REFUSAL });
    }

    const report = JSON.parse(readFileSync(join(ws.reports, 'refuse', 'report.json'), 'utf8'));
    expect(report.counts.parseFailures).toBe(recs.length);
    expect(report.counts.judgmentFailures).toBe(recs.length);
    for (const row of report.leaderboard) {
      expect(row.scores.cn.mean).toBeNull();
      expect(row.scores.cn.n).toBe(0);
      expect(row.scores.cn.failures).toBe(IDS.length);
    }
  });
});

describe('a judge endpoint that is down', () => {
  let ws: Workspace;
  let deadUrl: string;
  let stalling: FakeServer;

  beforeAll(async () => {
    ws = makeWorkspace('judge-down');
    // A port that was just listening and now has nobody behind it.
    const gone = await startFakeServer();
    deadUrl = gone.url;
    await gone.close();
    // A server that accepts the request and never answers.
    stalling = await startFakeServer({ handler: () => ({ delayMs: 120_000 }) });
  });
  afterAll(async () => {
    await stalling?.close();
    ws?.remove();
  });

  /** Generates (from recorded outputs, no network) then runs the judging stages against judgeUrl. */
  async function judgeAgainst(runId: string, judgeUrl: string, timeoutMs: number, stages: string[]) {
    const cfg = ws.config(
      runId,
      configFor(ws, {
        runId,
        models: MODELS,
        judgeUrl,
        judges: ['gpt-5-mini'],
        rubrics: ['cn'],
        compare: { candidates: ['ebm-rl'], baselines: ['plain-vlm'] },
        provider: { maxRetries: 1, timeoutMs },
      }),
    );
    const ids = ['--ids', IDS.join(',')];
    const gen = await runCli(['generate', '-c', cfg, ...ids]);
    expect(gen.code, describeRun(gen)).toBe(0);
    const out = new Map<string, CliResult>();
    for (const stage of stages) out.set(stage, await runCli([stage, '-c', cfg, ...ids], { timeoutMs: 30_000 }));
    return { out, judgments: readJsonl(join(ws.runDir(runId), 'judgments', 'gpt-5-mini.jsonl')) };
  }

  it('nothing listening: score and compare exit non-zero with a message', async () => {
    const { out, judgments } = await judgeAgainst('refused', deadUrl, 5_000, ['score', 'compare']);
    const score = out.get('score')!;
    const compare = out.get('compare')!;
    expect(score.code, describeRun(score)).toBe(3);
    expect(score.stderr).toMatch(/nothing could be judged .*judge endpoint/);
    expect(compare.code, describeRun(compare)).toBe(3);
    expect(compare.stderr).toMatch(/compare: nothing could be judged/);
    // The failures are on record as errors, not as scores.
    expect(judgments).toHaveLength(IDS.length * MODELS.length);
    for (const j of judgments) {
      expect(j.score).toBeNull();
      expect(j.failure.kind).toBe('error');
    }
  });

  it('a server that never answers: the timeout ends the run', async () => {
    const { out, judgments } = await judgeAgainst('stalled', stalling.url, 400, ['score']);
    const score = out.get('score')!;
    expect(score.code, describeRun(score)).toBe(3);
    expect(score.stderr).toMatch(/score: nothing could be judged — 4 of 4 failed \(error 4\)/);
    expect(judgments).toHaveLength(IDS.length * MODELS.length);
    expect(judgments.every((j) => j.failure?.kind === 'error' && /timed out/.test(j.failure.message))).toBe(true);
    // First try plus one retry per call, no more.
    expect(stalling.requests).toHaveLength(IDS.length * MODELS.length * 2);
  });
});
