import { describe, expect, it } from 'vitest';
import { judgeableAnswer } from '../../../src/judge/protocol/answer.js';
import { parseByKind } from '../../../src/stages/generate/ebm.js';

const TAG = /<\s*\/?\s*(?:perception|vision|think|thinking|reasoning|answer)\b/i;

const ebm = {
  kind: 'ebm' as const,
  raw: '<perception>Dark forest, spiders.</perception><think>She should warn him.</think><answer>Ron, wands up!</answer>',
  answer: 'Ron, wands up!',
  sections: { perception: 'Dark forest, spiders.', think: 'She should warn him.', answer: 'Ron, wands up!' },
};

describe('judgeableAnswer', () => {
  it('returns the answer section only for ebm responses', () => {
    expect(judgeableAnswer(ebm)).toBe('Ron, wands up!');
  });

  it('optionally prefixes the untagged perception', () => {
    const text = judgeableAnswer(ebm, { includePerception: true });
    expect(text).toContain('Dark forest, spiders.');
    expect(text).toContain('Ron, wands up!');
    expect(text).not.toContain('She should warn him');
    expect(text).not.toMatch(TAG);
  });

  it('falls back to the raw perception when sections are absent', () => {
    const text = judgeableAnswer({ kind: 'ebm', raw: ebm.raw, answer: 'Ron, wands up!' }, { includePerception: true });
    expect(text).toContain('Dark forest, spiders.');
  });

  it('never leaks tags, even from messy answers', () => {
    const messy = [
      '<answer>Ron, run!</answer>',
      '<think>plan</think>Ron, run!',
      'Ron, run!</answer>',
      '<perception>forest</perception> Ron, run! <vision>x</vision>',
      'Ron, run! <think>this was cut off mid-thought',
      '< answer >Ron, run!< /answer >',
    ];
    for (const answer of messy) {
      for (const kind of ['ebm', 'plain'] as const) {
        const text = judgeableAnswer({ kind, raw: answer, answer });
        expect(text).not.toMatch(TAG);
        expect(text).toBe('Ron, run!');
      }
    }
  });

  it('judges neither a thought nested in the answer nor one a stray closing tag ends', () => {
    const nested = '<answer><think>hidden?</think>Visible part.</answer>';
    for (const kind of ['ebm', 'plain'] as const) {
      const p = parseByKind(kind, nested);
      expect(judgeableAnswer({ kind, raw: nested, answer: p.answer, sections: p.sections })).toBe('Visible part.');
    }
    // After </think>, a hidden block before the recovered answer: gone whole, not untagged.
    const late = '<think>plan</think><vision>x</vision>Hi.</answer>';
    const p = parseByKind('ebm', late);
    expect(judgeableAnswer({ kind: 'ebm', raw: late, answer: p.answer, sections: p.sections })).toBe('Hi.');
    // A chat template that opened the <think> itself: what precedes </think> is thought.
    expect(judgeableAnswer({ kind: 'plain', raw: '', answer: 'sad</think>\nI know.' })).toBe('I know.');
  });

  it('keeps every word of an answer section: nested thoughts go whole, stray closing tags are only tags', () => {
    const judged = (kind: 'ebm' | 'plain', raw: string) => {
      const p = parseByKind(kind, raw);
      return judgeableAnswer({ kind, raw, answer: p.answer, sections: p.sections });
    };
    // A thought nested in a thought: all of it goes (a first-match pattern left "T6c"), and the words around it meet with one space.
    expect(judged('ebm', '<answer>Case6 <think>T6a<think>T6b</think>T6c</think> hi.</answer>')).toBe('Case6 hi.');
    // An unclosed answer runs to the end: a block inside it no longer ends it.
    expect(judged('ebm', '<answer>Case4 <perception>P4</perception> more words.')).toBe('Case4 more words.');
    // Inside the model's own answer tags, a stray </think> is not the end of a thought.
    expect(judged('ebm', '<answer>Case1 hi.</think></answer>')).toBe('Case1 hi.');
    expect(judged('ebm', '<answer>Case2 hi.</think></vision></perception>')).toBe('Case2 hi.');
    // Attributes and self-closing tags.
    expect(judged('ebm', '<answer type="speech">Case7 hi.</answer>')).toBe('Case7 hi.');
    expect(judged('plain', '<vision/>Hi.')).toBe('Hi.');
  });

  it('joins the text around a removed block with one space, and leaves the rest of the text as written', () => {
    const plain = (answer: string) => judgeableAnswer({ kind: 'plain', raw: '', answer });
    expect(plain('Hi <think>a<think>b</think>c</think> there.')).toBe('Hi there.');
    expect(plain('Hi <think>a</think> <vision/>  there.')).toBe('Hi there.');
    // No space on one side: nothing to collapse, nothing added.
    expect(plain('Hi<think>a</think> there.')).toBe('Hi there.');
    expect(plain('Hi <think>a</think>there.')).toBe('Hi there.');
    // The model's own spacing away from the join point, and line breaks at it, stay.
    expect(plain('Well,  so <think>a</think> be it.')).toBe('Well,  so be it.');
    expect(plain('Hi.\n<think>a</think>\nThere.')).toBe('Hi.\n\nThere.');
  });

  it('strips hidden sections out of the sections.answer too', () => {
    const r = { ...ebm, sections: { ...ebm.sections, answer: '<think>x</think>\n\n\n\nRon!' } };
    expect(judgeableAnswer(r)).toBe('Ron!');
  });
});
