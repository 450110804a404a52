// Content addressing: one sha256 and one canonical JSON for the whole code base,
// so a config hash, a template hash and a cache key are computed the same way.
import { hash } from 'node:crypto';

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
