// Finding JSON objects inside free text. Judges wrap JSON in prose, code
// fences or both, and sometimes stop mid-object when they hit max tokens.

export interface FoundJson {
  value: Record<string, unknown>;
  start: number;
  end: number;
}

/**
 * Every balanced `{…}` span that parses as a JSON object, in text order.
 * When an outer span fails to parse, scanning resumes just inside it so a
 * valid inner object is still found.
 */
export function jsonObjects(text: string): FoundJson[] {
  const found: FoundJson[] = [];
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('{', i);
    if (start < 0) break;
    const end = balancedEnd(text, start);
    if (end < 0) break; // unclosed: nothing after it can close either
    const value = tryParse(text.slice(start, end + 1));
    if (value) {
      found.push({ value, start, end: end + 1 });
      i = end + 1;
    } else {
      i = start + 1;
    }
  }
  return found;
}

/** Index of the `}` closing the `{` at `start`, or -1 if the text ends first. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let j = start; j < text.length; j++) {
    const c = text[j];
    if (inString) {
      if (c === '\\') j++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return j;
    }
  }
  return -1;
}

function tryParse(span: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(span);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * True when the reply is a JSON object cut off before its end: it starts
 * (after an optional code fence) with `{` that is never closed.
 */
export function isTruncatedJson(text: string): boolean {
  const body = text.trimStart().replace(/^```(?:json)?\s*/i, '');
  return body.startsWith('{') && balancedEnd(body, 0) < 0;
}

/** Depth-first: the last object (outermost first) holding a key accepted by `match`. */
export function findKeyed(value: unknown, match: (key: string) => boolean): { obj: Record<string, unknown>; key: string } | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  for (let k = keys.length - 1; k >= 0; k--) {
    const key = keys[k]!;
    if (match(key)) return { obj, key };
  }
  for (let k = keys.length - 1; k >= 0; k--) {
    const inner = findKeyed(obj[keys[k]!], match);
    if (inner) return inner;
  }
  return null;
}

/** A number, or a string that is just a number (optionally "85/100"). */
export function toNumber(v: unknown): { value: number; outOf: number | null } | null {
  if (typeof v === 'number' && Number.isFinite(v)) return { value: v, outOf: null };
  if (typeof v === 'string') {
    const m = /^\s*(-?\d+(?:\.\d+)?)\s*(?:\/\s*(\d+))?\s*$/.exec(v);
    if (m) return { value: Number(m[1]), outOf: m[2] ? Number(m[2]) : null };
  }
  return null;
}
