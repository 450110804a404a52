// Typed accessors for untrusted JSON records. Each one either returns the value
// with its TypeScript type or throws a DatasetError naming file, line and the
// dotted field path, so format readers stay a flat list of field mappings.

import type { Origin } from '../core/records.js';
import { DatasetError, describeValue } from './errors.js';

export type Json = Record<string, unknown>;

export function fail(at: Origin, field: string | null, expected: string, value: unknown): never {
  throw new DatasetError({ file: at.file, line: at.line, field, expected, got: describeValue(value) });
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The record itself must be an object. */
export function asRecord(at: Origin, value: unknown): Json {
  if (!isObject(value)) fail(at, null, 'a JSON object (one record)', value);
  return value;
}

export function asObject(at: Origin, field: string, value: unknown): Json {
  if (!isObject(value)) fail(at, field, 'an object', value);
  return value;
}

export function asString(at: Origin, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') fail(at, field, 'a non-empty string', value);
  return value;
}

/** Strings that may legitimately be empty (e.g. a persona description). */
export function asText(at: Origin, field: string, value: unknown): string {
  if (typeof value !== 'string') fail(at, field, 'a string', value);
  return value;
}

export function optString(at: Origin, field: string, value: unknown): string | undefined {
  return value === undefined ? undefined : asString(at, field, value);
}

export function asArray(at: Origin, field: string, value: unknown): unknown[] {
  if (!Array.isArray(value)) fail(at, field, 'an array', value);
  return value;
}

/** Ids are strings everywhere in rolejudge; integer ids (EBM-RL problem_id) are converted. */
export function asId(at: Origin, field: string, value: unknown, allowInteger: boolean): string {
  if (allowInteger && typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value;
  return fail(at, field, allowInteger ? 'a non-empty string or an integer' : 'a non-empty string', value);
}

export function optDuration(at: Origin, field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    fail(at, field, 'a positive number of seconds', value);
  }
  return value;
}

/** Rejects keys outside `known`, so a misspelt field ("refrence") is not silently ignored. */
export function rejectUnknownKeys(at: Origin, rec: Json, known: readonly string[], prefix = ''): void {
  for (const key of Object.keys(rec)) {
    if (!known.includes(key)) {
      fail(at, `${prefix}${key}`, `no such field (known: ${known.join(', ')}; put extra data in "meta")`, rec[key]);
    }
  }
}

/** Splits a record into the keys a format interprets and the rest (kept as Sample.meta). */
export function leftover(rec: Json, known: readonly string[]): Json | undefined {
  const rest: Json = {};
  for (const [k, v] of Object.entries(rec)) if (!known.includes(k)) rest[k] = v;
  return Object.keys(rest).length > 0 ? rest : undefined;
}
