import { describe, expect, it } from 'vitest';
import { parseScore } from '../../../src/judge/parsers/score.js';

const TEN = { min: 1, max: 10 };
const HUNDRED = { min: 0, max: 100 };

describe('parseScore', () => {
  it.each([
    ['{"reasoning": "fine", "score": 85}', 85],
    ['{"score": 100}', 100],
    ['{"score": 0}', 0],
    ['{"reasoning": "ok", "score": "85"}', 85],
    ['Score: 85', 85],
    ['score = 85', 85],
    ['The reply is accurate.\n85/100', 85],
    ['**Score:** 72', 72],
    ['Score: **64**', 64],
    ['The score is 55.', 55],
    ['Score (0-100): 91', 91],
    ['I would give it a score of 40.', 40],
    ['Reasoning...\n\n```json\n{"reasoning": "x", "score": 33}\n```', 33],
    ['{"evaluation": {"score": 47}}', 47],
  ])('0–100: %j → %d', (reply, expected) => {
    expect(parseScore(reply, HUNDRED)).toEqual({ score: expected });
  });

  it.each([
    ['Final score: 7/10', 7],
    ['[[7]]', 7],
    ['Rating: 8/10', 8],
    ['8', 8],
    ['Some reasoning.\n**8**', 8],
    ['Score: 7.5', 7.5],
  ])('1–10: %j → %d', (reply, expected) => {
    expect(parseScore(reply, TEN)).toEqual({ score: expected });
  });

  it('takes the final score statement, not numbers in the reasoning', () => {
    const reply = 'The reply mentions 3 visual cues and ignores 2 others. A 5/10 would be too harsh.\n\nScore: 8';
    expect(parseScore(reply, TEN)).toEqual({ score: 8 });
    const v2r = 'Step 1: 2 of the 3 references agree.\nStep 2: compared with a 60/100 baseline...\n{"reasoning": "good", "score": 78}';
    expect(parseScore(v2r, HUNDRED)).toEqual({ score: 78 });
    expect(parseScore('Score: 4 at first glance... Final score: 6', TEN)).toEqual({ score: 6 });
    expect(parseScore('Score: 3. On reflection, score: 5', TEN)).toEqual({ score: 5 });
  });

  it('rejects out-of-range values', () => {
    expect(parseScore('Score: 120', HUNDRED)).toEqual({ error: expect.stringMatching(/120 is outside the scale 0–100/) });
    expect(parseScore('{"score": 11}', TEN)).toEqual({ error: expect.stringMatching(/outside/) });
    expect(parseScore('Score: 0', TEN)).toEqual({ error: expect.stringMatching(/outside/) });
    expect(parseScore('Score: -5', HUNDRED)).toEqual({ error: expect.stringMatching(/outside/) });
  });

  it('rejects a score on the wrong scale', () => {
    expect(parseScore('Score: 8/10', HUNDRED)).toEqual({ error: expect.stringMatching(/8\/10 is not on the expected 0–100 scale/) });
  });

  it('rejects refusals', () => {
    const r = parseScore("I'm sorry, but I cannot evaluate this response without the video.", TEN);
    expect(r).toEqual({ error: expect.stringMatching(/^judge refused/) });
    expect(parseScore('I am unable to assess this. Score: N/A', TEN)).toEqual({ error: expect.stringMatching(/refused/) });
  });

  it('rejects empty replies', () => {
    expect(parseScore('', TEN)).toEqual({ error: 'empty reply' });
    expect(parseScore('   \n', TEN)).toEqual({ error: 'empty reply' });
    expect(parseScore(null, TEN)).toEqual({ error: 'empty reply' });
  });

  it('rejects truncated JSON without a score, even if the reasoning mentions one', () => {
    expect(parseScore('{"reasoning": "The reply is vivid and', HUNDRED)).toEqual({ error: 'truncated JSON reply without a score' });
    expect(parseScore('{"reasoning": "A Score: 40 would be unfair because', HUNDRED)).toEqual({
      error: 'truncated JSON reply without a score',
    });
  });

  it('accepts truncated JSON once the score key is complete', () => {
    expect(parseScore('{"score": 85, "reasoning": "The reply is viv', HUNDRED)).toEqual({ score: 85 });
  });

  it('rejects truncated JSON that ends inside the score (8 may have been going to be 85)', () => {
    expect(parseScore('{"reasoning": "fluent", "score": 8', HUNDRED)).toEqual({ error: 'truncated JSON reply without a score' });
  });

  it('rejects a non-numeric JSON score', () => {
    expect(parseScore('{"score": "high"}', HUNDRED)).toEqual({ error: expect.stringMatching(/not a number/) });
  });

  it('reports when nothing looks like a score', () => {
    expect(parseScore('The reply is good.', TEN)).toEqual({ error: 'no score found in reply' });
    // A fraction on another scale is not mistaken for the score.
    expect(parseScore('It covers 2/3 of the cues.', TEN)).toEqual({ error: 'no score found in reply' });
  });
});
