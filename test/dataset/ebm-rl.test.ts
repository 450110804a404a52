import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanReference, ebmRlToSample, readEbmRl } from '../../src/dataset/ebm-rl.js';
import type { DatasetWarning } from '../../src/dataset/errors.js';
import { DatasetError } from '../../src/dataset/errors.js';
import { parseProfiles } from '../../src/dataset/profiles.js';
import { collect, errorOf, tempDir } from './tmp.js';

const SHARED = fileURLToPath(new URL('../fixtures/ebm-rl', import.meta.url));
const realTest = path.join(SHARED, 'ebm-rl-test.sample.json');
const realProfiles = path.join(SHARED, 'ebm-rl-profiles.sample.json');

const at = { file: 'test.json', line: 2 };
const record = {
  problem_id: 12,
  session_id: 's',
  sub_2_sample_order: 1,
  sub_sample_type: 2,
  user: 'Fan',
  assistant: 'Hero',
  data_source: 'Some Film',
  dialogue: [{ speaker: 'Fan', utterance: 'Hello?' }],
  target: { speaker: 'Hero', utterance: 'Hi.' },
  video_path: './Some_Film/video/a.mp4',
  solution: '<answer>Hi.</answer>',
};

describe('cleanReference', () => {
  it.each([
    ['<answer>I know. I am sorry.</answer>', 'I know. I am sorry.'],
    ['<answer>\n  Spaced out.  \n</answer>', 'Spaced out.'],
    ['<answer>No closing tag', 'No closing tag'],
    ['No opening tag</answer>', 'No opening tag'],
    ['<answer>"Wrapped in quotes."</answer>', 'Wrapped in quotes.'],
    ['<answer>\\"Escaped leading quote.</answer>', 'Escaped leading quote.'],
    ['<answer>\\"Escaped on both sides.\\"</answer>', 'Escaped on both sides.'],
    ['<answer>"Stray opening quote only.</answer>', 'Stray opening quote only.'],
    ['<answer>"Run!" she said.</answer>', '"Run!" she said.'],
    ['<answer>"One." "Two."</answer>', '"One." "Two."'],
    ['<answer>He said "no" twice.</answer>', 'He said "no" twice.'],
  ])('%j → %j', (input, expected) => {
    expect(cleanReference(input)).toBe(expected);
  });
});

describe('ebm-rl records', () => {
  it('maps ids, names, dialogue, video and reference, keeping unknown keys in meta', () => {
    const s = ebmRlToSample(record, at, '/ds', null, []);
    expect(s.id).toBe('12');
    expect(s.sessionId).toBe('s');
    expect(s.source).toBe('Some Film');
    expect(s.video).toEqual({ path: '/ds/Some_Film/video/a.mp4' });
    expect(s.history).toEqual([{ speaker: 'Fan', text: 'Hello?' }]);
    expect(s.references).toEqual(['Hi.']);
    expect(s.character).toEqual({ name: 'Hero', description: 'Hero, a character from Some Film.' });
    expect(s.user.name).toBe('Fan');
    expect(s.meta).toEqual({ sub_2_sample_order: 1, sub_sample_type: 2 });
  });

  it('falls back to target.utterance when solution is absent', () => {
    const { solution: _drop, ...rest } = record;
    expect(ebmRlToSample({ ...rest, target: { speaker: 'Hero', utterance: '"Hey."' } }, at, '/ds', null, []).references).toEqual(['Hey.']);
  });

  it.each([
    ['problem_id', { ...record, problem_id: null }],
    ['assistant', { ...record, assistant: '' }],
    ['dialogue[0].utterance', { ...record, dialogue: [{ speaker: 'Fan' }] }],
    ['video_path', { ...record, video_path: '../../etc/x.mp4' }],
    ['video_path', { ...record, video_path: undefined }],
    ['solution', { ...record, solution: '<answer>  </answer>' }],
  ])('rejects a bad %s (case %#)', (field, rec) => {
    let err: unknown;
    try {
      ebmRlToSample(rec, at, '/ds', null, []);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as DatasetError).field).toBe(field);
    expect((err as DatasetError).message).toContain(`test.json:2: field "${field}"`);
  });

  it('warns once per distinct missing profile instead of failing', async () => {
    const tmp = tempDir();
    const file = tmp.write('test.json', JSON.stringify([record, { ...record, problem_id: 13 }], null, 2));
    const db = parseProfiles({ MOVIE_PROFILE_DB: { 'Some Film': { main: { Other: { personality: 'x' } } } } }, 'p.json');
    const warnings: DatasetWarning[] = [];
    const samples = await collect(readEbmRl(file, { profiles: db, warnings }));
    expect(samples).toHaveLength(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ file, line: 2, sampleId: '12' });
    expect(warnings[0]?.message).toContain('no profile for "Hero"');
  });

  it('a malformed element names the line inside the array', async () => {
    const tmp = tempDir();
    const file = tmp.write('bad.json', `[\n${JSON.stringify(record)},\n{"problem_id": 3, "user": tru}\n]`);
    const err = await errorOf(() => collect(readEbmRl(file)));
    expect(err.message).toContain(`${file}:3: expected valid JSON`);
  });
});

describe('real EBM-RL test.json sample', () => {
  it('loads both records with joined profiles and the Lord-of-the-Ring spelling resolved', async () => {
    const warnings: DatasetWarning[] = [];
    const samples = await collect(readEbmRl(realTest, { profiles: realProfiles, root: '/datasets/RP-EBM-Dataset', warnings }));
    expect(warnings).toEqual([]);
    expect(samples.map((s) => s.id)).toEqual(['2', '4']);
    const [frodo, dumbledore] = samples;
    expect(frodo?.character.name).toBe('Frodo');
    expect(frodo?.character.description).toMatch(/^Personality: Quiet, gentle/);
    expect(frodo?.character.description).toContain('Catchphrases: "I will take it."; "I can\'t do this alone."');
    expect(frodo?.character.fields?.motivation).toContain('protect the Shire');
    // Pippin is a character of the film, so the user gets his profile, not user_fan.
    expect(frodo?.user.description).toContain('Playful, impulsive');
    expect(frodo?.history).toHaveLength(9);
    expect(frodo?.references).toEqual(["I know. I'm sorry. It is just such a heavy weight to carry."]);
    expect(frodo?.video?.path).toBe('/datasets/RP-EBM-Dataset/The_Lord_of_the_Ring/video/1~2/llm_api/1_009__ede902f2cdd81e1e__5__6a0de5.mp4');
    expect(frodo?.meta).toMatchObject({ sub_1_sample_order: 5, segment_part: '1_009', generation_type: 'llm_api' });
    expect(dumbledore?.meta).toMatchObject({ sub_2_sample_order: 2, total_sub_2_samples_in_session: 4 });
    expect(dumbledore?.user.description).toContain('Brave, impulsive');
  });
});
