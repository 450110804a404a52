// The pointwise judge under the paper's failure convention (score.zeroOnFailure),
// in-process against a stub provider: an empty answer and a reply that never
// gave a score count 0; a judge that could not be reached, an untrusted reply
// and a missing response never do — they stay failures without a score.
import { describe, expect, it } from 'vitest';
import { judgeOne } from '../../src/judge/pointwise.js';
import { loadRubric } from '../../src/judge/rubrics/rubric.js';
import type { ScoreSettings } from '../../src/judge/view.js';
import { fileResponse, RUBRICS_DIR, sample, stubJudge } from './fixtures.js';

const judge = stubJudge;
const response = (answer: string) => fileResponse('m', answer);

/** Judges one answer with a stub whose replies come from `reply` (a thrown error is a judge that cannot be reached). */
async function judged(answer: string | null, reply: () => { content: string; finishReason?: string }, zeroOnFailure = true) {
  let calls = 0;
  const provider = {
    isCached: async () => false,
    chat: async () => {
      calls++;
      const r = reply();
      return {
        content: r.content,
        usage: null,
        latencyMs: 1,
        cached: false,
        requestHash: 'h',
        sent: { model: 'stub-model' },
        finishReason: r.finishReason ?? 'stop',
        attempts: 1,
      };
    },
  };
  const ctx = { provider, noCache: true, judgeOverrides: {}, frames: { cacheDir: '/nonexistent', datasetRoot: '/nonexistent' } };
  const settings: ScoreSettings = { includePerception: false, maskSelfId: false, zeroOnFailure, maxParseRetries: 2 };
  const job = {
    sample: sample(),
    model: 'm',
    response: answer === null ? undefined : response(answer),
    rubric: loadRubric(RUBRICS_DIR, 'cn'),
    judge,
    round: 1,
  };
  const j = await judgeOne(ctx as any, job, settings);
  return { j, calls };
}

describe('pointwise judge, the paper convention', () => {
  it('a reply that never gives a score counts 0, still recorded as a parse failure', async () => {
    const { j, calls } = await judged('Keep your wand up.', () => ({ content: 'I would rather not say.' }));
    expect(calls).toBe(3);
    expect(j).toMatchObject({ score: 0, failure: { kind: 'parse' } });
  });

  it('an empty answer counts 0 without a call', async () => {
    const { j, calls } = await judged('', () => ({ content: 'Score: 7' }));
    expect(calls).toBe(0);
    expect(j).toMatchObject({ score: 0, failure: { kind: 'empty-answer' } });
  });

  it('a missing response, a judge error and a truncated reply carry no score', async () => {
    const missing = await judged(null, () => ({ content: 'Score: 7' }));
    expect(missing.calls).toBe(0);
    expect(missing.j).toMatchObject({ score: null, failure: { kind: 'missing-response' } });
    const down = await judged('Keep your wand up.', () => {
      throw new Error('connection refused');
    });
    expect(down.j).toMatchObject({ score: null, failure: { kind: 'error' } });
    const cut = await judged('Keep your wand up.', () => ({ content: 'Score: 7', finishReason: 'length' }));
    expect(cut.j).toMatchObject({ score: null, failure: { kind: 'truncated' } });
  });

  it('without the convention nothing counts 0', async () => {
    const { j } = await judged('Keep your wand up.', () => ({ content: 'I would rather not say.' }), false);
    expect(j).toMatchObject({ score: null, failure: { kind: 'parse' } });
  });
});
