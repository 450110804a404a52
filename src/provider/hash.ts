// Content addressing of requests: the same question gives the same hash on
// any machine, so a hash is both cache key and provenance.
import { createHash } from 'node:crypto';
import { normalizeBaseUrl } from './endpoint.js';
import { responseFormatOf, staticParams } from './params.js';
import type { ChatRequest } from './types.js';

/** JSON with object keys sorted at every depth; undefined fields dropped. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value);
    return s === undefined ? 'null' : s;
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of Object.keys(obj).sort()) {
    const v = obj[k];
    if (v === undefined || typeof v === 'function') continue;
    parts.push(`${JSON.stringify(k)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(',')}}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Hash of what a request asks (not of who answers it or with which key). */
export function requestHash(req: ChatRequest): string {
  return sha256(
    canonicalJson({
      v: 1,
      baseUrl: normalizeBaseUrl(req.endpoint.baseUrl),
      model: req.endpoint.model,
      messages: req.messages,
      params: staticParams(req.endpoint, req.params),
      response_format: responseFormatOf(req) ?? null,
      key: req.key,
    }),
  );
}
