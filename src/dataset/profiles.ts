// EBM-RL character profiles (movie_chara_profiles.py converted to JSON): film →
// main/sub → character name → fields, a generic `user_fan` persona, and film
// aliases. Film names in test.json do not always match the keys ("The Lord of
// the Ring" vs "The Lord of the Rings" vs "LOTR"), hence the normalised index.

import { readFile } from 'node:fs/promises';
import { DatasetError } from './errors.js';
import { isObject, type Json } from './fields.js';

export interface ProfileEntry {
  fields: Json;
  tier: 'main' | 'sub';
}

export interface ProfileDb {
  file: string;
  /** The generic persona for users who are not characters of the film. */
  userFan: Json | null;
  /** Canonical film key → character name → profile. */
  films: Map<string, Map<string, ProfileEntry>>;
  /** Normalised film name or alias → canonical film key. */
  filmIndex: Map<string, string>;
}

/** Case-, punctuation- and plural-insensitive film key: "The Lord of the Rings" ≡ "the_lord_of_the_ring". */
export function normalizeName(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/(\p{L}{2,})s$/u, '$1');
}

function bad(file: string, field: string, expected: string): never {
  // The profiles file is parsed whole (it is small), so only the field path is precise.
  throw new DatasetError({ file, line: 1, field, expected });
}

export function parseProfiles(json: unknown, file: string): ProfileDb {
  if (!isObject(json)) bad(file, '(root)', 'an object with MOVIE_PROFILE_DB');
  const dbRaw = json.MOVIE_PROFILE_DB;
  if (!isObject(dbRaw)) bad(file, 'MOVIE_PROFILE_DB', 'an object: film → {main, sub}');
  const films = new Map<string, Map<string, ProfileEntry>>();
  for (const [film, tiers] of Object.entries(dbRaw)) {
    if (!isObject(tiers)) bad(file, `MOVIE_PROFILE_DB.${film}`, 'an object {main, sub}');
    const chars = new Map<string, ProfileEntry>();
    for (const tier of ['main', 'sub'] as const) {
      const group = tiers[tier];
      if (group === undefined) continue;
      if (!isObject(group)) bad(file, `MOVIE_PROFILE_DB.${film}.${tier}`, 'an object: name → profile fields');
      for (const [name, fields] of Object.entries(group)) {
        if (!isObject(fields)) bad(file, `MOVIE_PROFILE_DB.${film}.${tier}.${name}`, 'an object of profile fields');
        // A name listed as both main and sub keeps its richer main profile.
        if (!chars.has(name)) chars.set(name, { fields, tier });
      }
    }
    films.set(film, chars);
  }
  const globals = json.GLOBAL_USER_PROFILES;
  if (globals !== undefined && !isObject(globals)) bad(file, 'GLOBAL_USER_PROFILES', 'an object');
  const fan = globals?.user_fan;
  if (fan !== undefined && !isObject(fan)) bad(file, 'GLOBAL_USER_PROFILES.user_fan', 'an object of profile fields');
  const aliases = json.MOVIE_ALIASES ?? {};
  if (!isObject(aliases)) bad(file, 'MOVIE_ALIASES', 'an object: alias → film');
  return { file, userFan: fan ?? null, films, filmIndex: buildIndex(films, aliases, file) };
}

function buildIndex(films: Map<string, unknown>, aliases: Json, file: string): Map<string, string> {
  const index = new Map<string, string>();
  const add = (name: string, film: string) => {
    const key = normalizeName(name);
    if (!index.has(key)) index.set(key, film);
  };
  for (const film of films.keys()) add(film, film);
  // Aliases are used in both directions: the alias may name the database key or
  // the database key may be the alias's target.
  for (const [alias, target] of Object.entries(aliases)) {
    if (typeof target !== 'string') bad(file, `MOVIE_ALIASES.${alias}`, 'a film name string');
    const film = index.get(normalizeName(target)) ?? index.get(normalizeName(alias));
    if (film === undefined) continue;
    add(alias, film);
    add(target, film);
  }
  return index;
}

export async function loadProfiles(file: string): Promise<ProfileDb> {
  const text = await readFile(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DatasetError({ file, line: 1, expected: 'a valid JSON profiles file', got: (err as Error).message });
  }
  return parseProfiles(json, file);
}

/** Canonical film key for a data_source, through aliases and normalisation. */
export function findFilm(db: ProfileDb, source: string): string | undefined {
  return db.filmIndex.get(normalizeName(source));
}

export function findCharacter(db: ProfileDb, film: string, name: string): ProfileEntry | undefined {
  const chars = db.films.get(film);
  if (!chars) return undefined;
  const exact = chars.get(name);
  if (exact) return exact;
  const want = normalizeName(name);
  for (const [key, entry] of chars) if (normalizeName(key) === want) return entry;
  return undefined;
}
