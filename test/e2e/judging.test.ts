// generate → score → compare with LLM judges on the fake server, under both
// protocols: EBM-RL (VEG/SPC/CN per response and listwise, one round) and
// Video2Roleplay (two metrics, a two-judge ensemble, two rounds). Then the
// anonymity scan over every judge request the runs made.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, runCli } from '../helpers/cli.js';
import { startFakeServer, type FakeRequest, type FakeServer } from '../helpers/fake-server.js';
import {
  characterOf,
  criterionOf,
  fakeScore,
  fakeVerdict,
  imageParts,
  isJudgeKind,
  kindOf,
  pairwiseAnswers,
  PERCEPTION_MARK,
  promptParts,
  roleplayHandler,
  styleMark,
  THINK_MARK,
} from './fake-roleplay.js';
import { configFor, keyCounts, liveModel, makeWorkspace, readJsonl, sampleCharacters, type Workspace } from './workspace.js';

const CAND = 'secret-model-x';
const BASE = 'rival-model-y';
const MODELS = [CAND, BASE];
const EBM_IDS = ['s01', 's03', 's05'];
const V2R_IDS = ['s01', 's02'];
const NAMES: Record<string, string> = {
  veg: 'Visual Evidence Grounding',
  spc: 'Situational Persona Compatibility',
  cn: 'Conversational Naturalism',
  'human-likeness': 'Human Likeness',
  'response-accuracy': 'Response Accuracy',
};
const character = sampleCharacters();

describe('score and compare with LLM judges (both protocols)', () => {
  let server: FakeServer;
  let ws: Workspace;
  /** Requests the server got during each CLI step. */
  const stage: Record<string, FakeRequest[]> = {};

  async function step(name: string, args: string[]): Promise<void> {
    const from = server.requests.length;
    const r = await runCli(args);
    expect(r.code, `${name}: ${describeRun(r)}`).toBe(0);
    stage[name] = server.requests.slice(from);
  }

  beforeAll(async () => {
    server = await startFakeServer({ handler: roleplayHandler() });
    ws = makeWorkspace('judging');
    const models = [liveModel(CAND, 'ebm', server.url), liveModel(BASE, 'plain', server.url)];
    const base = { models, judgeUrl: server.url, compare: { candidates: [CAND], baselines: [BASE] } };
    const ebm = ws.config('ebm', configFor(ws, { runId: 'ebm', judges: ['gpt-5-mini'], rubrics: ['veg', 'spc', 'cn'], ...base }));
    const list = ws.config(
      'list',
      configFor(ws, { runId: 'list', judges: ['gpt-5-mini'], rubrics: ['veg', 'spc', 'cn'], score: { mode: 'listwise' }, ...base }),
    );
    const v2r = ws.config('v2r', configFor(ws, { runId: 'v2r', judges: ['v2r-ensemble'], rubrics: ['human-likeness', 'response-accuracy'], ...base }));
    const ebmIds = ['--ids', EBM_IDS.join(',')];
    const v2rIds = ['--ids', V2R_IDS.join(','), '--rounds', '2'];
    await step('ebm:generate', ['generate', '-c', ebm, ...ebmIds]);
    await step('ebm:score', ['score', '-c', ebm, ...ebmIds]);
    await step('ebm:compare', ['compare', '-c', ebm, ...ebmIds]);
    await step('list:generate', ['generate', '-c', list, ...ebmIds]);
    await step('list:score', ['score', '-c', list, ...ebmIds]);
    await step('v2r:generate', ['generate', '-c', v2r, '--ids', V2R_IDS.join(',')]);
    await step('v2r:score', ['score', '-c', v2r, ...v2rIds]);
    await step('v2r:compare', ['compare', '-c', v2r, ...v2rIds]);
  });
  afterAll(async () => {
    await server?.close();
    ws?.remove();
  });

  const judgments = (run: string, judge: string) => readJsonl(join(ws.runDir(run), 'judgments', `${judge}.jsonl`));
  const comparisons = (run: string, judge: string) => readJsonl(join(ws.runDir(run), 'comparisons', `${judge}.jsonl`));
  const prompt = (q: FakeRequest) => promptParts(q.body).prompt;

  /** The request a judgment's first attempt was, found by sample, metric and the answer shown. */
  function pointRequest(reqs: FakeRequest[], sampleId: string, metric: string, model: string): FakeRequest[] {
    return reqs.filter(
      (q) => characterOf(prompt(q)) === character.get(sampleId) && criterionOf(prompt(q)) === NAMES[metric] && prompt(q).includes(styleMark(`${model}-v1`)),
    );
  }

  it('EBM-RL per response: one parsed score per (sample, model, metric), frames only for VEG and SPC', () => {
    const recs = judgments('ebm', 'gpt-5-mini');
    expect(recs).toHaveLength(EBM_IDS.length * MODELS.length * 3);
    expect(keyCounts(recs.map((j) => `${j.sampleId}|${j.model}|${j.metric}|${j.round}`)).size).toBe(recs.length);
    const reqs = stage['ebm:score']!;
    expect(reqs).toHaveLength(recs.length);
    for (const j of recs) {
      expect(j.failure, JSON.stringify(j.failure)).toBeUndefined();
      expect(j.mode).toBe('per-response');
      expect(j.attempts).toBe(1);
      const [q, ...more] = pointRequest(reqs, j.sampleId, j.metric, j.model);
      expect(more).toHaveLength(0);
      expect(kindOf(q!.body)).toBe('pointwise');
      // The recorded score is the one the judge gave for exactly this prompt.
      expect(j.score).toBe(fakeScore(prompt(q!)));
      const images = imageParts(q!.body);
      if (j.metric === 'cn') expect(images).toHaveLength(0);
      else {
        expect(images.length).toBeGreaterThan(0);
        expect(images.every((p) => p.detail === 'low' && p.url.startsWith('data:image/jpeg;base64,'))).toBe(true);
      }
    }
  });

  it('EBM-RL compare: every pair judged in both orders, candidate once in each position, outcome from its side', () => {
    const recs = comparisons('ebm', 'gpt-5-mini');
    expect(recs).toHaveLength(EBM_IDS.length * 3);
    const reqs = stage['ebm:compare']!;
    expect(reqs).toHaveLength(recs.length * 2);
    for (const c of recs) {
      expect(c.candidate).toBe(CAND);
      expect(c.baseline).toBe(BASE);
      expect(c.orders.map((o: any) => o.order).sort()).toEqual(['AB', 'BA']);
      expect(['win', 'loss', 'tie']).toContain(c.outcome);
      const mine = reqs.filter((q) => characterOf(prompt(q)) === character.get(c.sampleId) && criterionOf(prompt(q)) === NAMES[c.metric]);
      expect(mine).toHaveLength(2);
      for (const o of c.orders) {
        const candAt = o.order === 'AB' ? 'a' : 'b';
        const q = mine.find((r) => pairwiseAnswers(prompt(r))[candAt].includes(styleMark(`${CAND}-v1`)));
        expect(q, `no request with the candidate in position ${candAt}`).toBeDefined();
        const other = pairwiseAnswers(prompt(q!))[candAt === 'a' ? 'b' : 'a'];
        expect(other).toContain(styleMark(`${BASE}-v1`));
        const said = fakeVerdict(prompt(q!));
        expect(o.verdict).toBe(said === 'C' ? 'tie' : said);
        const expected = said === 'C' ? 'tie' : said.toLowerCase() === candAt ? 'win' : 'loss';
        expect(o.outcome).toBe(expected);
      }
      const [x, y] = c.orders.map((o: any) => o.outcome);
      // Default rule (strict): agreeing orders stand, disagreeing ones are a tie.
      expect(c.outcome).toBe(x === y ? x : 'tie');
    }
  });

  it('EBM-RL listwise: one call per sample fills every (model, metric) cell, labels anonymous', () => {
    expect(stage['list:generate']).toHaveLength(0); // same requests as the first run: all from the cache
    const reqs = stage['list:score']!;
    expect(reqs).toHaveLength(EBM_IDS.length);
    expect(reqs.every((q) => kindOf(q.body) === 'listwise')).toBe(true);
    const recs = judgments('list', 'gpt-5-mini');
    expect(recs).toHaveLength(EBM_IDS.length * MODELS.length * 3);
    expect(keyCounts(recs.map((j) => `${j.sampleId}|${j.model}|${j.metric}`)).size).toBe(recs.length);
    const KEYS: Record<string, string> = { veg: 'VEG', spc: 'SPC', cn: 'CN' };
    for (const id of EBM_IDS) {
      const cells = recs.filter((j) => j.sampleId === id);
      const labelOf = new Map(cells.map((j) => [j.model, /^listwise:([A-Z])$/.exec(j.provenance.order)?.[1]]));
      expect(new Set(labelOf.values()).size).toBe(2);
      const q = reqs.find((r) => characterOf(prompt(r)) === character.get(id))!;
      const reply = JSON.parse(cells[0]!.raw[0]);
      for (const j of cells) {
        expect(j.mode).toBe('listwise');
        expect(j.score).toBe(reply[labelOf.get(j.model)!][KEYS[j.metric]!]);
        // The label shown with this model's answer is the one recorded.
        const section = prompt(q)
          .split(`### Model ${labelOf.get(j.model)}\n`)[1]!
          .split('\n')[0];
        expect(section).toContain(styleMark(`${j.model}-v1`));
      }
    }
  });

  it('Video2Roleplay: both ensemble judges, two rounds, 0-100 scores and both-order comparisons', () => {
    for (const judge of ['gpt-4o', 'o3-mini']) {
      const recs = judgments('v2r', judge);
      expect(recs).toHaveLength(V2R_IDS.length * MODELS.length * 2 * 2);
      expect(keyCounts(recs.map((j) => `${j.sampleId}|${j.model}|${j.metric}|${j.round}`)).size).toBe(recs.length);
      expect(new Set(recs.map((j) => j.round))).toEqual(new Set([1, 2]));
      for (const j of recs) {
        expect(j.failure).toBeUndefined();
        expect(Number.isInteger(j.score) && j.score >= 0 && j.score <= 100).toBe(true);
        expect(j.raw[0]).toContain(`"score": ${j.score}`);
      }
      const comps = comparisons('v2r', judge);
      expect(comps).toHaveLength(V2R_IDS.length * 2 * 2);
      for (const c of comps) {
        expect(c.orders.map((o: any) => o.order).sort()).toEqual(['AB', 'BA']);
        expect(c.orders.every((o: any) => o.verdict !== null)).toBe(true);
        expect(['win', 'loss', 'tie']).toContain(c.outcome);
      }
    }
    // Rounds are independent draws: each round is its own request, not a cache replay.
    expect(stage['v2r:score']).toHaveLength(2 * V2R_IDS.length * MODELS.length * 2 * 2);
    expect(stage['v2r:compare']).toHaveLength(2 * V2R_IDS.length * 2 * 2 * 2);
    // Each judge is asked as itself; the reasoning model gets no temperature.
    const byModel = (m: string) => stage['v2r:score']!.filter((q) => q.body.model === m);
    expect(byModel('gpt-4o').every((q) => q.body.temperature === 0)).toBe(true);
    expect(byModel('o3-mini').every((q) => q.body.temperature === undefined && q.body.max_completion_tokens > 0)).toBe(true);
  });

  it('no judge request names a model or shows an EBM section', () => {
    const judged = Object.values(stage)
      .flat()
      .filter((q) => isJudgeKind(kindOf(q.body)));
    const kinds = new Set(judged.map((q) => kindOf(q.body)));
    expect(kinds).toEqual(new Set(['pointwise', 'pairwise', 'listwise']));
    const forbidden = [CAND, BASE, `${CAND}-v1`, `${BASE}-v1`, '<perception>', '<vision>', '<think>', '<answer>', '</answer>', PERCEPTION_MARK, THINK_MARK];
    for (const q of judged) {
      const sent = q.rawBody.toString('utf8');
      for (const f of forbidden) expect(sent.includes(f), `judge request ${q.index} contains ${f}`).toBe(false);
    }
    // Not vacuous: the judges did see both models' answers.
    const all = judged.map((q) => q.rawBody.toString('utf8')).join('\n');
    expect(all).toContain(styleMark(`${CAND}-v1`));
    expect(all).toContain(styleMark(`${BASE}-v1`));
  });
});
