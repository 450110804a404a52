// canonicalSha256 must hash exactly the bytes of canonicalJson: cache keys
// made before and after the streaming hash must agree.
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalSha256, sha256 } from '../../src/provider/hash.js';

const long = (s: string, n: number) => s.repeat(Math.ceil(n / s.length)).slice(0, n);

describe('canonicalSha256', () => {
  it.each([
    ['primitives', [null, true, 0, -1.5, 'x', '']],
    ['nested objects with unsorted keys, undefined and functions', { b: 1, a: { d: [1, { z: 1, y: undefined }], c: null, f: () => 1 } }],
    ['undefined and functions inside arrays', [undefined, () => 1, 'a']],
    ['a long two-byte prompt with escapes', { messages: [{ role: 'user', content: long('Score 1–2: “fine”\n\t\\ é 😀 ', 5000) }] }],
    ['many short and long strings mixed', Array.from({ length: 50 }, (_, i) => ({ [`k${i}`]: long(`v${i}"`, i * 37) }))],
    ['a lone surrogate', { s: 'a\ud800b' }],
  ])('agrees with sha256(canonicalJson(…)) for %s', (_name, value) => {
    expect(canonicalSha256(value)).toBe(sha256(canonicalJson(value)));
  });

  it('differs when one character of a long string differs', () => {
    const a = long('abc', 3000);
    expect(canonicalSha256({ p: a })).not.toBe(canonicalSha256({ p: `${a.slice(0, -1)}d` }));
  });

  // The escape of the latest long string is reused (judge/ask.ts hashes a
  // prompt for its call id, then again for the request hash): a reused escape
  // must never stand in for another string, even one of the same length.
  it('never reuses the escape of a previous long string for a different one', () => {
    const a = long('Score 1–2: "ok"\n', 4000);
    const b = `${a.slice(0, 2000)}X${a.slice(2001)}`;
    for (const s of [a, b, a, a, b, `${a}`]) {
      const value = { messages: [{ role: 'user', content: s }] };
      expect(canonicalSha256(value)).toBe(sha256(canonicalJson(value)));
    }
  });
});
