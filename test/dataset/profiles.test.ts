import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/dataset/errors.js';
import { joinPersonas, renderProfile } from '../../src/dataset/persona.js';
import { findFilm, loadProfiles, normalizeName, parseProfiles } from '../../src/dataset/profiles.js';

const REAL = fileURLToPath(new URL('../fixtures/ebm-rl/ebm-rl-profiles.sample.json', import.meta.url));

const fan = { personality: 'A curious fan.', motivation: 'To connect.' };
const db = parseProfiles(
  {
    GLOBAL_USER_PROFILES: { user_fan: fan },
    MOVIE_PROFILE_DB: {
      'The Lord of the Ring': {
        main: { Frodo: { personality: 'Gentle.', catchphrases: ['I will take it.', 'Sam!'], strengths: ['Endurance', 'Empathy'] } },
        sub: { Gollum: { personality: 'Split.', speech_style: 'Hissing.', relationships: 'Bound to the Ring.', motivation: 'The precious.' } },
      },
      'Spirited Away': { main: { Chihiro: { personality: 'Brave.' } } },
    },
    MOVIE_ALIASES: { 'The Lord of the Rings': 'The Lord of the Ring', LOTR: 'The Lord of the Ring', 'Sen to Chihiro': 'Spirited Away' },
  },
  'profiles.json',
);

describe('film resolution', () => {
  it('normalises case, punctuation and a trailing plural s', () => {
    expect(normalizeName('The Lord of the Rings')).toBe(normalizeName('the_lord_of_the_ring'));
    expect(normalizeName('Harry Potter')).toBe('harry potter');
  });

  it.each(['The Lord of the Ring', 'The Lord of the Rings', 'LOTR', 'lotr', 'the lord of the rings', 'The_Lord_of_the_Ring'])(
    'finds the film for %j',
    (name) => {
      expect(findFilm(db, name)).toBe('The Lord of the Ring');
    },
  );

  it('uses aliases in both directions', () => {
    // Reverse direction: the database is keyed by the alias, and the alias target is no key at all.
    const reversed = parseProfiles({ MOVIE_PROFILE_DB: { LOTR: { main: {} } }, MOVIE_ALIASES: { LOTR: 'The Lord of the Rings' } }, 'p.json');
    expect(findFilm(reversed, 'The Lord of the Ring')).toBe('LOTR');
    expect(findFilm(db, 'Sen to Chihiro')).toBe('Spirited Away');
    expect(findFilm(db, 'Unknown Film')).toBeUndefined();
  });
});

describe('persona joining', () => {
  it('renders main-character fields in EBM-RL order and keeps them raw', () => {
    const j = joinPersonas(db, 'LOTR', 'Frodo', 'Gollum');
    expect(j.problems).toEqual([]);
    expect(j.character.description).toBe('Personality: Gentle.\nCatchphrases: "I will take it."; "Sam!"\nStrengths: Endurance; Empathy');
    expect(j.character.fields).toEqual({ personality: 'Gentle.', catchphrases: ['I will take it.', 'Sam!'], strengths: ['Endurance', 'Empathy'] });
    // The user is a (minor) character of the same film: their own 4-field profile.
    expect(j.user.description).toBe('Personality: Split.\nSpeech style: Hissing.\nRelationships: Bound to the Ring.\nMotivation: The precious.');
  });

  it('gives a user who is not a character the generic user_fan persona under their own name', () => {
    const j = joinPersonas(db, 'The Lord of the Rings', 'Frodo', 'A Visitor');
    expect(j.user).toEqual({ name: 'A Visitor', description: renderProfile(fan), fields: fan });
  });

  it('falls back with a reported problem when the assistant has no profile', () => {
    const j = joinPersonas(db, 'LOTR', 'Aragorn', 'Frodo');
    expect(j.character).toEqual({ name: 'Aragorn', description: 'Aragorn, a character from LOTR.' });
    expect(j.problems).toEqual(['no profile for "Aragorn" in film "The Lord of the Ring"']);
    expect(j.user.description).toContain('Gentle.');
  });

  it('falls back when the film is unknown or no profiles are loaded', () => {
    const j = joinPersonas(db, 'Unknown Film', 'Frodo', 'Sam');
    expect(j.problems[0]).toContain('film "Unknown Film" is not in profiles file profiles.json');
    expect(j.character.description).toBe('Frodo, a character from Unknown Film.');
    expect(joinPersonas(null, undefined, 'Frodo', 'Sam')).toEqual({
      character: { name: 'Frodo', description: 'Frodo, a character.' },
      user: { name: 'Sam', description: '' },
      problems: [],
    });
  });

  it('matches character names case-insensitively', () => {
    expect(joinPersonas(db, 'LOTR', 'frodo', 'x').character.fields).toBeDefined();
  });
});

describe('profiles file validation', () => {
  it('names the offending field', () => {
    let err: unknown;
    try {
      parseProfiles({ MOVIE_PROFILE_DB: { Film: { main: { Bob: 'not an object' } } } }, 'p.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as DatasetError).message).toContain('field "MOVIE_PROFILE_DB.Film.main.Bob": expected an object of profile fields');
  });
});

describe('real EBM-RL profiles sample', () => {
  it('loads films, user_fan and aliases', async () => {
    const real = await loadProfiles(REAL);
    expect(findFilm(real, 'LOTR')).toBe('The Lord of the Ring');
    expect(findFilm(real, 'The Lord of the Rings')).toBe('The Lord of the Ring');
    const j = joinPersonas(real, 'Harry Potter', 'Severus Snape', 'Voldemort');
    expect(j.character.description.split('\n').map((l) => l.split(':')[0])).toEqual([
      'Personality',
      'Catchphrases',
      'Speech style',
      'Relationships',
      'Strengths',
      'Weaknesses',
      'Background',
      'Motivation',
    ]);
    expect(j.user.description).toContain('Megalomaniacal');
    expect(joinPersonas(real, 'Harry Potter', 'Harry Potter', 'Some Fan').user.description).toContain('passionate and immersive observer');
  });
});
