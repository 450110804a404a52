// Failures are final only when nothing can change them, and a command that
// could judge nothing says so. Driven in-process against the fake server, so
// request counts are what the server saw.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { exitCodeFor } from '../../src/core/errors.js';
import { runAll } from '../../src/run/run.js';
import { withSession } from '../../src/run/session.js';
import { scoreStep } from '../../src/run/steps.js';
import { startFakeServer, type FakeReply, type FakeServer } from '../helpers/fake-server.js';
import { kindOf, roleplayReply } from '../e2e/fake-roleplay.js';
import { configFor, keyCounts, liveModel, makeWorkspace, readJsonl, recordedModel, type Workspace } from '../e2e/workspace.js';

let server: FakeServer;
let ws: Workspace;
/** Per-request override of the role-play replies; null = the normal reply. */
let fault: (body: any, kind: string) => FakeReply | null = () => null;

beforeAll(async () => {
  server = await startFakeServer({ handler: (body) => fault(body, kindOf(body)) ?? roleplayReply(body) });
  ws = makeWorkspace('honest-failures');
});
afterAll(async () => {
  await server.close();
  ws.remove();
});
beforeEach(() => {
  fault = () => null;
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

const IDS = 's01,s02';
const judgeFile = (run: string) => join(ws.runDir(run), 'judgments', 'gpt-5-mini.jsonl');
const report = (run: string) => JSON.parse(readFileSync(join(ws.reports, run, 'report.json'), 'utf8'));
/** A config with its own response cache (tests must not answer each other's requests). */
const cfgOf = (id: string, parts: Record<string, any>, cache = id) =>
  ws.config(
    id,
    configFor(ws, {
      runId: id,
      judgeUrl: server.url,
      judges: ['gpt-5-mini'],
      rubrics: ['cn'],
      ...parts,
      provider: { cacheDir: join(ws.dir, `cache-${cache}`), ...parts.provider },
    } as any),
  );
/** The n-th distinct judge prompt seen (0-based), stable for re-asks of the same prompt. */
function promptIndex(): (body: any) => number {
  const seen = new Map<string, number>();
  return (body) => {
    const k = JSON.stringify(body.messages[0]?.content ?? '') + JSON.stringify(body.messages[1]?.content ?? '');
    if (!seen.has(k)) seen.set(k, seen.size);
    return seen.get(k)!;
  };
}
const keysOf = (recs: any[]) => recs.map((j) => `${j.sampleId}|${j.model}|${j.metric}|${j.round}`);

async function exitOf(p: Promise<number>): Promise<number> {
  try {
    return await p;
  } catch (err) {
    return exitCodeFor(err);
  }
}

describe('missing responses', () => {
  it('score with no responses at all exits 3 with a reason instead of recording silent failures', async () => {
    const cfg = cfgOf('nothing', { models: [liveModel('cand', 'plain', server.url, { video: 'none' })] });
    const logged: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (logged.push(String(s)), true));
    let error: unknown = null;
    try {
      await withSession({ config: cfg, quiet: true, ids: IDS }, ['score'], scoreStep);
    } catch (err) {
      error = err;
    }
    expect(exitCodeFor(error)).toBe(3);
    expect((error as Error).message).toMatch(/nothing could be judged.*missing-response 2.*run generate first/);
    expect(logged.join('')).toMatch(/score failures: 2 of 2 failed \(missing-response 2\)/);
  });

  it('a missing-response judgment is redone by a plain rerun once its response exists', async () => {
    const models = [recordedModel('plain-vlm', 'plain'), liveModel('cand', 'plain', server.url, { video: 'none' })];
    const cfg = cfgOf('stale', { models, provider: { maxRetries: 0 } });
    // The live model is down: its answers fail, so its judgments are missing-response.
    fault = (_b, kind) => (kind === 'generate-plain' && _b.model === 'cand-v1' ? { status: 503 } : null);
    const first = await exitOf(runAll({ config: cfg, quiet: true, ids: IDS }));
    expect(first).toBe(3); // nothing could be judged for cand
    const before = readJsonl(judgeFile('stale'));
    expect(before.filter((j) => j.failure?.kind === 'missing-response')).toHaveLength(2);

    fault = () => null;
    const judgeCalls = server.requests.length;
    expect(await exitOf(runAll({ config: cfg, quiet: true, ids: IDS }))).toBe(0);
    const after = readJsonl(judgeFile('stale'));
    // One record per key, and the model is judged now.
    expect([...keyCounts(keysOf(after)).values()].every((n) => n === 1)).toBe(true);
    expect(after).toHaveLength(4);
    expect(after.filter((j) => j.failure)).toHaveLength(0);
    // Two generate calls and two judge calls: the recorded model's judgments were not redone.
    expect(server.requests.length - judgeCalls).toBe(4);
    const r = report('stale');
    expect(r.leaderboard.find((row: any) => row.model === 'cand').scores.cn.n).toBe(2);
    expect(r.counts.missingResponses).toBe(0);
  });
});

describe('comparisons with a failed order', () => {
  it('count as failures until both orders are in; --retry-failed asks only the failed order', async () => {
    const models = [recordedModel('plain-vlm', 'plain'), recordedModel('ebm-rl', 'ebm')];
    const cfg = cfgOf('order', { models, compare: { candidates: ['ebm-rl'], baselines: ['plain-vlm'] }, provider: { maxRetries: 0 } });
    // The first pairwise request meets an outage; every other one is answered.
    let pairwise = 0;
    const start = server.requests.length;
    fault = (_b, kind) => (kind === 'pairwise' && pairwise++ === 0 ? { status: 503 } : null);
    expect(await exitOf(runAll({ config: cfg, quiet: true, ids: IDS }))).toBe(0);
    const file = join(ws.runDir('order'), 'comparisons', 'gpt-5-mini.jsonl');
    const [failed] = readJsonl(file).filter((c) => c.failure);
    expect(failed).toBeDefined();
    expect(failed.outcome).toBeNull();
    expect(failed.orders.filter((o: any) => o.verdict !== null)).toHaveLength(1);
    expect(report('order').counts.comparisonFailures).toBe(1);

    const sent = server.requests.length;
    const firstRun = sent - start;
    expect(await exitOf(runAll({ config: cfg, quiet: true, ids: IDS, 'retry-failed': true }))).toBe(0);
    const redone = server.requests.slice(sent);
    expect(redone.map((q) => kindOf(q.body))).toEqual(['pairwise']);
    const recs = readJsonl(file);
    expect(recs).toHaveLength(2);
    expect(recs.every((c) => c.outcome !== null && c.orders.length === 2)).toBe(true);
    expect(report('order').counts.comparisonFailures).toBe(0);
    // The redone order replaces a record, but what the failed attempt sent is still counted.
    expect(report('order').counts.calls).toBe(firstRun + 1);
  });
});

describe('replies that cannot be trusted', () => {
  it('a reply cut off by the token limit is re-asked with a larger budget, never scored', async () => {
    const cfg = cfgOf('cut', { models: [recordedModel('plain-vlm', 'plain')] });
    const seen = new Set<string>();
    // First time a prompt is seen: cut off mid-number. Then the full reply.
    fault = (body, kind) => {
      if (kind !== 'pointwise') return null;
      const k = JSON.stringify(body.messages);
      if (seen.has(k)) return null;
      seen.add(k);
      return { content: '{"reasoning": "fluent", "score": 8', finishReason: 'length' };
    };
    const sent = server.requests.length;
    expect(await exitOf(runAll({ config: cfg, quiet: true, ids: IDS }))).toBe(0);
    const reqs = server.requests.slice(sent).filter((q) => kindOf(q.body) === 'pointwise');
    expect(reqs).toHaveLength(4);
    const budget = (q: any) => q.body.max_completion_tokens ?? q.body.max_tokens;
    // Each question: asked once at the judge's budget, then afresh (same messages) at twice it.
    const byPrompt = new Map<string, number[]>();
    for (const q of reqs) byPrompt.set(JSON.stringify(q.body.messages), [...(byPrompt.get(JSON.stringify(q.body.messages)) ?? []), budget(q)]);
    expect([...byPrompt.values()]).toEqual([
      [4096, 8192],
      [4096, 8192],
    ]);
    const recs = readJsonl(judgeFile('cut'));
    expect(recs.every((j) => j.failure === undefined && j.score !== 8 && j.attempts === 2)).toBe(true);
  });

  it('truncated, refused and filtered replies become failures of their own kind, and the cache does not replay them', async () => {
    const cfg = (id: string) => cfgOf(id, { models: [recordedModel('plain-vlm', 'plain')], score: { maxParseRetries: 1 } }, 'untrusted');
    const bad: FakeReply[] = [
      { content: '{"reasoning": "fluent", "score": 8', finishReason: 'length' },
      { content: '', refusal: 'I cannot help with that.' },
    ];
    const nth = promptIndex();
    fault = (body, kind) => (kind === 'pointwise' ? bad[nth(body) % 2]! : null);
    expect(await exitOf(runAll({ config: cfg('untrusted'), quiet: true, ids: IDS }))).toBe(3);
    const recs = readJsonl(judgeFile('untrusted'));
    expect(recs.map((j) => j.failure?.kind).sort()).toEqual(['refused', 'truncated']);
    expect(recs.every((j) => j.score === null)).toBe(true);

    // The judge is repaired: a new run on the same cache asks again instead of replaying.
    fault = () => null;
    const sent = server.requests.length;
    expect(await exitOf(runAll({ config: cfg('repaired'), quiet: true, ids: IDS }))).toBe(0);
    expect(server.requests.length - sent).toBe(2);
    expect(readJsonl(judgeFile('repaired')).every((j) => typeof j.score === 'number')).toBe(true);
  });

  it('an unparseable reply is not replayed by the cache to a later run', async () => {
    const cfg = (id: string) => cfgOf(id, { models: [recordedModel('plain-vlm', 'plain')], score: { maxParseRetries: 0 } }, 'garbled');
    fault = (_b, kind) => (kind === 'pointwise' ? 'I would rather not say.' : null);
    await exitOf(runAll({ config: cfg('garbled'), quiet: true, ids: 's03' }));
    expect(readJsonl(judgeFile('garbled'))[0].failure.kind).toBe('parse');
    fault = () => null;
    const sent = server.requests.length;
    expect(await exitOf(runAll({ config: cfg('garbled-2'), quiet: true, ids: 's03' }))).toBe(0);
    expect(server.requests.length - sent).toBe(1);
  });
});

describe('failure share', () => {
  it('exits 3 when failures are over failures.maxShare, and prints the counts either way', async () => {
    const base = { models: [recordedModel('plain-vlm', 'plain')], score: { maxParseRetries: 0 } };
    const nth = promptIndex();
    fault = (body, kind) => (kind === 'pointwise' && nth(body) === 0 ? 'no idea' : null);
    const logged: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (logged.push(String(s)), true));
    expect(await exitOf(runAll({ config: cfgOf('share-ok', base, 'share'), quiet: true, ids: IDS }))).toBe(0);
    expect(logged.join('')).toMatch(/score failures: 1 of 2 failed \(parse 1\)/);
    // Same cache: the good reply is replayed, the unreadable one is asked again and fails again.
    const strict = cfgOf('share-strict', { ...base, failures: { maxShare: 0.25 } }, 'share');
    expect(await exitOf(runAll({ config: strict, quiet: true, ids: IDS }))).toBe(3);
  });
});

describe('--retry-failed and the response cache', () => {
  const sentOf = (kind: string, from: number) => server.requests.slice(from).filter((q) => kindOf(q.body) === kind);

  it('score asks only the failed judgments again; what was never judged is answered from the cache', async () => {
    const models = [recordedModel('plain-vlm', 'plain')];
    // Another run over the same samples leaves every judge reply in the shared cache.
    const warm = cfgOf('warm-score', { models, provider: { maxRetries: 0 } }, 'shared-score');
    expect(await exitOf(runAll({ config: warm, quiet: true, ids: IDS }))).toBe(0);
    // This run judged s01 with the cache off while the judge was down: one failure; s02 never judged.
    const cfg = cfgOf('retry-score', { models, provider: { maxRetries: 0 } }, 'shared-score');
    fault = (_b, kind) => (kind === 'pointwise' ? { status: 503 } : null);
    expect(await exitOf(runAll({ config: cfg, quiet: true, ids: 's01', cache: false }))).toBe(3);
    expect(readJsonl(judgeFile('retry-score')).map((j) => [j.sampleId, j.failure?.kind])).toEqual([['s01', 'error']]);

    fault = () => null;
    const from = server.requests.length;
    expect(await exitOf(runAll({ config: cfg, quiet: true, ids: IDS, 'retry-failed': true }))).toBe(0);
    // The failure is asked afresh; s02's judgment is the cached reply (no request).
    expect(sentOf('pointwise', from)).toHaveLength(1);
    const recs = readJsonl(judgeFile('retry-score'));
    expect(recs.map((j) => [j.sampleId, j.failure?.kind ?? null]).sort()).toEqual([
      ['s01', null],
      ['s02', null],
    ]);
    const warmScores = readJsonl(judgeFile('warm-score')).map((j) => [j.sampleId, j.score]);
    expect(recs.map((j) => [j.sampleId, j.score]).sort()).toEqual(warmScores.sort());
  });

  it('compare asks only the failed comparison again; what was never compared is answered from the cache', async () => {
    const models = [recordedModel('plain-vlm', 'plain'), recordedModel('ebm-rl', 'ebm')];
    const parts = { models, compare: { candidates: ['ebm-rl'], baselines: ['plain-vlm'] }, provider: { maxRetries: 0 } };
    expect(await exitOf(runAll({ config: cfgOf('warm-pair', parts, 'shared-pair'), quiet: true, ids: IDS }))).toBe(0);
    const cfg = cfgOf('retry-pair', parts, 'shared-pair');
    fault = (_b, kind) => (kind === 'pairwise' ? { status: 503 } : null);
    expect(await exitOf(runAll({ config: cfg, quiet: true, ids: 's01', cache: false }))).toBe(3);
    const file = join(ws.runDir('retry-pair'), 'comparisons', 'gpt-5-mini.jsonl');
    expect(readJsonl(file).map((c) => [c.sampleId, c.outcome])).toEqual([['s01', null]]);

    fault = () => null;
    const from = server.requests.length;
    expect(await exitOf(runAll({ config: cfg, quiet: true, ids: IDS, 'retry-failed': true }))).toBe(0);
    // s01's two orders are asked again; s02's come from the cache.
    expect(sentOf('pairwise', from)).toHaveLength(2);
    const recs = readJsonl(file);
    expect(recs.map((c) => c.sampleId).sort()).toEqual(['s01', 's02']);
    expect(recs.every((c) => c.outcome !== null)).toBe(true);
  });
});
