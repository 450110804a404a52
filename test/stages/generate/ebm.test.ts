import { fileURLToPath } from 'node:url';
// EBM-RL output parsing: well-formed outputs, the tag variants of the released
// code (<vision>), and the malformations seen in real outputs.
import { describe, expect, it } from 'vitest';
import { readOutputs, type RecordedOutput } from '../../../src/dataset/outputs.js';
import { parseEbmOutput, parsePlainOutput } from '../../../src/stages/generate/ebm.js';

const REAL = fileURLToPath(new URL('../../fixtures/ebm-rl/ebm-rl-outputs.sample.jsonl', import.meta.url));

describe('parseEbmOutput: well-formed', () => {
  it('splits perception, think and answer', () => {
    const r = parseEbmOutput('<perception>A dim hall.</perception>\n<think>He is wary.</think>\n<answer>My Lord.</answer>');
    expect(r.sections).toEqual({ perception: 'A dim hall.', think: 'He is wary.', answer: 'My Lord.' });
    expect(r.answer).toBe('My Lord.');
    expect(r.format).toEqual({ valid: true, flags: [] });
  });

  it('accepts <vision> for the perception section', () => {
    const r = parseEbmOutput('<vision>Fire.</vision><think>Calm.</think><answer>Hello.</answer>');
    expect(r.sections.perception).toBe('Fire.');
    expect(r.format.valid).toBe(true);
  });

  it('matches tags case-insensitively', () => {
    const r = parseEbmOutput('<VISION>Rain.</Vision><Think>Sad.</THINK><ANSWER>Goodbye.</answer>');
    expect(r.sections).toEqual({ perception: 'Rain.', think: 'Sad.', answer: 'Goodbye.' });
    expect(r.format.valid).toBe(true);
  });

  it('trims whitespace inside sections', () => {
    const r = parseEbmOutput('<perception>\n  P  \n</perception><think>\nT\n</think><answer>\n  A  \n</answer>');
    expect(r.sections).toEqual({ perception: 'P', think: 'T', answer: 'A' });
  });
});

describe('parseEbmOutput: malformed', () => {
  it('tolerates a missing </answer> at the end: valid, flagged unclosed-answer', () => {
    const r = parseEbmOutput('<perception>P</perception><think>T</think><answer>Stay close, Harry.');
    expect(r.answer).toBe('Stay close, Harry.');
    expect(r.format.valid).toBe(true);
    expect(r.format.flags).toEqual(['unclosed-answer']);
  });

  it('does not tolerate an unclosed section in the middle', () => {
    const r = parseEbmOutput('<perception>P<think>T</think><answer>A</answer>');
    expect(r.sections.perception).toBe('P');
    expect(r.answer).toBe('A');
    expect(r.format.valid).toBe(false);
    expect(r.format.flags).toContain('unclosed-perception');
  });

  it('recovers the answer after </think> when <answer> is missing, flagged', () => {
    const r = parseEbmOutput('<perception>P</perception><think>T</think>\n\nI will not run.');
    expect(r.answer).toBe('I will not run.');
    expect(r.sections.answer).toBe('I will not run.');
    expect(r.format.flags).toContain('missing-answer');
    expect(r.format.flags).toContain('answer-recovered-after-think');
    expect(r.format.valid).toBe(false);
  });

  it('recovers a missing <answer> whose closing tag is present', () => {
    const r = parseEbmOutput('<perception>P</perception><think>T</think>Fine, then.</answer>');
    expect(r.answer).toBe('Fine, then.');
    expect(r.format.flags).toContain('answer-recovered-after-think');
  });

  it('drops a hidden block nested in the answer or before a recovered answer whole, not just its tags', () => {
    expect(parseEbmOutput('<answer><think>hidden?</think>Visible part.</answer>').answer).toBe('Visible part.');
    expect(parseEbmOutput('<think>plan</think><vision>late</vision>Hi.</answer>').answer).toBe('Hi.');
  });

  it('flags sections out of order as invalid', () => {
    const r = parseEbmOutput('<answer>A</answer><think>T</think><perception>P</perception>');
    expect(r.sections).toEqual({ perception: 'P', think: 'T', answer: 'A' });
    expect(r.format.flags).toContain('out-of-order');
    expect(r.format.valid).toBe(false);
  });

  it('flags an empty answer as invalid', () => {
    const r = parseEbmOutput('<perception>P</perception><think>T</think><answer>   </answer>');
    expect(r.answer).toBe('');
    expect(r.format.flags).toContain('empty-answer');
    expect(r.format.valid).toBe(false);
  });

  it('flags missing sections', () => {
    const r = parseEbmOutput('<perception>P</perception><answer>A</answer>');
    expect(r.answer).toBe('A');
    expect(r.sections.think).toBeNull();
    expect(r.format.flags).toEqual(['missing-think']);
    expect(r.format.valid).toBe(false);

    const none = parseEbmOutput('Just words, no tags.');
    expect(none.answer).toBe('');
    expect(none.sections).toEqual({ perception: null, think: null, answer: null });
    expect(none.format.flags).toEqual(['missing-perception', 'missing-think', 'missing-answer']);
    expect(none.format.valid).toBe(false);
  });

  it('unwraps answers wrapped in quotes, keeps inner quotes', () => {
    const wrap = (a: string) => parseEbmOutput(`<perception>P</perception><think>T</think><answer>${a}</answer>`).answer;
    expect(wrap('"Run!"')).toBe('Run!');
    expect(wrap('  “Run!”  ')).toBe('Run!');
    expect(wrap('He said "run" twice.')).toBe('He said "run" twice.');
  });

  it('does not unbalance an answer that starts and ends with two separate quotations', () => {
    const a = '"Harry," she whispered. "Run!"';
    expect(parseEbmOutput(`<perception>P</perception><think>T</think><answer>${a}</answer>`).answer).toBe(a);
    // The recovery path unquotes too.
    expect(parseEbmOutput(`<perception>P</perception><think>T</think>${a}`).answer).toBe(a);
  });

  it('gives the same result when called repeatedly (no regex state leaks between calls)', () => {
    const inputs = [
      '<perception>P<think>T</think><answer>A</answer>',
      '<perception>P</perception><think>T</think>tail',
      '<vision>V</vision><think>T</think><answer>X',
    ];
    const first = inputs.map(parseEbmOutput);
    const again = [...inputs].reverse().map(parseEbmOutput).reverse();
    expect(again).toEqual(first);
  });
});

describe('parsePlainOutput', () => {
  it('takes the whole trimmed output as the answer', () => {
    const r = parsePlainOutput('  Hello there.  ');
    expect(r.answer).toBe('Hello there.');
    expect(r.format).toEqual({ valid: true, flags: [] });
  });

  it('strips stray EBM tags and flags them', () => {
    const r = parsePlainOutput('<think>planning</think><answer>Hi.</answer>');
    expect(r.answer).toBe('Hi.');
    expect(r.answer).not.toMatch(/<\/?(think|answer)>/);
    expect(r.format.flags).toContain('unexpected-tags');
    expect(r.format.valid).toBe(false);
  });

  it('flags an empty output', () => {
    const r = parsePlainOutput('   ');
    expect(r.answer).toBe('');
    expect(r.format.flags).toEqual(['empty-answer']);
    expect(r.format.valid).toBe(false);
  });

  it('is not affected by a previous call that matched tags', () => {
    parsePlainOutput('<answer>x</answer>');
    expect(parsePlainOutput('<answer>y</answer>').format.flags).toContain('unexpected-tags');
    expect(parsePlainOutput('no tags').format.valid).toBe(true);
  });
});

describe('real EBM-RL outputs', () => {
  async function records(): Promise<RecordedOutput[]> {
    const out: RecordedOutput[] = [];
    for await (const r of readOutputs(REAL)) out.push(r);
    return out;
  }

  it('parses the well-formed record to the answer EBM-RL itself extracted', async () => {
    const recs = await records();
    const ok = recs.find((r) => r.prediction);
    expect(ok).toBeDefined();
    const parsed = parseEbmOutput(ok!.output);
    expect(parsed.format.valid).toBe(true);
    expect(parsed.sections.perception).toMatch(/^1\. The Core Event/);
    expect(parsed.answer).toBe(ok!.prediction!.trim());
  });

  it('recovers the answer of the record whose </answer> never closes', async () => {
    const recs = await records();
    const torn = recs.find((r) => r.prediction === '');
    expect(torn).toBeDefined();
    expect(torn!.output).not.toMatch(/<\/answer>/i);
    const parsed = parseEbmOutput(torn!.output);
    expect(parsed.answer).toBe("Harry, you've got to hold on. We'll figure this out together.");
    expect(parsed.format.flags).toContain('unclosed-answer');
    expect(parsed.format.valid).toBe(true);
    expect(parsed.sections.think).toContain('Analyze Vision');
  });
});
