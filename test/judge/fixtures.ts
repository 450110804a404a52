// Tiny shared fixtures for the judge tests.
import { fileURLToPath } from 'node:url';
import type { ResponseRecord, Sample } from '../../src/core/records.js';
import type { LlmJudge } from '../../src/judge/judges.js';

export const RUBRICS_DIR = fileURLToPath(new URL('../../rubrics', import.meta.url));
export const JUDGES_DIR = fileURLToPath(new URL('../../judges', import.meta.url));

export function sample(overrides: Partial<Sample> = {}): Sample {
  return {
    id: 's1',
    character: { name: 'Hermione', description: 'A brilliant, rule-abiding young witch.' },
    user: { name: 'Ron', description: "Hermione's friend, easily frightened." },
    history: [{ speaker: 'Ron', text: "Spiders! Why couldn't it be follow the butterflies?" }],
    references: ['Ron, keep calm and hold your wand up, the spiders are coming out of the dark forest.'],
    caption: 'A dark forest at night; giant spiders crawl out between the trees toward two students.',
    ...overrides,
  };
}

/** An LLM judge for stub providers: nothing is listening at its URL. */
export const stubJudge: LlmJudge = {
  kind: 'llm',
  name: 'stub',
  model: 'stub-model',
  baseUrl: 'http://127.0.0.1:9/v1',
  apiKeyEnv: 'NONE',
  rounds: 1,
  maxTokens: 4096,
  reasoning: false,
  sees: 'none',
  structuredOutput: false,
};

/** A recorded (outputs-file) response of `model` to sample s1 whose answer is `answer`. */
export const fileResponse = (model: string, answer: string): ResponseRecord => ({
  type: 'response',
  sampleId: 's1',
  model,
  kind: 'plain',
  raw: answer,
  answer,
  format: { valid: true, flags: [] },
  usage: null,
  latencyMs: null,
  requestHash: null,
  frames: null,
  via: 'file',
});
