// sha256Joined keeps the hash state of a shared prefix: its digests must be
// sha256 of the joined string, byte for byte, whatever the text and however
// often the prefix is reused.
import { describe, expect, it } from 'vitest';
import { sha256, sha256Joined } from '../../src/core/hash.js';
import { promptSha256, splitPrompt } from '../../src/judge/rubrics/render.js';

const lead = 'You are a strict judge. Score 1–5 “carefully”. é 😀\n'.repeat(40);

describe('sha256Joined', () => {
  it('equals sha256 of the joined text, on first use and on reuse of the prefix', () => {
    for (const rest of ['sample one', 'sample two — ü 😀', '', 'sample one']) {
      expect(sha256Joined(lead, '\n\n', rest)).toBe(sha256(`${lead}\n\n${rest}`));
    }
  });

  it('keeps prefixes apart, and separators too', () => {
    const other = `${lead}x`;
    expect(sha256Joined(other, '\n\n', 'r')).toBe(sha256(`${other}\n\nr`));
    expect(sha256Joined(lead, '\n\n', 'r')).toBe(sha256(`${lead}\n\nr`));
    expect(sha256Joined(lead, ' ', 'r')).toBe(sha256(`${lead} r`));
    expect(sha256Joined(lead, '\n\n', 'r')).toBe(sha256(`${lead}\n\nr`));
  });

  it('hashes a surrogate pair split across the join as the pair it forms', () => {
    const high = `${lead}\ud83d`;
    expect(sha256Joined(high, '', '\ude00 tail')).toBe(sha256(`${high}\ude00 tail`));
    expect(sha256Joined(high, '', '\ude00 tail')).toBe(sha256(`${lead}😀 tail`));
  });

  it('is what a rendered prompt is hashed with (the judgment template hash)', () => {
    const withLead = splitPrompt(`${lead}\n@@scene@@\nThe answer: é`, 't.md');
    expect(withLead.shared).not.toBe('');
    expect(promptSha256(withLead)).toBe(sha256(withLead.text));
    const noLead = splitPrompt('Only a sample part', 't.md');
    expect(promptSha256(noLead)).toBe(sha256('Only a sample part'));
  });
});
