import { describe, expect, it } from 'vitest';
import { parseBlocks } from '../../../src/judge/parsers/blocks.js';
import { listwiseGrammar, pairwiseGrammar } from '../../../src/judge/parsers/registry.js';
import { parseWinner } from '../../../src/judge/parsers/winner.js';

const HUNDRED = { min: 0, max: 100 };

describe('parseBlocks (EBM-RL [[Model X]] grammar)', () => {
  it('reads each block and its sub-scores', () => {
    const reply = [
      '[[Model A]]',
      'Subscores: Triggering: 40, Integrity: 25, Temporal: 15',
      'Score: 80',
      'Reason: reacts to the torch.',
      '',
      '[[Model B]]',
      'Subscores: Triggering: 10, Integrity: 20, Temporal: 5',
      'Score: 35',
      'Reason: generic.',
    ].join('\n');
    const r = parseBlocks(reply, ['A', 'B'], 'VEG', HUNDRED);
    expect(r.scores).toEqual({ A: { VEG: 80 }, B: { VEG: 35 } });
    expect(r.subscores).toEqual({ A: { triggering: 40, integrity: 25, temporal: 15 }, B: { triggering: 10, integrity: 20, temporal: 5 } });
    expect(r.reasons.A).toBe('reacts to the torch.');
    expect(r.missing).toEqual([]);
  });

  it("never lends the next block's score to a block without its own", () => {
    // The released parser read from [[Model A]] to the next "Score:" anywhere, giving A the 35 of B.
    const reply = '[[Model A]]\nSubscores: Triggering: 40\nReason: forgot the score.\n[[Model B]]\nSubscores: Triggering: 10\nScore: 35\nReason: generic.';
    const r = parseBlocks(reply, ['A', 'B'], 'VEG', HUNDRED);
    expect(r.scores).toEqual({ B: { VEG: 35 } });
    expect(r.missing).toEqual([{ label: 'A', metric: 'VEG', reason: 'no Score line in its own block' }]);
  });

  it('does not read "Subscores:" as the score, and rejects scores off the 0-100 scale', () => {
    const r = parseBlocks('[[Model A]]\nSubscores: oral: 50\n[[Model B]]\nScore: 120\n[[Model C]]\nScore: 0', ['A', 'B', 'C', 'D'], 'CN', HUNDRED);
    expect(r.scores).toEqual({ C: { CN: 0 } });
    expect(r.missing.map((m) => [m.label, m.reason])).toEqual([
      ['A', 'no Score line in its own block'],
      ['B', expect.stringMatching(/outside 0–100/)],
      ['D', 'block missing'],
    ]);
  });

  it('re-asks name only the missing models', () => {
    const text = listwiseGrammar('model-blocks').retry([
      { label: 'B', metric: 'VEG' },
      { label: 'D', metric: 'VEG' },
    ]);
    expect(text).toContain('[[Model B]], [[Model D]]');
    expect(text).not.toContain('[[Model A]]');
  });
});

describe('parseWinner (EBM-RL pairwise grammar)', () => {
  it('reads winner, reason and confidence', () => {
    expect(parseWinner('Winner: B\nReason: grounded in the rain.\nConfidence: High')).toEqual({
      verdict: 'B',
      reason: 'grounded in the rain.',
      confidence: 'high',
    });
    expect(parseWinner('**Winner:** Tie\nReason: too close.\nConfidence: low')).toMatchObject({ verdict: 'tie', confidence: 'low' });
  });

  it('refuses what it cannot trust', () => {
    expect(parseWinner('A is better')).toEqual({ error: 'no "Winner:" line' });
    expect(parseWinner('Winner: C')).toMatchObject({ error: expect.stringMatching(/not A, B or Tie/) });
    expect(parseWinner('Winner: A\nWinner: B')).toMatchObject({ error: expect.stringMatching(/ambiguous/) });
    expect(pairwiseGrammar('winner-reason-confidence').parse('[[A]]')).toMatchObject({ error: expect.any(String) });
  });
});
