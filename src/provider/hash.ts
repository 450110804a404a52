// Content addressing of requests: the same question gives the same hash on
// any machine, so a hash is both cache key and provenance.
import { createHash, type Hash } from 'node:crypto';
import { normalizeBaseUrl } from './endpoint.js';
import { responseFormatOf, staticParams } from './params.js';
import type { ChatRequest } from './types.js';

// One canonical JSON and sha256 for the whole code base (src/core/hash.ts).
export { canonicalJson, sha256 } from '../core/hash.js';

// The last long string escaped, and its JSON: a judge call hashes the same
// prompt twice in one synchronous stretch (its call id in judge/ask.ts, then
// the request hash), so the second escape — a copy of the whole prompt — is
// saved. One entry: no memory held beyond the latest prompt.
let lastRaw = '';
let lastJson = '""';
function quoted(s: string): string {
  if (s.length < 1024) return JSON.stringify(s);
  if (s !== lastRaw) {
    lastJson = JSON.stringify(s);
    lastRaw = s;
  }
  return lastJson;
}

/**
 * Feeds exactly the bytes of canonicalJson(value) into a hash without
 * building that string: a prompt (or a frame's data URL) is otherwise copied
 * through every enclosing join, which made the request hash the largest
 * allocation of a judge call. Small pieces are batched into one update.
 */
class CanonicalFeed {
  private pending = '';

  constructor(private readonly h: Hash) {}

  value(v: unknown): void {
    if (typeof v === 'string') this.put(quoted(v));
    else if (v === null || typeof v !== 'object') {
      const s = JSON.stringify(v);
      this.put(s === undefined ? 'null' : s);
    } else if (Array.isArray(v)) {
      this.put('[');
      for (let i = 0; i < v.length; i++) {
        if (i > 0) this.put(',');
        if (v[i] === undefined) this.put('null');
        else this.value(v[i]);
      }
      this.put(']');
    } else {
      const obj = v as Record<string, unknown>;
      let first = true;
      this.put('{');
      for (const k of Object.keys(obj).sort()) {
        const x = obj[k];
        if (x === undefined || typeof x === 'function') continue;
        this.put(first ? `${JSON.stringify(k)}:` : `,${JSON.stringify(k)}:`);
        first = false;
        this.value(x);
      }
      this.put('}');
    }
  }

  private put(s: string): void {
    if (s.length < 256) {
      this.pending += s;
      return;
    }
    if (this.pending) this.h.update(this.pending);
    this.pending = '';
    this.h.update(s);
  }

  digest(): string {
    if (this.pending) this.h.update(this.pending);
    this.pending = '';
    return this.h.digest('hex');
  }
}

/** sha256 of canonicalJson(value), without materialising it. */
export function canonicalSha256(value: unknown): string {
  const feed = new CanonicalFeed(createHash('sha256'));
  feed.value(value);
  return feed.digest();
}

/** Hash of what a request asks (not of who answers it or with which key). */
export function requestHash(req: ChatRequest): string {
  return canonicalSha256({
    v: 1,
    baseUrl: normalizeBaseUrl(req.endpoint.baseUrl),
    model: req.endpoint.model,
    messages: req.messages,
    params: staticParams(req.endpoint, req.params),
    response_format: responseFormatOf(req) ?? null,
    key: req.key,
  });
}
