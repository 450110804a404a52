// The judge's ask/re-ask loop and one pairwise comparison, in-process with a
// stub provider: what is re-asked, what the re-ask says, what is recorded.
import { describe, expect, it } from 'vitest';
import type { ChatRequest, ChatResult } from '../../src/provider/types.js';
import { ask, type JudgeContext } from '../../src/judge/ask.js';
import { loadJudges, resolveJudges, type LlmJudge } from '../../src/judge/judges.js';
import { compareOne, type PairSettings } from '../../src/judge/pairwise.js';
import { loadRubric } from '../../src/judge/rubrics/rubric.js';
import type { ResponseRecord } from '../../src/core/records.js';
import { JUDGES_DIR, RUBRICS_DIR, sample } from './fixtures.js';

function stubContext(replies: string[]): JudgeContext & { sent: ChatRequest[] } {
  const sent: ChatRequest[] = [];
  return {
    sent,
    noCache: true,
    judgeOverrides: {},
    frames: { cacheDir: '/nonexistent', datasetRoot: '/nonexistent' },
    provider: {
      isCached: async () => false,
      chat: async (req: ChatRequest): Promise<ChatResult> => {
        sent.push(structuredClone(req));
        const content = replies.shift();
        if (content === undefined) throw new Error('no more scripted replies');
        return {
          content,
          usage: { prompt: 10, completion: 5, total: 15 },
          latencyMs: 1,
          cached: false,
          requestHash: `h${sent.length}`,
          sent: { model: 'gpt-4o' } as ChatResult['sent'],
          finishReason: 'stop',
          attempts: 1,
        };
      },
    },
  };
}

const judge = resolveJudges(['gpt-4o'], loadJudges(JUDGES_DIR))[0] as LlmJudge;

describe('ask', () => {
  const question = (parse: (r: string) => { ok: true; value: number } | { ok: false; error: string; retry?: string }) => ({
    judge,
    prompt: 'Rate it.',
    scene: [],
    key: 'k',
    maxRetries: 2,
    parse,
  });
  const number = (r: string) =>
    /^\d+$/.test(r.trim()) ? { ok: true as const, value: Number(r) } : { ok: false as const, error: 'not a number', retry: 'Answer with a number only.' };

  it('re-asks in the same conversation with the parser’s own wording, then keeps the parsed value', async () => {
    const ctx = stubContext(['hmm', '7']);
    const out = await ask(ctx, question(number));
    expect(out.value).toBe(7);
    expect(out.failure).toBeUndefined();
    expect(out.attempts).toBe(2);
    expect(out.raw).toEqual(['hmm', '7']);
    expect(out.usage).toEqual({ prompt: 20, completion: 10, total: 30 });
    const second = ctx.sent[1]!.messages;
    expect(second.at(-2)).toEqual({ role: 'assistant', content: 'hmm' });
    expect(second.at(-1)).toEqual({ role: 'user', content: 'Answer with a number only.' });
    expect(ctx.sent.map((r) => r.key)).toEqual(['k:attempt0', 'k:attempt1']);
  });

  it('records a parse failure, never a value, after the last re-ask', async () => {
    const ctx = stubContext(['a', 'b', 'c']);
    const out = await ask(ctx, question(number));
    expect(out.value).toBeNull();
    expect(out.failure).toEqual({ kind: 'parse', message: 'not a number' });
    expect(ctx.sent).toHaveLength(3);
  });
});

describe('compareOne', () => {
  const rubric = loadRubric(RUBRICS_DIR, 'veg');
  const response = (model: string, text: string): ResponseRecord =>
    ({ type: 'response', sampleId: 's1', model, raw: text, answer: text, kind: 'plain' }) as unknown as ResponseRecord;
  const responses = new Map([
    [
      's1',
      new Map([
        ['cand', response('cand', 'Hold your wand up, Ron!')],
        ['base', response('base', 'Okay.')],
      ]),
    ],
  ]);
  const settings: PairSettings = {
    includePerception: false,
    maskSelfId: true,
    zeroOnFailure: false,
    maxParseRetries: 1,
    seed: 7,
    bothOrders: true,
    combine: 'strict',
  };

  it('judges both orders and maps each verdict back to candidate and baseline', async () => {
    // Whichever order comes first, answer "the first answer wins" both times: a position-biased judge.
    const ctx = stubContext(['[[A]]', '[[A]]']);
    const c = await compareOne(
      ctx,
      { sample: sample(), candidate: 'cand', baseline: 'base', rubric, judge: { ...judge, sees: 'caption' }, round: 1 },
      responses,
      settings,
    );
    expect(c.orders.map((o) => o.order).sort()).toEqual(['AB', 'BA']);
    expect(c.orders.map((o) => o.outcome).sort()).toEqual(['loss', 'win']);
    // Orders disagree: under the strict rule that is a tie, not a win for either.
    expect(c.outcome).toBe('tie');
    // The judge never sees the model names.
    for (const req of ctx.sent) expect(JSON.stringify(req.messages)).not.toMatch(/cand|base/);
  });

  it('with the paper convention an empty answer is compared as (EMPTY RESPONSE); by default it is a counted failure', async () => {
    const withEmpty = new Map([['s1', new Map([...responses.get('s1')!, ['base', response('base', '')]])]]);
    const job = { sample: sample(), candidate: 'cand', baseline: 'base', rubric, judge: { ...judge, sees: 'caption' as const }, round: 1 };
    // The judge picks whichever side is not the empty one.
    const ctx = stubContext([]);
    (ctx as any).provider.chat = async (req: ChatRequest) => {
      ctx.sent.push(structuredClone(req));
      const prompt = JSON.stringify(req.messages);
      const emptyFirst = prompt.indexOf('(EMPTY RESPONSE)') < prompt.indexOf('Hold your wand up');
      return {
        content: emptyFirst ? '[[B]]' : '[[A]]',
        usage: null,
        latencyMs: 1,
        cached: false,
        requestHash: 'h',
        sent: { model: 'gpt-4o' },
        finishReason: 'stop',
        attempts: 1,
      };
    };
    const shown = await compareOne(ctx, job, withEmpty, { ...settings, showEmpty: true });
    expect(ctx.sent).toHaveLength(2);
    for (const req of ctx.sent) expect(JSON.stringify(req.messages)).toContain('(EMPTY RESPONSE)');
    expect(shown.outcome).toBe('win');
    expect(shown.failure).toBeUndefined();
    expect(shown.baselineChars).toBe(0);

    const quiet = stubContext([]);
    const left = await compareOne(quiet, job, withEmpty, settings);
    expect(quiet.sent).toHaveLength(0);
    expect(left.outcome).toBeNull();
    expect(left.failure).toMatchObject({ kind: 'empty-answer' });
  });
});

// The call id is in every judgment and comparison record: hashing it piece by
// piece must give the id the records have always carried.
describe('callIdOf', () => {
  it('is the first 16 hex of sha256(canonicalJson({ model, key, messages }))', async () => {
    const { callIdOf } = await import('../../src/judge/ask.js');
    const { canonicalJson, sha256 } = await import('../../src/core/hash.js');
    const prompt = 'Rate 1–10: “stay in character”\n'.repeat(200);
    const messages = [
      { role: 'system' as const, content: 'You are a judge.' },
      { role: 'user' as const, content: [{ type: 'text' as const, text: prompt }] },
    ];
    const ep = { name: 'judge:x', baseUrl: 'http://127.0.0.1:1/v1', model: 'gpt-4o' };
    const want = sha256(canonicalJson({ model: 'gpt-4o', key: 'score:abc:r1', messages })).slice(0, 16);
    expect(callIdOf(ep, 'score:abc:r1', messages)).toBe(want);
    expect(callIdOf(ep, 'score:abc:r2', messages)).not.toBe(want);
  });
});
