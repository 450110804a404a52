import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryDelay, seededRandom } from '../../src/provider/retry.js';

const headers = (h: Record<string, string>) => new Headers(h);

describe('parseRetryAfter', () => {
  it('reads retry-after-ms before Retry-After', () => {
    expect(parseRetryAfter(headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
  });
  it('reads Retry-After seconds, fractional too', () => {
    expect(parseRetryAfter(headers({ 'retry-after': '2' }))).toBe(2000);
    expect(parseRetryAfter(headers({ 'retry-after': '0.5' }))).toBe(500);
  });
  it('reads Retry-After as an HTTP date relative to now', () => {
    const now = Date.parse('Tue, 01 Jul 2025 10:00:00 GMT');
    expect(parseRetryAfter(headers({ 'retry-after': 'Tue, 01 Jul 2025 10:00:07 GMT' }), now)).toBe(7000);
    expect(parseRetryAfter(headers({ 'retry-after': 'Tue, 01 Jul 2025 09:00:00 GMT' }), now)).toBe(0);
  });
  it('returns null when absent or unparseable', () => {
    expect(parseRetryAfter(headers({}))).toBeNull();
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }))).toBeNull();
    expect(parseRetryAfter(undefined)).toBeNull();
  });
});

describe('retryDelay', () => {
  const cfg = { baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000, jitter: false };

  it('doubles per retry up to the cap without jitter', () => {
    expect([0, 1, 2, 3, 4, 5].map((r) => retryDelay(r, cfg, Math.random))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
  it('draws full jitter within [0, ceiling)', () => {
    const rand = seededRandom(7);
    for (let r = 0; r < 8; r++) {
      const d = retryDelay(r, { ...cfg, jitter: true }, rand);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(Math.min(1000, 100 * 2 ** r));
    }
  });
  it('uses a server hint as a floor, capped by maxRetryAfterMs', () => {
    expect(retryDelay(0, cfg, Math.random, 3000)).toBe(3000);
    expect(retryDelay(0, cfg, Math.random, 60_000)).toBe(5000);
    const d = retryDelay(0, { ...cfg, jitter: true }, () => 0.5, 300);
    expect(d).toBe(350);
  });
  it('gives a reproducible sequence for a seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(new Set(xs).size).toBe(5);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
