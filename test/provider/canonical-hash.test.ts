// canonicalSha256 must hash exactly the bytes of canonicalJson: cache keys
// made before and after the streaming hash must agree.
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalSha256, noteHashPrefix, sha256 } from '../../src/provider/hash.js';

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

// A noted prefix lets the hash resume from a kept state; the digest must be
// exactly sha256(canonicalJson(…)) whatever comes before, after or around it.
describe('canonicalSha256 with noted prefixes', () => {
  const lead = long('Judge this “reply” 1–5:\n\t\\ "quoted" é 😀 ', 3000);
  const other = long('Another rubric lead é\n', 2000);
  noteHashPrefix(lead);
  noteHashPrefix(other);
  const prompts = [`${lead}\n\nsample one é`, `${lead}\n\n${long('sample two 😀 "x"\n', 3000)}`, lead, `${other}\n\nz`, `${lead}`.slice(0, 2999)];
  it.each([
    [
      'request-like objects',
      (p: string) => ({ v: 1, baseUrl: 'http://x/v1', key: 'score:abc:r0:attempt0', messages: [{ role: 'user', content: p }], params: { max_tokens: 8 } }),
    ],
    ['call-id-like objects', (p: string) => ({ model: 'm', key: 'score:abc:r1', messages: [{ role: 'user', content: p }] })],
    [
      'the prompt as a text part beside images',
      (p: string) => ({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: p },
              { type: 'image_url', image_url: { url: 'data:x' } },
            ],
          },
        ],
      }),
    ],
    ['a long string hashed before the prompt', (p: string) => ({ a: long('before ', 2000), b: p })],
    ['long JSON before the prompt', (p: string) => ({ a: Array.from({ length: 300 }, (_, i) => i), b: p })],
    ['the prompt twice', (p: string) => [p, p]],
  ])('agrees with sha256(canonicalJson(…)) for %s', (_name, make) => {
    for (const p of prompts) {
      const value = make(p);
      expect(canonicalSha256(value)).toBe(sha256(canonicalJson(value)));
      // Again: now from the kept state.
      expect(canonicalSha256(value)).toBe(sha256(canonicalJson(value)));
    }
  });

  it('cuts no surrogate pair in two', () => {
    const high = `${long('lead ', 1500)}\ud83d`;
    noteHashPrefix(high);
    const value = { content: `${high}\ude00 rest` };
    expect(canonicalSha256(value)).toBe(sha256(canonicalJson(value)));
    const lone = { content: `${high}x rest` };
    expect(canonicalSha256(lone)).toBe(sha256(canonicalJson(lone)));
    const low = long('lead ', 1500);
    noteHashPrefix(low);
    const split = { content: `${low}\ude00 rest` };
    expect(canonicalSha256(split)).toBe(sha256(canonicalJson(split)));
  });

  it('tells two prompts with the same lead apart', () => {
    expect(canonicalSha256({ c: `${lead}\n\na` })).not.toBe(canonicalSha256({ c: `${lead}\n\nb` }));
  });
});
