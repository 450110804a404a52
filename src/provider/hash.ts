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

// Text many hashed strings begin with (a rubric's shared lead and the blank
// line after it, judge/ask.ts), most recent first. A judge prompt is that
// lead joined to the sample's part; its call id and its request hash both
// escaped and hashed the whole lead again for every sample.
const prefixes: string[] = [];
// By prefix, then by the canonical JSON before the string: the hash state
// after that JSON, the opening quote and the lead's escape.
const midstates = new Map<string, Map<string, Hash>>();

/**
 * Note text that long strings will often begin with; hashes of them are
 * unchanged, only cheaper. Keeps the latest 8.
 */
export function noteHashPrefix(prefix: string): void {
  if (prefix.length < 256 || prefixes[0] === prefix) return;
  const at = prefixes.indexOf(prefix);
  if (at >= 0) prefixes.splice(at, 1);
  else if (prefixes.length >= 8) midstates.delete(prefixes.pop()!);
  prefixes.unshift(prefix);
}

// A known prefix `s` starts with, where escaping s is escaping the prefix
// then the rest: no surrogate pair straddles the cut.
function prefixOf(s: string): string | null {
  for (const p of prefixes) {
    // Not startsWith: on a concatenated (cons) string it compares character by
    // character through the tree (~20 µs for a 2 KB lead); slice flattens once
    // and === compares memory.
    if (s.length < p.length || s.slice(0, p.length) !== p) continue;
    const last = p.charCodeAt(p.length - 1);
    const next = s.charCodeAt(p.length);
    if ((last >= 0xd800 && last <= 0xdbff) || (next >= 0xdc00 && next <= 0xdfff)) continue;
    return p;
  }
  return null;
}

/**
 * Feeds exactly the bytes of canonicalJson(value) into a hash without
 * building that string: a prompt (or a frame's data URL) is otherwise copied
 * through every enclosing join, which made the request hash the largest
 * allocation of a judge call. Small pieces are batched into one update. The
 * hash starts lazily: when the first long string begins with a noted prefix
 * and only short JSON came before it, the feed resumes from the kept state.
 */
class CanonicalFeed {
  private pending = '';
  private h: Hash | null = null;

  value(v: unknown): void {
    if (typeof v === 'string') this.string(v);
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

  private string(s: string): void {
    const p = this.h === null && s.length >= 1024 && this.pending.length < 2048 ? prefixOf(s) : null;
    if (p === null) {
      this.put(quoted(s));
      return;
    }
    let byBefore = midstates.get(p);
    if (!byBefore) midstates.set(p, (byBefore = new Map()));
    let state = byBefore.get(this.pending);
    if (!state) {
      // The prefix's escape without its closing quote: `"` + escaped text.
      state = createHash('sha256').update(this.pending).update(JSON.stringify(p).slice(0, -1));
      if (byBefore.size >= 64) byBefore.clear();
      byBefore.set(this.pending, state);
    }
    this.h = state.copy();
    this.pending = '';
    // The rest's escape without its opening quote.
    this.put(quoted(s.slice(p.length)).slice(1));
  }

  private put(s: string): void {
    if (s.length < 256) {
      this.pending += s;
      return;
    }
    this.h ??= createHash('sha256');
    if (this.pending) this.h.update(this.pending);
    this.pending = '';
    this.h.update(s);
  }

  digest(): string {
    this.h ??= createHash('sha256');
    if (this.pending) this.h.update(this.pending);
    this.pending = '';
    return this.h.digest('hex');
  }
}

/** sha256 of canonicalJson(value), without materialising it. */
export function canonicalSha256(value: unknown): string {
  const feed = new CanonicalFeed();
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
