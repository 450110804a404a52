import { describe, expect, it } from 'vitest';
import { detectSelfId, maskSelfId } from '../../../src/judge/protocol/self-id.js';

describe('detectSelfId', () => {
  it.each([
    ['As an AI language model, I cannot feel fear.', 'As an AI language model'],
    ['as an AI, I think so', 'as an AI'],
    ['Well, I am an AI, so no.', 'I am an AI'],
    ['I’m just a language model.', 'I’m just a language model'],
    ['As a large language model I lack a body.', 'As a large language model'],
    ["Hi, I'm ChatGPT!", "I'm ChatGPT"],
    ['I was trained by OpenAI.', 'trained by OpenAI'],
    ['As Qwen, I must say...', 'As Qwen'],
    ['I am Qwen2.5-VL, developed by Alibaba Cloud.', 'I am Qwen2.5-VL'],
    ['This runs on GPT-4o.', 'GPT-4o'],
    ['I am Claude, made by Anthropic.', 'I am Claude'],
    ['Built on Llama-3 weights.', 'Llama-3'],
    ['Powered by Gemini Pro.', 'Gemini Pro'],
    ['The LLaVA model says hi.', 'LLaVA'],
    ['InternVL2 here.', 'InternVL2'],
    ['DeepSeek and Meta AI too.', 'DeepSeek'],
  ])('%j flags %j', (text, phrase) => {
    expect(detectSelfId(text)).toContain(phrase);
  });

  it('does not flag ordinary words', () => {
    for (const text of [
      'The metal gate creaks; Claude waved from the llama farm.',
      'She is a Gemini, born in June.',
      'Meta-analysis aside, the gemini twins laughed.',
      'As a wizard, I cannot allow it.',
      'I am an archer of the king.',
      'Ali Baba opened the cave.',
    ]) {
      expect(detectSelfId(text)).toEqual([]);
    }
  });

  it('exempts the character name', () => {
    expect(detectSelfId("I'm Claude, the baker.", { exempt: ['Claude'] })).toEqual([]);
    expect(detectSelfId("I'm Claude, the baker.")).toEqual(["I'm Claude"]);
  });

  it('merges overlapping matches into one phrase', () => {
    expect(detectSelfId('I am Qwen, from Alibaba Cloud.')).toEqual(['I am Qwen', 'Alibaba Cloud']);
  });
});

describe('maskSelfId', () => {
  it('replaces each phrase with [...]', () => {
    expect(maskSelfId('As an AI language model, I think the spider is big. I was trained by OpenAI.')).toBe('[...], I think the spider is big. I was [...].');
  });

  it('leaves clean text untouched', () => {
    const text = 'Run, Ron! The spiders are coming!';
    expect(maskSelfId(text)).toBe(text);
  });
});
