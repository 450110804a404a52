// Content addressing: one sha256 and one canonical JSON for the whole code base,
// so a config hash, a template hash and a cache key are computed the same way.
import { createHash, hash, type Hash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth; undefined fields and functions
 * dropped (as JSON.stringify drops them), undefined array slots written as null.
 * @example canonicalJson({ b: 1, a: [1, undefined, 2] }) // '{"a":[1,null,2],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value);
    return s === undefined ? 'null' : s;
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined || typeof v === 'function' ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of Object.keys(obj).sort()) {
    const v = obj[k];
    if (v === undefined || typeof v === 'function') continue;
    parts.push(`${JSON.stringify(k)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * Hex sha256 of a string (UTF-8) or bytes, in one shot (no Hash object per call).
 * @example sha256('abc').slice(0, 8) // 'ba7816bf'
 */
export function sha256(data: string | Buffer): string {
  return hash('sha256', data, 'hex');
}

// Hash states after `prefix + sep`, by prefix: a judge prompt is a rubric's
// shared lead (the same few KB for every sample) joined to the sample's part,
// and hashing the lead again for every call was a visible share of a call's
// CPU. Bounded: a run has a handful of leads; past 32 the map starts over.
const midstates = new Map<string, { sep: string; state: Hash }>();

/**
 * sha256(prefix + sep + rest), hex, with the state after `prefix + sep` kept
 * for the next call with the same prefix. Same digest as sha256 of the joined
 * string (UTF-8 of a join is the join of the UTF-8s: `sep` must not begin
 * with a lone low surrogate, nor `prefix` end with a lone high one, or the
 * join would pair them — such inputs are hashed whole).
 */
export function sha256Joined(prefix: string, sep: string, rest: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  const next = (sep || rest).charCodeAt(0);
  if (prefix.length < 256 || (last >= 0xd800 && last <= 0xdbff) || (next >= 0xdc00 && next <= 0xdfff)) return sha256(prefix + sep + rest);
  let m = midstates.get(prefix);
  if (!m || m.sep !== sep) {
    if (midstates.size >= 32) midstates.clear();
    m = { sep, state: createHash('sha256').update(prefix).update(sep) };
    midstates.set(prefix, m);
  }
  return m.state.copy().update(rest).digest('hex');
}
