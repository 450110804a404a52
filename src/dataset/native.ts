// rolejudge's own split format: JSONL, one sample per line. Strict on purpose:
// every field is checked and unknown keys are rejected, because a misspelt key
// in a hand-written split would otherwise silently drop data. See docs/formats.md.

import path from 'node:path';
import type { Origin, Persona, Sample, Turn, VideoRef } from '../core/records.js';
import { asArray, asId, asObject, asRecord, asString, asText, fail, isObject, optDuration, optString, rejectUnknownKeys } from './fields.js';
import type { FormatReader, ReadContext } from './format.js';
import { readWith } from './format.js';
import { readJsonLineBatches, readJsonLines } from './json-stream.js';
import { clipRef, resolveVideo } from './paths.js';

const KEYS = ['id', 'session_id', 'video', 'caption', 'character', 'user', 'history', 'reference', 'references', 'source', 'meta'] as const;
const PERSONA_KEYS = ['name', 'description', 'fields'] as const;
const VIDEO_KEYS = ['path', 'frames', 'url', 'duration'] as const;
const TURN_KEYS = ['speaker', 'text'] as const;

export function nativeToSample(value: unknown, at: Origin, root: string): Sample {
  const rec = asRecord(at, value);
  rejectUnknownKeys(at, rec, KEYS);
  const sample: Sample = {
    id: asId(at, 'id', rec.id, false),
    character: persona(at, 'character', rec.character, false),
    user: persona(at, 'user', rec.user, true),
    history: history(at, rec.history),
    references: references(at, rec),
    origin: at,
  };
  const sessionId = optString(at, 'session_id', rec.session_id);
  if (sessionId !== undefined) sample.sessionId = sessionId;
  if (rec.video !== undefined) sample.video = video(at, rec.video, root);
  const caption = optString(at, 'caption', rec.caption);
  if (caption !== undefined) sample.caption = caption;
  const source = optString(at, 'source', rec.source);
  if (source !== undefined) sample.source = source;
  if (rec.meta !== undefined) sample.meta = asObject(at, 'meta', rec.meta);
  return sample;
}

function persona(at: Origin, field: string, value: unknown, nameOnlyAllowed: boolean): Persona {
  if (nameOnlyAllowed && typeof value === 'string') return { name: asString(at, field, value), description: '' };
  // As in history(): the usual {name, description} without building field names.
  if (isPlainPersona(value, nameOnlyAllowed)) return { name: value.name, description: value.description };
  if (!isObject(value)) {
    fail(at, field, nameOnlyAllowed ? 'an object {name, description} or a name string' : 'an object {name, description}', value);
  }
  rejectUnknownKeys(at, value, PERSONA_KEYS, `${field}.`);
  const p: Persona = {
    name: asString(at, `${field}.name`, value.name),
    // The character's profile is what role-play is judged against, so it must be
    // there; a user may be just a name.
    description: nameOnlyAllowed
      ? value.description === undefined
        ? ''
        : asText(at, `${field}.description`, value.description)
      : asString(at, `${field}.description`, value.description),
  };
  if (value.fields !== undefined) p.fields = asObject(at, `${field}.fields`, value.fields);
  return p;
}

/** A persona the checks in persona() would pass: exactly a non-blank name and a description (non-blank unless a user's). */
function isPlainPersona(value: unknown, nameOnlyAllowed: boolean): value is { name: string; description: string } {
  if (!isObject(value)) return false;
  let keys = 0;
  for (const k in value) {
    if (k !== 'name' && k !== 'description') return false;
    keys++;
  }
  const d = value.description;
  return keys === 2 && isNonBlank(value.name) && (nameOnlyAllowed ? typeof d === 'string' : isNonBlank(d));
}

function video(at: Origin, value: unknown, root: string): VideoRef {
  if (typeof value === 'string') return clipRef(at, 'video', asString(at, 'video', value), root);
  if (!isObject(value)) fail(at, 'video', 'a clip path or URL string, or an object {path|frames|url, duration}', value);
  rejectUnknownKeys(at, value, VIDEO_KEYS, 'video.');
  const ref: VideoRef = {};
  if (value.path !== undefined) ref.path = asString(at, 'video.path', value.path);
  if (value.url !== undefined) ref.url = asString(at, 'video.url', value.url);
  if (value.frames !== undefined) {
    const frames = asArray(at, 'video.frames', value.frames);
    if (frames.length === 0) fail(at, 'video.frames', 'at least one frame path', frames);
    ref.frames = frames.map((f, i) => asString(at, `video.frames[${i}]`, f));
  }
  if (ref.path === undefined && ref.url === undefined && ref.frames === undefined) {
    fail(at, 'video', 'at least one of "path", "frames" or "url"', value);
  }
  const duration = optDuration(at, 'video.duration', value.duration);
  if (duration !== undefined) ref.duration = duration;
  return resolveVideo(at, 'video', ref, root);
}

function history(at: Origin, value: unknown): Turn[] {
  return asArray(at, 'history', value).map((t, i) => {
    // The usual turn is checked without building its field names (three strings
    // a turn, ~100k on a 32k split, before the first call); anything else goes
    // through the checks below, which name the field exactly as they always did.
    if (isPlainTurn(t)) return { speaker: t.speaker, text: t.text };
    const field = `history[${i}]`;
    const turn = asObject(at, field, t);
    rejectUnknownKeys(at, turn, TURN_KEYS, `${field}.`);
    return { speaker: asString(at, `${field}.speaker`, turn.speaker), text: asString(at, `${field}.text`, turn.text) };
  });
}

/** A turn the checks in history() would pass: an object of exactly a non-blank speaker and text. */
function isPlainTurn(t: unknown): t is Turn {
  if (!isObject(t)) return false;
  let keys = 0;
  for (const k in t) {
    if (k !== 'speaker' && k !== 'text') return false;
    keys++;
  }
  return keys === 2 && isNonBlank(t.speaker) && isNonBlank(t.text);
}

const isNonBlank = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

function references(at: Origin, rec: Record<string, unknown>): string[] {
  if (rec.reference !== undefined && rec.references !== undefined) {
    fail(at, 'references', 'only one of "reference" and "references"', rec.references);
  }
  const field = rec.references !== undefined ? 'references' : 'reference';
  const value = rec[field];
  if (typeof value === 'string') return [asString(at, field, value)];
  const list = Array.isArray(value) ? value : fail(at, field, 'a non-empty string or an array of them', value);
  if (list.length === 0) fail(at, field, 'at least one reference', value);
  return list.map((r, i) => asString(at, `${field}[${i}]`, r));
}

export const nativeReader: FormatReader = {
  idField: 'id',
  records: (file) => readJsonLines(file),
  recordBatches: (file) => readJsonLineBatches(file),
  mapper: async (ctx: ReadContext) => (value, at) => nativeToSample(value, at, ctx.root),
};

/** Streams the samples of a native JSONL split; root defaults to the file's folder. */
export function readNative(file: string, root = path.dirname(file)): AsyncGenerator<Sample> {
  return readWith(nativeReader, { file, root: path.resolve(root), warnings: [] });
}
