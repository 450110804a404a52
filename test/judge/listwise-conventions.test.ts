// The listwise judge with EBM-RL's block grammar and the paper's failure
// conventions, in-process against a stub provider that records what it was
// asked: an empty answer is shown as "(EMPTY RESPONSE)" and scores 0 only when
// score.zeroOnFailure is on; a label never given scores 0 only then too;
// rolejudge's default keeps both as counted failures with no score.
import { describe, expect, it } from 'vitest';
import { judgeList, type ListwiseSettings } from '../../src/judge/listwise.js';
import { loadListwiseRubric, loadRubric } from '../../src/judge/rubrics/rubric.js';
import { fileResponse, RUBRICS_DIR, sample, stubJudge } from './fixtures.js';

const judge = stubJudge;
const response = fileResponse;

function stub(reply: (prompt: string, n: number) => string) {
  const prompts: string[] = [];
  const provider = {
    isCached: async () => false,
    chat: async (req: any) => {
      const last = req.messages[req.messages.length - 1];
      prompts.push(typeof last.content === 'string' ? last.content : last.content.map((p: any) => p.text ?? '').join(''));
      return {
        content: reply(prompts[0]!, prompts.length),
        usage: null,
        latencyMs: 1,
        cached: false,
        requestHash: 'h',
        sent: { model: 'stub-model' },
        finishReason: 'stop',
        attempts: 1,
      };
    },
  };
  return { prompts, ctx: { provider, noCache: true, judgeOverrides: {}, frames: { cacheDir: '/nonexistent', datasetRoot: '/nonexistent' } } };
}

/** Answer every block shown, except the labels whose answer contains `silent`. */
const blocks = (prompt: string, silent = '\u0000') =>
  [...prompt.matchAll(/^\[\[Model ([A-Z])\]\]\nResponse: (.*)$/gm)]
    .filter((m) => !m[2]!.includes(silent))
    .map((m) => `[[Model ${m[1]}]]\nSubscores: oral: 40, anti-narrative: 30\nScore: ${m[2] === '(EMPTY RESPONSE)' ? 55 : 70}\nReason: r`)
    .join('\n');

async function run(zeroOnFailure: boolean, answers: Record<string, string | null>, reply: (p: string, n: number) => string) {
  const rubric = loadListwiseRubric(RUBRICS_DIR, 'ebm-rl-cn-list');
  const metric = loadRubric(RUBRICS_DIR, 'ebm-rl-cn');
  const s = sample();
  const models = Object.keys(answers);
  // A null answer: the model has no response for the sample.
  const responses = new Map([['s1', new Map(models.filter((m) => answers[m] !== null).map((m) => [m, response(m, answers[m]!)]))]]);
  const settings: ListwiseSettings = { includePerception: false, maskSelfId: false, zeroOnFailure, maxParseRetries: 3, seed: 7, multiMetric: false };
  const cells = models.map((model) => ({ sample: s, model, response: responses.get('s1')!.get(model), rubric: metric, judge, round: 1 }));
  const { ctx, prompts } = stub(reply);
  const judged = await judgeList(ctx as any, rubric, ['CN'], { sample: s, judge, round: 1, cells, models }, models, responses, settings);
  return { prompts, byModel: new Map(judged.map((j) => [j.model, j])) };
}

describe('listwise judge, EBM-RL conventions', () => {
  it("an empty answer: shown as (EMPTY RESPONSE) and scored 0 with the paper convention — never the judge's score for it", async () => {
    const { prompts, byModel } = await run(true, { a: 'Keep your wand up.', b: '' }, (p) => blocks(p));
    expect(prompts[0]).toContain('Response: (EMPTY RESPONSE)');
    expect(byModel.get('b')).toMatchObject({ score: 0, failure: { kind: 'empty-answer' } });
    expect(byModel.get('a')).toMatchObject({ score: 70, subscores: { oral: 40, 'anti-narrative': 30 } });
  });

  it('by default the empty answer is not shown and stays a failure without a score', async () => {
    const { prompts, byModel } = await run(false, { a: 'Keep your wand up.', b: '' }, (p) => blocks(p));
    expect(prompts[0]).not.toContain('(EMPTY RESPONSE)');
    expect(byModel.get('b')).toMatchObject({ score: null, failure: { kind: 'empty-answer' } });
  });

  it('a label never given: re-asked 3 times naming only it, then 0 (paper) or a counted parse failure (default)', async () => {
    for (const zero of [true, false]) {
      const { prompts, byModel } = await run(zero, { a: 'Keep your wand up.', b: 'SILENT line' }, (p) => blocks(p, 'SILENT'));
      expect(prompts).toHaveLength(4);
      const label = /\[\[Model ([A-Z])\]\]\nResponse: SILENT/.exec(prompts[0]!)![1];
      for (const reask of prompts.slice(1)) expect(reask.match(/\[\[Model [A-Z]\]\]/g)).toEqual([`[[Model ${label}]]`]);
      expect(byModel.get('b')).toMatchObject({ score: zero ? 0 : null, failure: { kind: 'parse' }, attempts: 4 });
      expect(byModel.get('a')!.score).toBe(70);
    }
  });

  it('a judge that could not be reached is never a zero, even with the paper convention', async () => {
    const { byModel } = await run(true, { a: 'Keep your wand up.', b: 'Stay close.' }, () => {
      throw Object.assign(new Error('connection refused'), { attempts: 2 });
    });
    for (const m of ['a', 'b']) expect(byModel.get(m)).toMatchObject({ score: null, failure: { kind: 'error' } });
  });

  it('an empty judge reply (refused) is never a zero, even with the paper convention', async () => {
    const { prompts, byModel } = await run(true, { a: 'Keep your wand up.', b: 'Stay close.' }, () => '');
    expect(prompts).toHaveLength(4);
    for (const m of ['a', 'b']) expect(byModel.get(m)).toMatchObject({ score: null, failure: { kind: 'refused' } });
  });

  it('a response that does not exist is never a zero, even with the paper convention', async () => {
    const { prompts, byModel } = await run(true, { a: 'Keep your wand up.', b: null }, (p) => blocks(p));
    expect(prompts[0]).not.toContain('(EMPTY RESPONSE)');
    expect(byModel.get('b')).toMatchObject({ score: null, failure: { kind: 'missing-response' } });
    expect(byModel.get('a')!.score).toBe(70);
  });
});
