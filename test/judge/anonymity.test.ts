// Anonymity on the wire: an answer that names its own model ("This is
// cand-good speaking") or carries output tags reaches the judge masked, or
// (score.anonymity: flag) unmasked and flagged; the report counts the hits.
// What the judge saw is read from the fake server's request log.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnonymityGuard, MASK } from '../../src/judge/protocol/anonymity.js';
import { runAll } from '../../src/run/run.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { isJudgeKind, kindOf, promptParts, roleplayReply } from '../e2e/fake-roleplay.js';
import { configFor, liveModel, makeWorkspace, readJsonl, sampleIds, type Workspace } from '../e2e/workspace.js';

describe('AnonymityGuard', () => {
  const g = new AnonymityGuard([
    { name: 'cand-good', model: 'org/cand-good-v1' },
    { name: 'ebm-rl', outputs: '/data/outputs/ebm_rl_outputs.jsonl' },
  ]);

  it('masks names, model ids (with and without the organisation), output file names and tags', () => {
    const r = g.scan('This is cand-good speaking (org/cand-good-v1, cand-good-v1); see ebm_rl_outputs.jsonl. <THINK>x</think> < answer >y</answer>');
    expect(r.text).toBe(`This is ${MASK} speaking (${MASK}, ${MASK}); see ${MASK}. ${MASK}x${MASK} ${MASK}y${MASK}`);
    expect(new Set(r.found)).toEqual(
      new Set(['cand-good', 'org/cand-good-v1', 'cand-good-v1', 'ebm_rl_outputs.jsonl', '<think>', '</think>', '<answer>', '</answer>']),
    );
  });

  it('scans a shared text (a lead) once and answers as scan() does every time', () => {
    const lead = 'Judge the reply of cand-good. <think>no</think> '.repeat(30);
    for (const mode of ['mask', 'flag'] as const) {
      const guard = new AnonymityGuard([{ name: 'cand-good' }], mode);
      const want = guard.scan(lead);
      const first = guard.scanShared(lead);
      // Another string with the same text, as each call renders its lead afresh.
      const again = guard.scanShared(lead.slice(0, 10) + lead.slice(10));
      expect(first).toEqual(want);
      expect(again).toEqual(want);
      expect(want.found.length).toBe(90);
      // Each caller owns its list of hits.
      first.found.push('x');
      expect(guard.scanShared(lead).found).toEqual(want.found);
    }
  });

  it('leaves words that merely contain a name alone', () => {
    expect(g.scan('the cand-goodness of ebm-rlx').found).toEqual([]);
  });

  it('flag mode finds the same and changes nothing', () => {
    const f = new AnonymityGuard([{ name: 'cand-good' }], 'flag');
    expect(f.scan('I am cand-good')).toEqual({ text: 'I am cand-good', found: ['cand-good'] });
  });
});

describe('judge prompts on the wire', () => {
  let server: FakeServer;
  let ws: Workspace;
  const ids = sampleIds().slice(0, 2);
  beforeAll(async () => {
    // The candidate names itself in every answer (tags are covered above: answer extraction strips most before the judge).
    server = await startFakeServer({
      handler: (body) => (kindOf(body) === 'generate-plain' ? 'I will guard the lighthouse. This is cand-good speaking.' : roleplayReply(body)),
    });
    ws = makeWorkspace('anonymity');
  });
  afterAll(async () => {
    await server.close();
    ws.remove();
  });

  async function run(runId: string, mode?: 'mask' | 'flag') {
    const from = server.requests.length;
    const cfg = configFor(ws, {
      runId,
      models: [liveModel('cand-good', 'plain', server.url)],
      judgeUrl: server.url,
      judges: ['gpt-5-mini'],
      rubrics: ['veg', 'cn'],
      ...(mode ? { score: { anonymity: mode } } : {}),
    });
    expect(await runAll({ config: ws.config(runId, cfg), quiet: true, ids: ids.join(',') })).toBe(0);
    const judged = server.requests.slice(from).filter((r) => isJudgeKind(kindOf(r.body)));
    const report = JSON.parse(readFileSync(join(ws.reports, runId, 'report.json'), 'utf8'));
    const judgments = readJsonl(join(ws.runDir(runId), 'judgments', 'gpt-5-mini.jsonl'));
    return { judged, report, judgments };
  }

  it('masks by default: no judge prompt names the model or carries a tag, and the report counts every judgment', async () => {
    const { judged, report, judgments } = await run('mask');
    expect(judged.length).toBe(ids.length * 2);
    for (const r of judged) {
      const { prompt, system } = promptParts(r.body);
      const text = `${system}\n${prompt}`;
      expect(text).not.toContain('cand-good');
      expect(text).toContain(`This is ${MASK} speaking`);
    }
    expect(judgments.every((j) => j.sent.anonymity?.masked === true && j.sent.anonymity.terms.includes('cand-good'))).toBe(true);
    expect(report.counts.anonymityHits).toBe(ids.length * 2);
  });

  it('flag mode sends the prompt as it was and flags the judgments', async () => {
    const { judged, report, judgments } = await run('flag', 'flag');
    expect(judged.every((r) => promptParts(r.body).prompt.includes('This is cand-good speaking'))).toBe(true);
    expect(judgments.every((j) => j.sent.anonymity?.masked === false)).toBe(true);
    expect(report.counts.anonymityHits).toBe(ids.length * 2);
  });
});
