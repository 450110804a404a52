// Spend that no record holds, and the provider's cached prompt tokens, as
// report.json counts them: a --max-calls stop between a comparison's two
// orders leaves the first order's request counted (report calls = requests the
// server received), a rerun without the cap does not count it twice, and
// usage.prompt_tokens_details.cached_tokens reaches counts.byJudge once per
// network call.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { exitCodeFor } from '../../src/core/errors.js';
import { runAll } from '../../src/run/run.js';
import { loadFromArgv } from '../../src/run/argv.js';
import { reportStep } from '../../src/run/finish.js';
import { UNRECORDED_FILE } from '../../src/pipeline/unrecorded.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { kindOf, roleplayReply } from '../e2e/fake-roleplay.js';
import { configFor, keyCounts, liveModel, makeWorkspace, readJsonl, recordedModel, type Workspace } from '../e2e/workspace.js';

let server: FakeServer;
let ws: Workspace;
/** What the server said it served from its prompt cache, per reply; null: not reported. */
let cachedFor: (n: number) => number | null = () => null;
let served = 0;
let cachedServed = 0;
/** A reply of the test's own for some requests (before the usual ones). */
let override: (body: any) => any = () => null;

beforeAll(async () => {
  server = await startFakeServer({
    handler: (body) => {
      const o = override(body);
      if (o) return o;
      const r = roleplayReply(body);
      if (typeof r !== 'string' || kindOf(body).startsWith('generate')) return r;
      const cached = cachedFor(served++);
      if (cached !== null) cachedServed += cached;
      const usage = { prompt_tokens: 100, completion_tokens: 7, ...(cached !== null ? { prompt_tokens_details: { cached_tokens: cached } } : {}) };
      return { content: r, usage };
    },
  });
  ws = makeWorkspace('honest-spend');
});
afterAll(async () => {
  await server.close();
  ws.remove();
});
beforeEach(() => {
  cachedFor = () => null;
  override = () => null;
  served = 0;
  cachedServed = 0;
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

const IDS = 's01,s02,s03';
const models = [recordedModel('plain-vlm', 'plain'), recordedModel('ebm-rl', 'ebm')];
const report = (id: string) => JSON.parse(readFileSync(join(ws.reports, id, 'report.json'), 'utf8'));
const cfgOf = (id: string, parts: Record<string, any>) =>
  ws.config(
    id,
    configFor(ws, {
      runId: id,
      models,
      judgeUrl: server.url,
      judges: ['gpt-5-mini'],
      ...parts,
      provider: { cacheDir: join(ws.dir, `cache-${id}`), ...parts.provider },
    } as any),
  );

async function exitOf(p: Promise<unknown>): Promise<number> {
  try {
    return Number(await p);
  } catch (err) {
    return exitCodeFor(err);
  }
}

describe('requests cut off by a budget', () => {
  it('--max-calls stopping a comparison between its orders: report calls equal the server count, before and after a rerun', async () => {
    // One slot: 6 pointwise calls, then exactly one comparison order fits under the cap of 7.
    const parts = { rubrics: ['cn'], compare: { candidates: ['ebm-rl'], baselines: ['plain-vlm'] }, provider: { concurrency: 1 } };
    const cfg = cfgOf('cut', parts);
    const before = server.requests.length;
    expect(await exitOf(runAll({ config: cfg, quiet: true, ids: IDS, 'max-calls': 7 }))).toBe(5);
    expect(server.requests.length - before).toBe(7);
    const argv = { config: cfg, quiet: true, ids: IDS };
    await reportStep(loadFromArgv(argv), argv);
    const c = report('cut').counts;
    expect(c.calls).toBe(7);
    expect(c.promptTokens).toBe(7 * 100);
    // The order that was sent has no comparison record: the comparisons' order file holds it (store/order-log.ts), not the ledger.
    expect(c.unrecordedCalls).toBe(1);
    expect(readJsonl(join(ws.runDir('cut'), 'comparisons', 'gpt-5-mini.jsonl')).length).toBe(0);
    const orders = readJsonl(join(ws.runDir('cut'), 'comparisons', 'gpt-5-mini.jsonl.orders'));
    expect(orders.map((e) => [e.judge, e.order.spend.requests])).toEqual([['gpt-5-mini', 1]]);
    expect(readJsonl(join(ws.runDir('cut'), UNRECORDED_FILE))).toEqual([]);

    // Without the cap: everything finishes; the sent order is reused (not asked, nor replayed from the cache) and counted once.
    expect(await exitOf(runAll(argv))).toBe(0);
    const all = server.requests.length - before;
    expect(all).toBe(6 + 3 * 2);
    const d = report('cut').counts;
    expect(d.calls).toBe(all);
    expect(d.callsFromCache).toBe(0);
    expect(d.unrecordedCalls ?? 0).toBe(0);
    expect(d.comparisons).toBe(3);
    const keys = readJsonl(join(ws.runDir('cut'), 'comparisons', 'gpt-5-mini.jsonl')).map((x) => `${x.sampleId}|${x.metric}|${x.round}`);
    expect([...keyCounts(keys).values()]).toEqual([1, 1, 1]);
  });
});

describe('requests cut off by a budget, other cases', () => {
  it('a re-ask refused by --max-calls: the unreadable first reply is still counted', async () => {
    let first = true;
    override = (body) =>
      kindOf(body) === 'pointwise' && first
        ? ((first = false), { content: 'I would rather not say.', usage: { prompt_tokens: 100, completion_tokens: 7 } })
        : null;
    const cfg = cfgOf('reask', { models: [models[0]], rubrics: ['cn'] });
    const before = server.requests.length;
    expect(await exitOf(runAll({ config: cfg, quiet: true, ids: 's01', 'max-calls': 1 }))).toBe(5);
    expect(server.requests.length - before).toBe(1);
    const argv = { config: cfg, quiet: true, ids: 's01' };
    await reportStep(loadFromArgv(argv), argv);
    const c = report('reask').counts;
    expect([c.calls, c.promptTokens, c.judgments]).toEqual([1, 100, 0]);
  });

  it('a generate retry refused by --max-calls: the failed attempt is counted', async () => {
    let first = true;
    override = (body) => (kindOf(body).startsWith('generate') && first ? ((first = false), { status: 503 }) : null);
    const cfg = cfgOf('gen-cut', { models: [liveModel('cand', 'plain', server.url, { video: 'none' })], rubrics: ['cn'] });
    const before = server.requests.length;
    expect(await exitOf(runAll({ config: cfg, quiet: true, ids: 's01', 'max-calls': 1 }))).toBe(5);
    expect(server.requests.length - before).toBe(1);
    const argv = { config: cfg, quiet: true, ids: 's01' };
    await reportStep(loadFromArgv(argv), argv);
    const c = report('gen-cut').counts;
    expect([c.calls, c.responses, c.unrecordedCalls]).toEqual([1, 0, 1]);
    // Model spend is not a judge's: no per-judge row for it.
    expect(c.byJudge).toEqual([]);
  });
});

describe('cached prompt tokens', () => {
  it('a listwise call filling nine cells counts its cached tokens once; share and saving per judge', async () => {
    cachedFor = () => 40;
    const parts = { rubrics: ['veg', 'spc', 'cn'], score: { mode: 'listwise' } };
    expect(await exitOf(runAll({ config: cfgOf('cached-list', parts), quiet: true, ids: IDS }))).toBe(0);
    const c = report('cached-list').counts;
    expect(c.judgments).toBe(3 * 2 * 3);
    expect(cachedServed).toBe(3 * 40);
    expect(c.cachedPromptTokens).toBe(cachedServed);
    expect(c.cachedTokenPrice).toBe(0.5);
    expect(c.byJudge).toEqual([{ judge: 'gpt-5-mini', calls: 3, promptTokens: 300, cachedPromptTokens: 120, cachedShare: 0.4, savedPromptTokens: 60 }]);
    const md = readFileSync(join(ws.reports, 'cached-list', 'report.md'), 'utf8');
    expect(md).toMatch(/\| gpt-5-mini \| 3 \| 300 \| 120 \| 40\.0 \| 60 \|/);
  });

  it('pointwise and pairwise calls at another price: per-judge figures equal what the server returned', async () => {
    // Varying hits, some replies not reporting any (counted as no cached tokens, never guessed).
    cachedFor = (n) => (n % 4 === 3 ? null : (n % 4) * 25);
    const parts = { rubrics: ['cn'], compare: { candidates: ['ebm-rl'], baselines: ['plain-vlm'] }, report: { cachedTokenPrice: 0.25 } };
    const before = server.requests.length;
    expect(await exitOf(runAll({ config: cfgOf('cached-mixed', parts), quiet: true, ids: IDS }))).toBe(0);
    const sent = server.requests.length - before;
    expect(sent).toBe(6 + 6);
    expect(cachedServed).toBeGreaterThan(0);
    const [row] = report('cached-mixed').counts.byJudge;
    expect(row.calls).toBe(sent);
    expect(row.promptTokens).toBe(sent * 100);
    expect(row.cachedPromptTokens).toBe(cachedServed);
    expect(row.cachedShare).toBeCloseTo(cachedServed / (sent * 100), 12);
    expect(row.savedPromptTokens).toBe(cachedServed * 0.75);
    expect(existsSync(join(ws.runDir('cached-mixed'), UNRECORDED_FILE))).toBe(false);
  });
});
