import { describe, expect, it } from 'vitest';
import { parseVerdict } from '../../../src/judge/parsers/verdict.js';

describe('parseVerdict', () => {
  it.each([
    ['{"reasoning": "x", "verdict": "A"}', 'A'],
    ['{"verdict": "B"}', 'B'],
    ['{"verdict": "tie"}', 'tie'],
    ['{"verdict": "Response A"}', 'A'],
    ['Reasoning here.\n[[A]]', 'A'],
    ['Reasoning here.\n[[B]]', 'B'],
    ['Reasoning here.\n[[C]]', 'tie'],
    ['Both are fine.\n\nIt is a tie.', 'tie'],
    ['Tie', 'tie'],
    ['After weighing both, Response A is better.', 'A'],
    ['Response B is clearly better because it names the spiders.', 'B'],
    ['Response A is worse: it invents a dragon.', 'B'],
    ['I prefer Response B.', 'B'],
    ['**Verdict:** B', 'B'],
    ['Final verdict: tie', 'tie'],
  ])('%j → %s', (reply, expected) => {
    expect(parseVerdict(reply)).toEqual({ verdict: expected });
  });

  it('prefers the final line over the reasoning', () => {
    const reply = 'At first Response A is better on detail, but Response B is better on accuracy.\nOverall:\n[[B]]';
    expect(parseVerdict(reply)).toEqual({ verdict: 'B' });
    const quoted = 'I must answer [[A]], [[B]] or [[C]].\nResponse B grounds the scene.\n[[B]]';
    expect(parseVerdict(quoted)).toEqual({ verdict: 'B' });
  });

  it('prefers explicit tokens to prose', () => {
    expect(parseVerdict('Response A is better in tone. [[B]] overall since accuracy matters most.\nDone.')).toEqual({ verdict: 'B' });
  });

  it('rejects ambiguous replies', () => {
    expect(parseVerdict('[[A]] [[B]]')).toEqual({ error: expect.stringMatching(/ambiguous/) });
    expect(parseVerdict('Response A is better on VEG.\nResponse B is better on CN.\nThat is all.')).toEqual({
      error: expect.stringMatching(/ambiguous/),
    });
  });

  it('rejects empty replies, bad JSON verdicts and replies without a verdict', () => {
    expect(parseVerdict('')).toEqual({ error: 'empty reply' });
    expect(parseVerdict('{"verdict": "maybe"}')).toEqual({ error: expect.stringMatching(/not A, B or tie/) });
    expect(parseVerdict('Both responses have strengths.')).toEqual({ error: 'no verdict found in reply' });
  });

  it('does not read a lower-case "a" as a verdict', () => {
    expect(parseVerdict('Verdict: a close call, and the response a bit long.')).toEqual({ error: 'no verdict found in reply' });
  });
});
