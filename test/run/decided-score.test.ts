// score --until-decided against the fake server: a clear drop stops at the
// prefix the confidence sequence says, requests = judged × calls per sample;
// identical systems are scored to the end of the split.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { withSession } from '../../src/run/session.js';
import { generateStep, scoreStep } from '../../src/run/steps.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { kindOf } from '../e2e/fake-roleplay.js';
import { makeWorkspace, readJsonl, type Workspace } from '../e2e/workspace.js';
import { decidedConfig, judgeHandler, N, writeSplit, type Mode } from './decided-fixture.js';

let server: FakeServer;
let ws: Workspace;
let mode: Mode = 'clear';
let files: ReturnType<typeof writeSplit>;
beforeAll(async () => {
  server = await startFakeServer({ handler: judgeHandler(() => mode) });
  ws = makeWorkspace('decided-score');
  files = writeSplit(ws);
});
afterAll(async () => {
  await server.close();
  ws.remove();
});
beforeEach(() => {
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

async function scored(id: string, flags: Record<string, unknown> = {}, generate = true) {
  const cfg = decidedConfig(ws, id, server.url, files);
  const before = server.requests.length;
  // The recorded outputs become responses (no call), then score runs as `score --until-decided` would.
  const code = await withSession(
    { config: cfg, quiet: true, 'until-decided': true, ...flags } as never,
    generate ? ['generate', 'score'] : ['score'],
    async (s) => (generate ? (await generateStep(s)) || scoreStep(s) : scoreStep(s)),
  );
  const sent = server.requests.slice(before).filter((q) => kindOf(q.body) === 'pointwise').length;
  const r = JSON.parse(readFileSync(join(ws.runDir(id), 'until-decided.json'), 'utf8')).score;
  return { code, sent, r, records: readJsonl(join(ws.runDir(id), 'judgments', 'gpt-5-mini.jsonl')) };
}

/** Where the sequence first lies below 0 for a run of all-minimum differences (x = 0), from the closed form. */
function handStop(alpha: number): number {
  // Every bet is capped at 1/2, the centre is 0, v_i = 4·(0.5/i)²; upper_t = (ln(2/α) + ψ(1/2)·Σ1/i²) / (t/2) in [0, 1] units.
  let s = 0;
  for (let t = 1; ; t++) {
    s += 1 / t ** 2;
    if ((Math.log(2 / alpha) + ((Math.LN2 - 0.5) / 4) * s) / (0.5 * t) < 0.5) return t;
  }
}

describe('score --until-decided', () => {
  it('a clear drop (1 vs 10 on a 1–10 scale) stops at the hand-computed prefix', async () => {
    mode = 'clear';
    const { code, sent, r, records } = await scored('drop');
    expect(code).toBe(0);
    expect(handStop(0.05)).toBe(16);
    expect(r.stoppingPrefix).toBe(16);
    expect(r.pairs).toHaveLength(1);
    expect(r.pairs[0]).toMatchObject({ candidate: 'cand', baseline: 'base', metric: 'cn', decision: 'regression', decidedAfter: 16 });
    expect(r.pairs[0].upper).toBeLessThan(0);
    expect(r.pairs[0].mean).toBe(-9);
    // Two models × one metric: 2 calls a sample, 8 jobs (4 samples) in flight at most.
    expect(r.callsPerSample).toBe(2);
    expect(r.samplesJudged).toBeGreaterThanOrEqual(16);
    expect(r.samplesJudged).toBeLessThanOrEqual(16 + 4);
    expect(r.stoppedEarly).toBe(true);
    expect(sent).toBe(r.samplesJudged * r.callsPerSample);
    expect(records).toHaveLength(sent);
    expect(r.callsSaved).toBe((N - r.samplesJudged) * 2);
  });

  it('identical systems are scored to the end of the split', async () => {
    mode = 'even';
    const { code, sent, r } = await scored('same');
    expect(code).toBe(0);
    expect(r.stoppingPrefix).toBeNull();
    expect(r.samplesJudged).toBe(N);
    expect(sent).toBe(N * 2);
    expect(r.pairs[0].decision).toBeNull();
    expect(r.pairs[0].lower).toBeLessThan(0);
    expect(r.pairs[0].upper).toBeGreaterThan(0);
  });

  it('--retry-failed after a judge outage redoes the failures in seeded order and decides on the redone scores', async () => {
    mode = 'broken';
    const first = await scored('outage');
    // Nothing could be scored: every sample judged, every judgment a failure, nothing decided.
    expect(first.r.stoppingPrefix).toBeNull();
    expect(first.records).toHaveLength(N * 2);
    expect(first.records.every((j: { score: unknown }) => j.score === null)).toBe(true);
    mode = 'clear';
    const { code, sent, r, records } = await scored('outage', { 'retry-failed': true });
    expect(code).toBe(0);
    // The recorded failures are not fed as final: the redone scores decide where a fresh run does.
    expect(r.stoppingPrefix).toBe(16);
    expect(r.pairs[0]).toMatchObject({ decision: 'regression', decidedAfter: 16, mean: -9 });
    expect(r.samplesJudged).toBeGreaterThanOrEqual(16);
    expect(r.samplesJudged).toBeLessThanOrEqual(16 + 4);
    expect(sent).toBe(r.samplesJudged * r.callsPerSample);
    // Redone in place: still one record per key, the redone ones scored, the rest still failures.
    expect(records).toHaveLength(N * 2);
    expect(records.filter((j: { score: unknown }) => j.score !== null)).toHaveLength(sent);
  });

  it('score run before generate, then again after it: the missing-response failures are redone and decide, not fed as final', async () => {
    mode = 'clear';
    const first = await scored('early', {}, false);
    expect(first.sent).toBe(0);
    expect(first.records.every((j: { failure?: { kind: string } }) => j.failure?.kind === 'missing-response')).toBe(true);
    const { sent, r, records } = await scored('early');
    expect(r.stoppingPrefix).toBe(16);
    expect(r.samplesJudged).toBeLessThanOrEqual(16 + 4);
    expect(sent).toBe(r.samplesJudged * r.callsPerSample);
    expect(records.filter((j: { score: unknown }) => j.score !== null)).toHaveLength(sent);
  });
});
