// Turns EBM-RL profile fields into the Persona text models and judges read, and
// joins a record's assistant/user names to profiles. A missing assistant
// profile does not stop a 32k-sample run: the character gets a one-line
// fallback description and the caller receives a warning instead.

import type { Persona } from '../core/records.js';
import type { Json } from './fields.js';
import { findCharacter, findFilm, type ProfileDb } from './profiles.js';

// The order EBM-RL's prompt builder presents fields in; minor characters have
// only some of them, and unknown extra fields are appended after these.
const FIELD_ORDER = ['personality', 'catchphrases', 'speech_style', 'relationships', 'strengths', 'weaknesses', 'background', 'motivation'];

function label(key: string): string {
  const words = key.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function renderValue(key: string, value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (Array.isArray(value)) {
    const items = value.map((v) => (typeof v === 'string' ? v.trim() : JSON.stringify(v)));
    if (key === 'catchphrases') return items.map((s) => `"${s}"`).join('; ');
    // Lists of full sentences read better run together than semicolon-separated.
    const sentences = items.every((s) => /[.!?]$/.test(s));
    return items.join(sentences ? ' ' : '; ');
  }
  return JSON.stringify(value);
}

/** "Personality: …\nCatchphrases: "…"; "…"\n…" in EBM-RL's field order. */
export function renderProfile(fields: Json): string {
  const keys = [...FIELD_ORDER.filter((k) => k in fields), ...Object.keys(fields).filter((k) => !FIELD_ORDER.includes(k))];
  return keys
    .filter((k) => fields[k] !== null && fields[k] !== undefined && fields[k] !== '')
    .map((k) => `${label(k)}: ${renderValue(k, fields[k])}`)
    .join('\n');
}

export function fallbackDescription(name: string, source: string | undefined): string {
  return source ? `${name}, a character from ${source}.` : `${name}, a character.`;
}

export interface JoinedPersonas {
  character: Persona;
  user: Persona;
  /** Why a persona fell back; empty when both joined cleanly. */
  problems: string[];
}

/**
 * The assistant's own profile; the user's profile when the user is a character
 * of the same film, else the generic `user_fan` persona under the user's name.
 */
export function joinPersonas(db: ProfileDb | null, source: string | undefined, assistant: string, user: string): JoinedPersonas {
  const problems: string[] = [];
  const film = db && source !== undefined ? findFilm(db, source) : undefined;
  if (db && film === undefined) {
    problems.push(`film ${JSON.stringify(source ?? '')} is not in profiles file ${db.file} (nor its aliases)`);
  }
  const own = db && film !== undefined ? findCharacter(db, film, assistant) : undefined;
  let character: Persona;
  if (own) {
    character = { name: assistant, description: renderProfile(own.fields), fields: own.fields };
  } else {
    if (db && film !== undefined) problems.push(`no profile for ${JSON.stringify(assistant)} in film ${JSON.stringify(film)}`);
    character = { name: assistant, description: fallbackDescription(assistant, source) };
  }
  const asCharacter = db && film !== undefined ? findCharacter(db, film, user) : undefined;
  let userPersona: Persona;
  if (asCharacter) {
    userPersona = { name: user, description: renderProfile(asCharacter.fields), fields: asCharacter.fields };
  } else if (db?.userFan) {
    userPersona = { name: user, description: renderProfile(db.userFan), fields: db.userFan };
  } else {
    userPersona = { name: user, description: '' };
  }
  return { character, user: userPersona, problems };
}
