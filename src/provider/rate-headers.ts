// Reading the rate-limit headers OpenAI-compatible servers send with every
// reply (x-ratelimit-{limit,remaining,reset}-{requests,tokens}). Pure, so the
// pacer's arithmetic can be checked without a server.
import type { HeaderSource } from './retry.js';

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };

/**
 * A reset duration in ms. OpenAI writes Go-style durations ("1s", "6m0s",
 * "20ms", "1m30.5s"); a bare number is taken as seconds. Null when absent or
 * not a duration.
 *
 * @example parseResetMs("6m0s") // 360000
 * @example parseResetMs("20ms") // 20
 * @example parseResetMs("1.5")  // 1500
 */
export function parseResetMs(text: string | null | undefined): number | null {
  if (text == null) return null;
  const s = text.trim();
  if (s === '') return null;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    matched = re.lastIndex;
  }
  return matched === s.length ? total : null;
}

/** One budget (requests or tokens) as the server last described it. */
export interface BudgetReading {
  limit: number;
  remaining: number;
  /** Time until the budget is whole again, ms; null when not sent. */
  resetMs: number | null;
}

function count(v: string | null | undefined): number | null {
  if (v == null || v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

function reading(h: HeaderSource, kind: 'requests' | 'tokens'): BudgetReading | null {
  const limit = count(h.get(`x-ratelimit-limit-${kind}`));
  const remaining = count(h.get(`x-ratelimit-remaining-${kind}`));
  if (limit === null || remaining === null || limit <= 0) return null;
  return { limit, remaining: Math.min(remaining, limit), resetMs: parseResetMs(h.get(`x-ratelimit-reset-${kind}`)) };
}

/** Both budgets of a reply; a budget the server did not describe is null. */
export function readRateLimits(h: HeaderSource | null | undefined): { requests: BudgetReading | null; tokens: BudgetReading | null } {
  if (!h || typeof h.get !== 'function') return { requests: null, tokens: null };
  return { requests: reading(h, 'requests'), tokens: reading(h, 'tokens') };
}

/**
 * How long the server takes to refill a whole budget, from one reading: a
 * budget refilled at a steady rate with `limit − remaining` spent is whole
 * again after `reset`, so the full window is reset × limit ÷ spent. Null when
 * too little is spent for the rounding of the headers to be negligible.
 *
 * @example windowOf({ limit: 100, remaining: 60, resetMs: 400 }) // 1000
 * @example windowOf({ limit: 100, remaining: 100, resetMs: 0 })  // null
 */
export function windowOf(r: BudgetReading): number | null {
  const spent = r.limit - r.remaining;
  if (r.resetMs === null || r.resetMs <= 0 || spent < Math.max(1, 0.05 * r.limit)) return null;
  return (r.resetMs * r.limit) / spent;
}

/**
 * Tokens a request will be charged before it is answered, the way OpenAI
 * counts them: the prompt (≈ 4 characters a token for text; images and clips
 * are not counted here) plus the completion allowance.
 */
export function promptChars(messages: ReadonlyArray<{ content: unknown }>): number {
  let chars = 0;
  for (const m of messages) {
    const c = m.content;
    if (typeof c === 'string') chars += c.length;
    else if (Array.isArray(c)) for (const p of c) if (p && typeof p.text === 'string') chars += p.text.length;
  }
  return chars;
}
