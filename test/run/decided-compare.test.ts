// compare --until-decided against the fake server: on a clear difference it
// stops launching as soon as the seeded prefix decides, and the requests the
// server saw are exactly what until-decided.json says was judged; identical
// systems run to the end of the split.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runAll } from '../../src/run/run.js';
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
  ws = makeWorkspace('decided-compare');
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

const decided = (id: string) => JSON.parse(readFileSync(join(ws.runDir(id), 'until-decided.json'), 'utf8')).compare;

async function judged(id: string, rubrics: string[], flags: Record<string, unknown> = {}) {
  const cfg = decidedConfig(ws, id, server.url, files, { rubrics });
  const before = server.requests.length;
  const code = await runAll({ config: cfg, quiet: true, 'until-decided': true, ...flags } as never);
  // Only the pairwise judge calls: `run` also generates (recorded, no call) and scores.
  const sent = server.requests.slice(before).filter((q) => kindOf(q.body) === 'pairwise').length;
  return { code, sent, r: decided(id), records: readJsonl(join(ws.runDir(id), 'comparisons', 'gpt-5-mini.jsonl')) };
}

describe('compare --until-decided stops as soon as decided', () => {
  it('a candidate that always wins: stops well before 60, requests = judged × calls per sample', async () => {
    mode = 'clear';
    // Two metrics (two comparisons per sample, Holm over both) at 8 jobs in flight.
    const { code, sent, r, records } = await judged('clear', ['cn', 'human-likeness']);
    expect(code).toBe(0);
    // Holm: the first of the two needs e ≥ 2/α = 40; 9 straight wins give 2^9/10 = 51.2, 8 give 28.4.
    expect(r.stoppingPrefix).toBe(9);
    expect(r.comparisons.map((c: { decidedAfter: number }) => c.decidedAfter)).toEqual([9, 9]);
    expect(r.comparisons.every((c: { winner: string }) => c.winner === 'candidate')).toBe(true);
    // Launching stopped at the decision: at most the 8 jobs in flight (4 samples of 2) finish after it.
    expect(r.samplesJudged).toBeGreaterThanOrEqual(9);
    expect(r.samplesJudged).toBeLessThanOrEqual(9 + 4);
    expect(r.stoppedEarly).toBe(true);
    expect(r.callsPerSample).toBe(2 * 2);
    expect(sent).toBe(r.samplesJudged * r.callsPerSample);
    expect(r.callsSaved).toBe((N - r.samplesJudged) * r.callsPerSample);
    expect(records).toHaveLength(r.samplesJudged * 2);
    expect(new Set(records.map((c: { sampleId: string }) => c.sampleId)).size).toBe(r.samplesJudged);
    // A full run of the same split would send N × 4.
    expect(sent).toBeLessThan((N * r.callsPerSample) / 3);
  });

  it('identical systems (coin-flip verdicts) are judged to the end of the split', async () => {
    mode = 'even';
    const { code, sent, r } = await judged('even', ['cn']);
    expect(code).toBe(0);
    expect(r.stoppingPrefix).toBeNull();
    expect(r.stoppedEarly).toBe(false);
    expect(r.samplesJudged).toBe(N);
    expect(r.callsSaved).toBe(0);
    expect(sent).toBe(N * 2);
    const c = r.comparisons[0];
    expect(c.wins + c.losses + c.ties).toBe(N);
    expect(c.pAnytime).toBeGreaterThan(0.05);
  });

  it('--retry-failed after a judge outage redoes the failed comparisons and decides on the redone verdicts', async () => {
    mode = 'broken';
    const first = await judged('outage', ['cn', 'human-likeness']);
    expect(first.r.stoppingPrefix).toBeNull();
    expect(first.records).toHaveLength(N * 2);
    expect(first.records.every((c: { outcome: unknown }) => c.outcome === null)).toBe(true);
    mode = 'clear';
    const { sent, r, records } = await judged('outage', ['cn', 'human-likeness'], { 'retry-failed': true });
    // Where a fresh run decides (the first test): the recorded failures were not fed as final.
    expect(r.stoppingPrefix).toBe(9);
    expect(r.comparisons.every((c: { winner: string }) => c.winner === 'candidate')).toBe(true);
    expect(r.samplesJudged).toBeLessThanOrEqual(9 + 4);
    expect(sent).toBe(r.samplesJudged * r.callsPerSample);
    expect(records).toHaveLength(N * 2);
    expect(records.filter((c: { outcome: unknown }) => c.outcome !== null)).toHaveLength(r.samplesJudged * 2);
  });
});
