// The key never appears in a recorded message or reply, neither as written
// nor base64-encoded (as a Basic auth header or a debug dump would show it).
import { describe, expect, it } from 'vitest';
import { redact } from '../../src/provider/errors.js';

// A made-up key, assembled so no key-shaped literal sits in the repository.
const KEY = ['sk', 'test', '0123456789abcdef?~>'].join('-');

describe('redact', () => {
  it('removes the key as written', () => {
    expect(redact(`bad key ${KEY} given`, KEY)).toBe('bad key [REDACTED] given');
  });

  it('removes its base64, unpadded base64 and base64url forms', () => {
    const b64 = Buffer.from(KEY).toString('base64');
    const url = Buffer.from(KEY).toString('base64url');
    expect(b64).not.toBe(url);
    const text = `auth: Bearer ${b64}; echo ${b64.replace(/=+$/, '')}; url ${url}`;
    const out = redact(text, KEY);
    expect(out).toBe('auth: Bearer [REDACTED]; echo [REDACTED]; url [REDACTED]');
  });

  it('leaves text without the key alone', () => {
    expect(redact('nothing secret here', KEY)).toBe('nothing secret here');
  });
});
