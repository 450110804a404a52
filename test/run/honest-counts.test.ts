// Calls, tokens and budgets counted as spent: report.json's figures equal what
// the fake server saw, cache replays are counted apart, a dry run before
// generation predicts the run's calls exactly, and one budget covers `run`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { exitCodeFor } from '../../src/core/errors.js';
import { runAll } from '../../src/run/run.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { kindOf, roleplayReply } from '../e2e/fake-roleplay.js';
import { configFor, liveModel, makeWorkspace, recordedModel, type Workspace } from '../e2e/workspace.js';

let server: FakeServer;
let ws: Workspace;
let fails = 0;
// Fixed usage per reply, so the tokens the server handed out are known exactly.
const USAGE = { prompt_tokens: 100, completion_tokens: 7 };

beforeAll(async () => {
  server = await startFakeServer({
    handler: (body) => {
      // The first `fails` judge requests meet an outage (503): retried by the provider.
      if (kindOf(body) !== 'generate-plain' && kindOf(body) !== 'generate-ebm' && fails > 0) {
        fails--;
        return { status: 503 };
      }
      const r = roleplayReply(body);
      return typeof r === 'string' ? { content: r, usage: USAGE } : r;
    },
  });
  ws = makeWorkspace('honest-counts');
});
afterAll(async () => {
  await server.close();
  ws.remove();
});
let out: string[] = [];
beforeEach(() => {
  fails = 0;
  out = [];
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
});

const IDS = 's01,s02,s03';
const report = (run: string) => JSON.parse(readFileSync(join(ws.reports, run, 'report.json'), 'utf8'));
const cfgOf = (id: string, parts: Record<string, any>, cache = id) =>
  ws.config(
    id,
    configFor(ws, {
      runId: id,
      judgeUrl: server.url,
      judges: ['gpt-5-mini'],
      ...parts,
      provider: { cacheDir: join(ws.dir, `cache-${cache}`), ...parts.provider },
    } as any),
  );

async function exitOf(p: Promise<number>): Promise<number> {
  try {
    return await p;
  } catch (err) {
    return exitCodeFor(err);
  }
}

describe('report.json counts what was sent', () => {
  it('one listwise call filling nine cells is one call, retries included; a cached rerun is counted apart', async () => {
    const models = [recordedModel('plain-vlm', 'plain'), recordedModel('ebm-rl', 'ebm')];
    const parts = { models, rubrics: ['veg', 'spc', 'cn'], score: { mode: 'listwise' } };
    fails = 2;
    const before = server.requests.length;
    expect(await exitOf(runAll({ config: cfgOf('list', parts, 'list'), quiet: true, ids: IDS }))).toBe(0);
    const sent = server.requests.length - before;
    // 3 listwise calls (one per sample), 2 of them preceded by a 503.
    expect(sent).toBe(5);
    const c = report('list').counts;
    expect(c.judgments).toBe(3 * 2 * 3);
    expect(c.calls).toBe(sent);
    expect(c.promptTokens).toBe(3 * USAGE.prompt_tokens);
    expect(c.completionTokens).toBe(3 * USAGE.completion_tokens);
    expect(c.callsFromCache).toBe(0);

    // Same requests, same cache, new run: nothing sent, and the report says so.
    const again = server.requests.length;
    expect(await exitOf(runAll({ config: cfgOf('list-again', parts, 'list'), quiet: true, ids: IDS }))).toBe(0);
    expect(server.requests.length).toBe(again);
    const d = report('list-again').counts;
    expect(d.calls).toBe(0);
    expect(d.promptTokens).toBe(0);
    expect(d.callsFromCache).toBe(3);
    expect(d.promptTokensFromCache).toBe(3 * USAGE.prompt_tokens);
  });

  it('generate, score and compare through the server: report.json calls equal the requests made', async () => {
    const models = [liveModel('cand', 'ebm', server.url, { video: 'none' }), liveModel('base', 'plain', server.url, { video: 'none' })];
    const parts = { models, rubrics: ['cn'], compare: { candidates: ['cand'], baselines: ['base'] } };
    fails = 3;
    const before = server.requests.length;
    expect(await exitOf(runAll({ config: cfgOf('all', parts), quiet: true, ids: IDS }))).toBe(0);
    const sent = server.requests.length - before;
    // 6 answers, 6 pointwise judgments, 3 comparisons × 2 orders, 3 retries after 503s.
    expect(sent).toBe(6 + 6 + 6 + 3);
    const c = report('all').counts;
    expect(c.calls).toBe(sent);
    expect(c.promptTokens).toBe((sent - 3) * USAGE.prompt_tokens);
  });
});

describe('--dry-run before generation', () => {
  it('predicts exactly the calls a fresh run then makes, generate included', async () => {
    const models = [liveModel('cand', 'ebm', server.url, { video: 'none' }), recordedModel('plain-vlm', 'plain')];
    const parts = { models, rubrics: ['cn'], compare: { candidates: ['cand'], baselines: ['plain-vlm'] } };
    const cfg = cfgOf('dry', parts);
    const before = server.requests.length;
    expect(await exitOf(runAll({ config: cfg, quiet: true, ids: IDS, 'dry-run': true }))).toBe(0);
    expect(server.requests.length).toBe(before);
    const line = out.join('').match(/dry run \(run\): (\d+) calls in all \((\d+) model, (\d+) judge\)/);
    expect(line, out.join('')).not.toBeNull();
    // 3 answers to make, then 6 pointwise judgments and 3 × 2 comparison orders.
    expect(Number(line![2])).toBe(3);
    expect(Number(line![3])).toBe(12);
    expect(await exitOf(runAll({ config: cfg, quiet: true, ids: IDS }))).toBe(0);
    expect(server.requests.length - before).toBe(Number(line![1]));
  });
});

describe('--max-calls covers the whole command', () => {
  it('run --max-calls 8 sends at most 8 requests over generate and score together', async () => {
    const models = [liveModel('cand', 'plain', server.url, { video: 'none' })];
    const before = server.requests.length;
    const code = await exitOf(runAll({ config: cfgOf('budget', { models, rubrics: ['cn', 'veg'] }), quiet: true, ids: 's01,s02,s03,s04,s05', 'max-calls': 8 }));
    expect(code).toBe(5);
    expect(server.requests.length - before).toBe(8);
  });
});
