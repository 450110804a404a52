// splitPrompt finds the scene marker by substring search; it must split
// exactly as splitting into lines did (the reference below is that code).
import { describe, expect, it } from 'vitest';
import { SCENE_MARKER, splitPrompt } from '../../../src/judge/rubrics/render.js';

function byLines(rendered: string, file: string) {
  const lines = rendered.split('\n');
  const at = lines.findIndex((l) => l.trim() === SCENE_MARKER);
  if (at < 0) return { shared: '', sample: rendered, text: rendered };
  if (lines.slice(at + 1).some((l) => l.trim() === SCENE_MARKER)) throw new Error(`${file}: "${SCENE_MARKER}" may appear once`);
  const shared = lines.slice(0, at).join('\n').trimEnd();
  const sample = lines
    .slice(at + 1)
    .join('\n')
    .replace(/^\n+/, '');
  return { shared, sample, text: shared ? `${shared}\n\n${sample}` : sample };
}

const outcome = (f: () => unknown) => {
  try {
    return { ok: f() };
  } catch (e) {
    return { err: (e as Error).message };
  }
};

const pieces = [
  '',
  '\n',
  '\n\n',
  ' ',
  '\t',
  '\r',
  'text',
  'é 😀',
  SCENE_MARKER,
  ` ${SCENE_MARKER} `,
  `x${SCENE_MARKER}`,
  `${SCENE_MARKER}y`,
  '@@scene@',
  '\u2028',
];

describe('splitPrompt', () => {
  it('splits like the line-by-line version on every mix of markers, blanks and text', () => {
    // Deterministic: a small LCG picks pieces.
    let seed = 12345;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let n = 0; n < 5000; n++) {
      const len = next() % 9;
      let s = '';
      for (let i = 0; i < len; i++) s += pieces[next() % pieces.length];
      expect(
        outcome(() => splitPrompt(s, 'f.md')),
        JSON.stringify(s),
      ).toEqual(outcome(() => byLines(s, 'f.md')));
    }
  });

  it('keeps the cases that matter', () => {
    expect(splitPrompt(`Lead\n\n${SCENE_MARKER}\n\nSample`, 'f')).toEqual({ shared: 'Lead', sample: 'Sample', text: 'Lead\n\nSample' });
    expect(splitPrompt('No marker', 'f')).toEqual({ shared: '', sample: 'No marker', text: 'No marker' });
    expect(() => splitPrompt(`a\n${SCENE_MARKER}\nb\n  ${SCENE_MARKER}\n`, 'f.md')).toThrow('f.md: "@@scene@@" may appear once');
  });
});
