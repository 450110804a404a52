import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ebmRlAnswer, judgeableAnswer } from '../../../src/judge/protocol/answer.js';

describe('ebmRlAnswer (EBM-RL released rule)', () => {
  it('takes <answer> to </answer>, or to the end when unclosed', () => {
    expect(ebmRlAnswer('<think>x</think><ANSWER>"Run, Ron!"</answer> tail')).toBe('"Run, Ron!"');
    expect(ebmRlAnswer('<vision>v</vision><think>t</think><answer>cut off here')).toBe('cut off here');
  });

  it('falls back to the text after </think>, then to the text with blocks and stray tags removed', () => {
    expect(ebmRlAnswer('<think>plan</think>  Hello there.')).toBe('Hello there.');
    expect(ebmRlAnswer('<vision>rain</vision>Hi <b>you</b>')).toBe('Hi you');
  });

  it("differs from rolejudge's rule where the issue says: quotes kept, an unclosed <think> not emptied", () => {
    const quoted = { kind: 'plain' as const, raw: '"Stay close."', answer: '"Stay close."' };
    expect(ebmRlAnswer(quoted.raw)).toBe('"Stay close."');
    const unclosed = '<think>I should calm him. Then say: keep your wand up';
    expect(judgeableAnswer({ kind: 'plain', raw: unclosed, answer: unclosed })).toBe('');
    expect(ebmRlAnswer(unclosed)).toBe('I should calm him. Then say: keep your wand up');
  });

  it('drops stray section tags left after extraction, so none reaches the judge as text', () => {
    // The opening <answer> dropped (seen in real outputs): the after-</think> branch kept "</answer>".
    expect(ebmRlAnswer('<vision>dark room</vision>\n<think>sad</think>\nI know, Pippin. Thank you.</answer>')).toBe('I know, Pippin. Thank you.');
    expect(ebmRlAnswer('<think>t</think><vision>late</vision> Hi. </ANSWER>')).toBe('Hi.');
    expect(ebmRlAnswer('<answer>Hi <answer>again</answer>')).toBe('Hi again');
  });

  it('removes a hidden block nested in the answer entirely: the judge scores only the final utterance', () => {
    expect(ebmRlAnswer('<answer><think>hidden?</think>Visible part.</answer>')).toBe('Visible part.');
    expect(ebmRlAnswer('<answer><Perception>a hall</Perception>"Stay."</answer>')).toBe('"Stay."');
  });

  it('removes nested hidden blocks whole, however deep', () => {
    expect(ebmRlAnswer('<answer>Case6 <think>T6a<think>T6b</think>T6c</think> hi.</answer>')).toBe('Case6 hi.');
    expect(ebmRlAnswer('<think>a<vision>b</vision>c</think>Hi.')).toBe('Hi.');
    // (With a </think> anywhere the released rule takes the text after it; without one, nothing hidden is left.)
    expect(ebmRlAnswer('<vision>a<perception>b</perception>c</vision>Hello <vision/>there.')).toBe('Hello there.');
  });

  it("treats <perception> (the paper's tag) like <vision> when there is no <answer>", () => {
    expect(ebmRlAnswer('<perception>A dark room, Frodo crying.</perception>\nI know, Pippin.')).toBe('I know, Pippin.');
    expect(ebmRlAnswer('<PERCEPTION>rain</PERCEPTION>Hello.')).toBe('Hello.');
  });

  it('on the released outputs: a record whose opening <answer> is dropped gives its answer without the stray tag', () => {
    const text = readFileSync(new URL('../../fixtures/ebm-rl/ebm-rl-outputs.sample.jsonl', import.meta.url), 'utf8');
    const records = text.split(/\n(?=\{)/).map((t) => JSON.parse(t));
    const closed = records.find((r) => r.raw_output.includes('</answer>'));
    const dropped = closed.raw_output.replace(/<answer>/i, '');
    expect(ebmRlAnswer(dropped)).toBe(ebmRlAnswer(closed.raw_output));
    expect(ebmRlAnswer(dropped)).not.toMatch(/<\/?\s*(?:answer|think|vision|perception)/i);
  });

  it('on the released outputs: a record whose <answer> never closes still shows the judge its text', () => {
    const text = readFileSync(new URL('../../fixtures/ebm-rl/ebm-rl-outputs.sample.jsonl', import.meta.url), 'utf8');
    const records = text.split(/\n(?=\{)/).map((t) => JSON.parse(t));
    const unclosed = records.find((r) => r.raw_output.includes('<answer>') && !r.raw_output.includes('</answer>'));
    expect(unclosed, 'the fixture has the unclosed record').toBeDefined();
    expect(unclosed.model_prediction).toBe('');
    expect(ebmRlAnswer(unclosed.raw_output).length).toBeGreaterThan(0);
  });
});
