// Backoff arithmetic, kept pure so it can be tested without a server.

export interface HeaderSource {
  get(name: string): string | null | undefined;
}

/**
 * Server-requested wait in ms from `retry-after-ms` (non-standard, used by
 * OpenAI/Azure) or `Retry-After` (seconds or an HTTP date). Null when absent
 * or unparseable.
 */
export function parseRetryAfter(headers: HeaderSource | undefined | null, now = Date.now()): number | null {
  if (!headers || typeof headers.get !== 'function') return null;
  const ms = headers.get('retry-after-ms');
  if (ms != null && ms.trim() !== '') {
    const v = Number(ms);
    if (Number.isFinite(v) && v >= 0) return v;
  }
  const ra = headers.get('retry-after');
  if (ra == null || ra.trim() === '') return null;
  if (/^\s*\d+(\.\d+)?\s*$/.test(ra)) return Number(ra) * 1000;
  const at = Date.parse(ra);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

export interface BackoffConfig {
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
  jitter: boolean;
}

/**
 * Delay before retry number `retry` (0-based). Full jitter spreads a burst of
 * 429s over the whole window instead of re-synchronising them. A server hint
 * is honoured as a floor, plus a little jitter for the same reason.
 */
export function retryDelay(retry: number, cfg: BackoffConfig, rand: () => number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) {
    const hint = Math.min(retryAfterMs, cfg.maxRetryAfterMs);
    return hint + (cfg.jitter ? rand() * Math.min(cfg.baseDelayMs, 1000) : 0);
  }
  const ceiling = Math.min(cfg.maxDelayMs, cfg.baseDelayMs * 2 ** retry);
  return cfg.jitter ? rand() * ceiling : ceiling;
}

/** Small seeded PRNG (mulberry32): jitter reproducible when a seed is given. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
