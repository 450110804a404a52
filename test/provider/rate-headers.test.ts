import { describe, expect, it } from 'vitest';
import { parseResetMs, promptChars, readRateLimits, windowOf } from '../../src/provider/rate-headers.js';

const headers = (o: Record<string, string>) => ({ get: (n: string) => o[n.toLowerCase()] ?? null });

describe('parseResetMs', () => {
  it('reads the duration formats OpenAI sends', () => {
    expect(parseResetMs('1s')).toBe(1000);
    expect(parseResetMs('6m0s')).toBe(360_000);
    expect(parseResetMs('20ms')).toBe(20);
    expect(parseResetMs('1m30.5s')).toBe(90_500);
    expect(parseResetMs('1h')).toBe(3_600_000);
    expect(parseResetMs('0.25')).toBe(250);
  });
  it('refuses what is not a duration', () => {
    for (const bad of ['', ' ', 'soon', '5 s', '1s2', '-1s', null, undefined]) expect(parseResetMs(bad)).toBeNull();
  });
});

describe('readRateLimits', () => {
  it('reads both budgets', () => {
    const r = readRateLimits(
      headers({
        'x-ratelimit-limit-requests': '500',
        'x-ratelimit-remaining-requests': '499',
        'x-ratelimit-reset-requests': '120ms',
        'x-ratelimit-limit-tokens': '30000',
        'x-ratelimit-remaining-tokens': '29000',
        'x-ratelimit-reset-tokens': '2s',
      }),
    );
    expect(r.requests).toEqual({ limit: 500, remaining: 499, resetMs: 120 });
    expect(r.tokens).toEqual({ limit: 30000, remaining: 29000, resetMs: 2000 });
  });
  it('gives null for a budget that is absent or unreadable', () => {
    const r = readRateLimits(headers({ 'x-ratelimit-limit-requests': 'many', 'x-ratelimit-remaining-requests': '3', 'x-ratelimit-limit-tokens': '100' }));
    expect(r).toEqual({ requests: null, tokens: null });
    expect(readRateLimits(null)).toEqual({ requests: null, tokens: null });
  });
});

describe('windowOf', () => {
  it('is reset × limit ÷ spent', () => {
    expect(windowOf({ limit: 100, remaining: 60, resetMs: 400 })).toBe(1000);
    expect(windowOf({ limit: 500, remaining: 250, resetMs: 30_000 })).toBe(60_000);
  });
  it('is null when too little is spent to tell, or no reset was sent', () => {
    expect(windowOf({ limit: 100, remaining: 100, resetMs: 0 })).toBeNull();
    expect(windowOf({ limit: 100, remaining: 99, resetMs: 10 })).toBeNull();
    expect(windowOf({ limit: 100, remaining: 50, resetMs: null })).toBeNull();
  });
});

describe('promptChars', () => {
  it('counts text content of strings and parts', () => {
    expect(
      promptChars([
        { content: 'abcd' },
        {
          content: [
            { type: 'text', text: 'xy' },
            { type: 'image_url', image_url: { url: 'data:' } },
          ],
        },
      ]),
    ).toBe(6);
  });
});
