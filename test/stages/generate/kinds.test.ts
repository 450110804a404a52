// Output kinds for EBM-RL's systems: `answer-tag` (vanilla: <answer> only),
// `cot` (normal_cot: <think> + <answer>), `ebm` (vision/perception + think +
// answer), and EBM-RL's strict format_pass beside each kind's own check.
import { describe, expect, it } from 'vitest';
import { formatPass, parseByKind } from '../../../src/stages/generate/ebm.js';

describe('output kinds', () => {
  it('answer-tag: a vanilla output is valid, with no missing-perception or missing-think', () => {
    const p = parseByKind('answer-tag', '<answer>Stay behind me.</answer>');
    expect(p.format).toEqual({ valid: true, flags: [] });
    expect(p.answer).toBe('Stay behind me.');
    // The old behaviour: under `ebm` the same record was invalid.
    expect(parseByKind('ebm', '<answer>Stay behind me.</answer>').format.valid).toBe(false);
  });

  it('answer-tag flags a think section it should not have', () => {
    const p = parseByKind('answer-tag', '<think>x</think><answer>Hi.</answer>');
    expect(p.format.flags).toContain('unexpected-think');
    expect(p.format.valid).toBe(false);
  });

  it('cot: think + answer is valid without a perception section', () => {
    const p = parseByKind('cot', '<think>calm him</think><answer>Breathe, Ron.</answer>');
    expect(p.format).toEqual({ valid: true, flags: [] });
    expect(p.answer).toBe('Breathe, Ron.');
    expect(parseByKind('cot', '<answer>Breathe.</answer>').format.flags).toContain('missing-think');
  });

  it('format_pass is strict: a closed <answer>…</answer> must be present', () => {
    expect(formatPass('<think>t</think><ANSWER>ok</answer>')).toBe(true);
    expect(formatPass('<think>t</think><answer>never closed')).toBe(false);
    expect(formatPass('plain text')).toBe(false);
  });
});
