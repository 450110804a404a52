// Dataset problems are reported as "file:line: field "x": expected y, got z" so a
// user can jump straight to the offending record in an editor; every check in
// the loaders produces this one error type.

import { InputError } from '../core/errors.js';

export interface DatasetErrorInfo {
  /** The file as the user named it (relative paths stay relative, for readable messages). */
  file: string;
  /** 1-based line where the offending record (or token) starts. */
  line: number;
  /** Dotted path of the field, e.g. "character.name" or "history[2].text"; null for syntax errors. */
  field?: string | null;
  /** What should have been there, phrased to follow "expected". */
  expected: string;
  /** Short description of what was found. */
  got?: string;
}

export class DatasetError extends InputError {
  readonly file: string;
  readonly line: number;
  readonly field: string | null;
  readonly expected: string;
  readonly got: string | null;

  constructor(info: DatasetErrorInfo) {
    super(formatMessage(info));
    this.name = 'DatasetError';
    this.file = info.file;
    this.line = info.line;
    this.field = info.field ?? null;
    this.expected = info.expected;
    this.got = info.got ?? null;
  }
}

function formatMessage(info: DatasetErrorInfo): string {
  // Line 0: a problem of the file as a whole (missing, unreadable), not of a record.
  const where = info.line > 0 ? `${info.file}:${info.line}: ` : `${info.file}: `;
  const field = info.field ? `field "${info.field}": ` : '';
  const got = info.got === undefined ? '' : `, got ${info.got}`;
  return `${where}${field}expected ${info.expected}${got}`;
}

/** A compact, human-readable description of a JSON value for "got …" clauses. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** A problem that does not stop loading (e.g. a character without a profile). */
export interface DatasetWarning {
  file: string;
  line: number;
  sampleId?: string;
  message: string;
}
