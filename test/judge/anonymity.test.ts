// Anonymity on the wire: an answer that names its own model ("This is
// cand-good speaking") or carries output tags reaches the judge masked, or
// (score.anonymity: flag) unmasked and flagged; the report counts the hits.
// What the judge saw is read from the fake server's request log.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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

describe('AnonymityGuard: the scene is never rewritten', () => {
  const collect = () => {
    const warnings: string[] = [];
    return { warnings, warn: (m: string) => warnings.push(m) };
  };
  const frodo = {
    id: 'lotr-2',
    source: 'The Lord of the Ring',
    character: { name: 'Frodo', description: 'Carries the Ring.', fields: { relationships: 'Close to Sam, Merry and Pippin.' } },
    user: { name: 'Pippin', description: 'Playful.' },
    history: [{ speaker: 'Pippin', text: 'Frodo? Why are you sitting in the dark?' }],
    references: [],
  };

  it('does not redact a name that is an ordinary word or character name, and warns once per model', () => {
    const { warnings, warn } = collect();
    const g = new AnonymityGuard([{ name: 'pippin', outputs: 'runs/plain.jsonl' }, { name: 'plain' }, { name: 'cand-good' }], 'mask', warn);
    const text = "User (Pippin):\nPippin: Frodo?\nResponse: It's nothing, Pippin. Plain reply, plain as day.";
    expect(g.scan(text)).toEqual({ text, found: [] });
    // The identifying forms still are: the output file's full name, and a name with a separator.
    expect(g.scan('see plain.jsonl; I am cand-good').text).toBe(`see ${MASK}; I am ${MASK}`);
    g.scan(text);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('model "pippin": "pippin" is an ordinary word or name');
    expect(warnings[1]).toContain('model "plain"');
  });

  it("leaves a term that occurs in the sample's own text unmasked and uncounted in that sample's prompt, and masks it elsewhere", () => {
    const { warnings, warn } = collect();
    const g = new AnonymityGuard([{ name: 'r2-d2', model: 'org/c-3po' }], 'mask', warn);
    const droid = { ...frodo, id: 'sw-1', character: { name: 'R2-D2', description: 'A droid; C-3PO translates.' } };
    const prompt = 'Assistant (R2-D2): A droid; C-3PO translates.\nResponse: Beep. R2-D2 is here, org/c-3po.';
    expect(g.scan(prompt, g.exemptIn(droid))).toEqual({
      text: `Assistant (R2-D2): A droid; C-3PO translates.\nResponse: Beep. R2-D2 is here, ${MASK}.`,
      found: ['org/c-3po'],
    });
    // Another sample's text does not name them: masked as before.
    expect(g.scan('Response: R2-D2 is here.', g.exemptIn(frodo))).toEqual({ text: `Response: ${MASK} is here.`, found: ['r2-d2'] });
    g.exemptIn({ ...droid, id: 'sw-2' });
    expect(warnings).toEqual([expect.stringContaining('model "r2-d2": "r2-d2" also occurs in the text of sample sw-1')]);
  });
});

describe('judge prompts on the wire', () => {
  let server: FakeServer;
  let ws: Workspace;
  const ids = sampleIds().slice(0, 2);
  // The candidate names itself in every answer (tags are covered above: answer extraction strips most before the judge).
  let plainAnswer = 'I will guard the lighthouse. This is cand-good speaking.';
  beforeAll(async () => {
    server = await startFakeServer({
      handler: (body) => (kindOf(body) === 'generate-plain' ? plainAnswer : roleplayReply(body)),
    });
    ws = makeWorkspace('anonymity');
  });
  afterAll(async () => {
    await server.close();
    ws.remove();
  });

  async function run(runId: string, mode?: 'mask' | 'flag', model = liveModel('cand-good', 'plain', server.url)) {
    const from = server.requests.length;
    const cfg = configFor(ws, {
      runId,
      models: [model],
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

  it('sends the scene as written when a model is named after its user, and masks its id only where the scene lacks it', async () => {
    // s01's user is Tobiah, described as "a fifteen-year-old courier"; s02 has neither word.
    plainAnswer = 'Hold the lantern, Tobiah. This is fifteen-year-old speaking.';
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const { judged, judgments } = await run('named-tobiah', undefined, liveModel('tobiah', 'plain', server.url, { model: 'fifteen-year-old' }));
      const prompts = judged.map((r) => promptParts(r.body).prompt);
      const s01 = prompts.filter((p) => p.includes('Mistress Holt!'));
      expect(s01.length).toBe(2);
      for (const p of s01) {
        expect(p).not.toContain(MASK);
        expect(p).toContain('Tobiah: Mistress Holt! The harbourmaster sent me');
        expect(p).toContain('Hold the lantern, Tobiah. This is fifteen-year-old speaking.');
      }
      for (const p of prompts.filter((q) => !s01.includes(q))) expect(p).toContain(`Hold the lantern, Tobiah. This is ${MASK} speaking.`);
      expect(judgments.filter((j) => j.sent.anonymity).map((j) => [j.sampleId, j.sent.anonymity.terms])).toEqual([
        [ids[1], ['fifteen-year-old']],
        [ids[1], ['fifteen-year-old']],
      ]);
      const warned = stderr.mock.calls.map((c) => String(c[0])).filter((m) => m.startsWith('warning: model "tobiah"'));
      expect(warned).toHaveLength(2);
      expect(warned[0]).toContain('"tobiah" is an ordinary word or name');
      expect(warned[1]).toContain('"fifteen-year-old" also occurs in the text of sample s01');
    } finally {
      stderr.mockRestore();
      plainAnswer = 'I will guard the lighthouse. This is cand-good speaking.';
    }
  });

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
