// Tiny shared fixtures for the judge tests.
import { fileURLToPath } from 'node:url';
import type { Sample } from '../../src/core/records.js';

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
