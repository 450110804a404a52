// Per-judge spend: folded once per question, carried through the worker-thread
// partials, and turned into rows with the stated saving convention.
import { describe, expect, it } from 'vitest';
import type { Judgment, Spend } from '../../../src/core/records.js';
import { emptyCollected, foldJudgments } from '../../../src/stages/report/collect.js';
import { addJudgeSpend, cachedSaving, judgeSpendRows, type JudgeSpend } from '../../../src/stages/report/judge-spend.js';
import { mergePartial, toPartial } from '../../../src/stages/report/partial.js';

const spend = (requests: number, prompt: number, cached?: number): Spend => ({
  callId: 'c',
  requests,
  fromCache: 0,
  promptTokens: prompt,
  completionTokens: 5,
  promptTokensFromCache: 0,
  completionTokensFromCache: 0,
  ...(cached !== undefined ? { cachedPromptTokens: cached } : {}),
});

function judgment(sampleId: string, judge: string, s?: Spend): Judgment {
  return {
    type: 'judgment',
    sampleId,
    model: 'm',
    metric: 'veg',
    judge,
    round: 0,
    mode: 'listwise',
    score: 50,
    raw: [],
    attempts: 1,
    usage: null,
    latencyMs: 1,
    sent: null,
    selfId: [],
    answerChars: 3,
    callId: 'c',
    ...(s ? { spend: s } : {}),
  } as unknown as Judgment;
}

describe('judge spend', () => {
  it('rows: share of prompt tokens served from the cache, saving at the given price', () => {
    const m: JudgeSpend = new Map();
    addJudgeSpend(m, 'b', spend(2, 200, 50));
    addJudgeSpend(m, 'b', spend(1, 100));
    addJudgeSpend(m, 'a', spend(0, 0));
    expect(judgeSpendRows(m, 0.5)).toEqual([
      { judge: 'a', calls: 0, promptTokens: 0, cachedPromptTokens: 0, cachedShare: null, savedPromptTokens: 0 },
      { judge: 'b', calls: 3, promptTokens: 300, cachedPromptTokens: 50, cachedShare: 50 / 300, savedPromptTokens: 25 },
    ]);
    expect(cachedSaving(80, 0.1)).toBeCloseTo(72, 12);
    expect(cachedSaving(80, 1)).toBe(0);
    expect(() => cachedSaving(80, 1.5)).toThrow(RangeError);
  });

  it('only the record carrying a question spend counts it, and partials carry the tallies across threads', () => {
    const one = emptyCollected({ keepScores: true });
    // A listwise call: three cells share its callId, only the first carries the spend.
    foldJudgments(one, [judgment('s1', 'j', spend(1, 100, 40)), judgment('s2', 'j'), judgment('s3', 'j')]);
    const two = emptyCollected({ keepScores: true });
    foldJudgments(two, [judgment('s4', 'j', spend(2, 100, 10)), judgment('s5', 'k', spend(1, 60, 0))]);
    expect(one.counts.cachedPromptTokens).toBe(40);

    const merged = emptyCollected();
    // Through structured clone, as a worker thread's partial travels.
    for (const c of [one, two]) expect(mergePartial(merged, structuredClone(toPartial(c)!))).toBe(true);
    expect(merged.counts.cachedPromptTokens).toBe(50);
    expect(merged.counts.calls).toBe(4);
    expect(judgeSpendRows(merged.judgeSpend!, 0.5)).toEqual([
      { judge: 'j', calls: 3, promptTokens: 200, cachedPromptTokens: 50, cachedShare: 0.25, savedPromptTokens: 25 },
      { judge: 'k', calls: 1, promptTokens: 60, cachedPromptTokens: 0, cachedShare: 0, savedPromptTokens: 0 },
    ]);
  });
});
