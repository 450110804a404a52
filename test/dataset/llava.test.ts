import { describe, expect, it } from 'vitest';
import type { DatasetWarning } from '../../src/dataset/errors.js';
import { DatasetError } from '../../src/dataset/errors.js';
import { guessCharacterName, llavaToSample, readLlava, splitPreamble } from '../../src/dataset/llava.js';
import { collect, jsonl, tempDir } from './tmp.js';

const at = { file: 'v2r.json', line: 1 };
const preamble = 'You are Captain Mira Solenne, a starship pilot.\nPersonality: bold, sardonic.\nStay in character.';
const record = {
  id: 'v2r-1',
  video: 'clips/v2r-1.mp4',
  source_dataset: 'demo',
  conversations: [
    { from: 'human', value: `<video>\n${preamble}\n\nCaptain, the engine is smoking!` },
    { from: 'gpt', value: 'Then we land hard. Strap in.' },
    { from: 'human', value: 'Land where? There is only ocean!' },
    { from: 'gpt', value: 'Ocean is soft. Hold on.' },
  ],
};

describe('llava / Video2Roleplay format', () => {
  it('splits the preamble into the character profile and maps turns', () => {
    const s = llavaToSample(record, at, '/ds', []);
    expect(s.id).toBe('v2r-1');
    expect(s.video).toEqual({ path: '/ds/clips/v2r-1.mp4' });
    expect(s.character).toEqual({ name: 'Captain Mira Solenne', description: preamble });
    expect(s.user).toEqual({ name: 'User', description: '' });
    expect(s.history).toEqual([
      { speaker: 'User', text: 'Captain, the engine is smoking!' },
      { speaker: 'Captain Mira Solenne', text: 'Then we land hard. Strap in.' },
      { speaker: 'User', text: 'Land where? There is only ocean!' },
    ]);
    expect(s.references).toEqual(['Ocean is soft. Hold on.']);
    expect(s.meta).toEqual({ source_dataset: 'demo' });
    expect(JSON.stringify(s)).not.toContain('<video>');
  });

  it('uses explicit system/character fields and frame lists when present', () => {
    const s = llavaToSample(
      {
        id: 7,
        video: ['f/1.jpg', 'f/2.jpg'],
        system: 'Profile: a shy poet.',
        character: 'Ines',
        conversations: [
          { from: 'human', value: '<video> Hello?' },
          { from: 'gpt', value: '...hello.' },
        ],
      },
      at,
      '/ds',
      [],
    );
    expect(s.id).toBe('7');
    expect(s.video).toEqual({ frames: ['/ds/f/1.jpg', '/ds/f/2.jpg'] });
    expect(s.character).toEqual({ name: 'Ines', description: 'Profile: a shy poet.' });
    expect(s.history).toEqual([{ speaker: 'User', text: 'Hello?' }]);
  });

  it('reports a missing profile as a problem and uses a fallback description', () => {
    const problems: string[] = [];
    const s = llavaToSample(
      {
        id: 'x',
        video: 'a.mp4',
        conversations: [
          { from: 'human', value: '<video>\nHi' },
          { from: 'gpt', value: 'Yo' },
        ],
      },
      at,
      '/ds',
      problems,
    );
    expect(s.character).toEqual({ name: 'Character', description: 'Character, a character.' });
    expect(problems).toEqual(['sample x: no character profile before the first user utterance']);
  });

  it.each([
    ['conversations', { ...record, conversations: record.conversations.slice(0, 3) }],
    ['conversations[0].from', { ...record, conversations: [{ from: 'robot', value: 'x' }] }],
    ['video', { ...record, video: '../x.mp4' }],
    ['video', { ...record, video: [] }],
    ['id', { ...record, id: '' }],
  ])('rejects a bad %s (case %#)', (field, rec) => {
    let err: unknown;
    try {
      llavaToSample(rec, at, '/ds', []);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as DatasetError).field).toBe(field);
  });

  it('splitPreamble and guessCharacterName', () => {
    expect(splitPreamble('only one paragraph')).toEqual({ preamble: '', utterance: 'only one paragraph' });
    expect(splitPreamble('a\n\nb\n  \nc')).toEqual({ preamble: 'a\n\nb', utterance: 'c' });
    expect(guessCharacterName('Character: Old Tom\nOther')).toBe('Old Tom');
    expect(guessCharacterName('You are now playing Lady Ash, a ghost.')).toBe('Lady Ash');
    expect(guessCharacterName('You are a helpful assistant.')).toBeUndefined();
  });

  it('reads both a JSON array and JSONL files', async () => {
    const tmp = tempDir();
    const second = { ...record, id: 'v2r-2' };
    const warnings: DatasetWarning[] = [];
    const arrayText = JSON.stringify([record, second], null, 2);
    // The second element's "{" sits on the line just above its "id".
    const secondLine = arrayText.split('\n').findIndex((l) => l.includes('"v2r-2"'));
    const fromArray = await collect(readLlava(tmp.write('a.json', arrayText), { warnings }));
    const fromLines = await collect(readLlava(tmp.write('a.jsonl', jsonl(record, second))));
    expect(fromArray.map((s) => [s.id, s.origin?.line])).toEqual([
      ['v2r-1', 2],
      ['v2r-2', secondLine],
    ]);
    expect(fromLines.map((s) => [s.id, s.origin?.line])).toEqual([
      ['v2r-1', 1],
      ['v2r-2', 2],
    ]);
    expect(fromLines[1]?.references).toEqual(fromArray[1]?.references);
    expect(warnings).toEqual([]);
  });
});
