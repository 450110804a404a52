// Prompt-cache-friendly requests: providers reuse a cached prompt prefix only
// when a request starts with the same bytes. For every shipped rubric, the
// request bodies of two different samples must agree on everything up to and
// including the instructions and rubric text; the two orders of one pairwise
// comparison must agree on everything before the first answer. Measured on
// the messages as sent (JSON of firstMessages), not on the template.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstMessages } from '../../../src/judge/ask.js';
import { listwisePrompt, pairwisePrompt, pointwisePrompt, type JudgePrompt } from '../../../src/judge/rubrics/render.js';
import { loadListwiseRubric, loadRubric, loadRubrics } from '../../../src/judge/rubrics/rubric.js';
import type { ContentPart } from '../../../src/provider/types.js';
import { RUBRICS_DIR, sample } from '../fixtures.js';

const rubrics = loadRubrics(RUBRICS_DIR);
const LISTWISE = [
  'ebm-listwise',
  'ebm-multi',
  'ebm-rl-cn-list',
  'ebm-rl-spc-list',
  'ebm-rl-veg-list',
  ...['character-fidelity', 'human-likeness', 'instruction-adherence', 'response-accuracy', 'utterance-fluency', 'video-text-relevance'].map(
    (m) => `six-${m}-list`,
  ),
];

// Two samples that share nothing but the rubric: other people, history, scene, references.
const one = sample();
const two = sample({
  id: 's2',
  character: { name: 'Marlow', description: 'A weary river captain.', fields: { age: 51, catchphrase: ['Steady as she goes'] } },
  user: { name: 'Kurtz', description: 'A trader gone strange.' },
  history: [
    { speaker: 'Kurtz', text: 'The horror.' },
    { speaker: 'Marlow', text: 'Keep your voice down.' },
  ],
  references: ['We leave at dawn.'],
  caption: 'A steamboat on a brown river under a white sky.',
  source: 'Heart of Darkness',
});
const frames = (tag: string): ContentPart[] =>
  [0, 1, 2].map((i) => ({ type: 'image_url', image_url: { url: `data:image/jpeg;base64,${tag}${i}`, detail: 'low' } }) as ContentPart);

const body = (p: JudgePrompt, scene: ContentPart[]) => JSON.stringify(firstMessages({ ...(p.shared ? { lead: p.shared } : {}), prompt: p.sample, scene }));

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Where `text` ends inside the JSON body (as JSON escapes it); -1 when absent. */
function endOf(bodyText: string, text: string): number {
  const escaped = JSON.stringify(text).slice(1, -1);
  const at = bodyText.indexOf(escaped);
  return at < 0 ? -1 : at + escaped.length;
}

describe('requests share their instructions and rubric as a prefix', () => {
  it.each(rubrics.map((r) => r.id))('%s: two samples, pointwise', (id) => {
    const r = rubrics.find((x) => x.id === id)!;
    const opts = { frameCount: 3 };
    const p1 = pointwisePrompt(r, one, 'An answer about spiders.', opts);
    const p2 = pointwisePrompt(r, two, 'Quite another answer.', opts);
    // The shared part is the rubric's: scale, criterion and reply format, and none of the sample.
    expect(p1.shared).toBe(p2.shared);
    expect(p1.shared.length).toBeGreaterThan(200);
    expect(p1.shared).toContain(String(r.scale.max));
    expect(p1.shared).toMatch(/Score/);
    for (const s of [one, two]) for (const t of [s.character.name, s.user.name, s.history[0]!.text]) expect(p1.shared).not.toContain(t);
    const b1 = body(p1, frames('x'));
    const b2 = body(p2, frames('y'));
    const shared = commonPrefix(b1, b2);
    // The measured prefix reaches past the whole instructions + rubric text of both requests.
    expect(endOf(b1, p1.shared)).toBeGreaterThan(0);
    expect(shared).toBeGreaterThanOrEqual(endOf(b1, p1.shared));
    expect(shared).toBeGreaterThanOrEqual(endOf(b2, p2.shared));
    // And the answer is the last thing in the prompt.
    expect(p1.sample.trimEnd().endsWith('An answer about spiders.')).toBe(true);
  });

  it.each(rubrics.filter((r) => r.pairwiseTemplate).map((r) => r.id))('%s: the two orders of one comparison', (id) => {
    const r = rubrics.find((x) => x.id === id)!;
    const [x, y] = ['FIRST answer, about spiders.', 'SECOND answer, about butterflies.'];
    const ab = pairwisePrompt(r, two, x, y, { frameCount: 3 });
    const ba = pairwisePrompt(r, two, y, x, { frameCount: 3 });
    const bAB = body(ab, frames('z'));
    const bBA = body(ba, frames('z'));
    const shared = commonPrefix(bAB, bBA);
    // Everything before the first answer is shared: instructions, rubric, frames, personas, history.
    const firstAnswer = Math.min(bAB.indexOf('FIRST answer'), bAB.indexOf('SECOND answer'));
    expect(shared).toBeGreaterThanOrEqual(firstAnswer - 1);
    const before = bAB.slice(0, shared);
    expect(before).toContain(JSON.stringify(ab.shared).slice(1, -1));
    expect(before).toContain('base64,z2');
    for (const t of [two.character.name, two.user.name, 'Keep your voice down.']) expect(before).toContain(t);
    // The rubric's criterion and reply format are in the shared part, and the second answer ends the prompt.
    expect(ab.shared.length).toBeGreaterThan(200);
    expect(ab.shared).toMatch(/\[\[A\]\]|"A"|Winner|verdict/i);
    expect(ab.sample.trimEnd().endsWith(y)).toBe(true);
    // And after the shared prefix come only the two answers (and their labels).
    const rest = bAB.slice(shared);
    expect(rest).toContain('FIRST answer');
    expect(rest).not.toContain('Keep your voice down.');
    expect(rest).not.toContain(two.character.description);
  });

  it.each(LISTWISE)('%s: two samples, listwise', (id) => {
    const r = loadListwiseRubric(RUBRICS_DIR, id);
    const cands = (a: string) => ['A', 'B', 'C'].map((label) => ({ label, answer: `${a} from ${label}` }));
    const p1 = listwisePrompt(r, one, cands('spiders'), { frameCount: 3 });
    const p2 = listwisePrompt(r, two, cands('river'), { frameCount: 3 });
    expect(p1.shared).toBe(p2.shared);
    expect(p1.shared.length).toBeGreaterThan(150);
    const b1 = body(p1, frames('x'));
    expect(commonPrefix(b1, body(p2, frames('y')))).toBeGreaterThanOrEqual(endOf(b1, p1.shared));
  });
});

describe('the @@scene@@ line is checked when a rubric loads', () => {
  const META = `id: r
name: R
abbr: R
protocol: ebm-rl
version: "1"
scale: { min: 1, max: 10 }
scene: { frames: 0 }
inputs: [character]
`;
  const load = (template: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'rubric-marker-'));
    writeFileSync(join(dir, 'r.yaml'), META);
    writeFileSync(join(dir, 'r.hbs'), template);
    return () => loadRubric(dir, 'r');
  };

  it('refuses per-sample text above the marker, naming file and line', () => {
    expect(load('Rate {{character.name}}.\n@@scene@@\n{{answer}}\n')).toThrow(
      /r\.hbs.*line 2: the text above "@@scene@@" is sent first.*reads \{\{character\}\}/,
    );
  });

  it('refuses a second marker and a marker inside a block', () => {
    expect(load('Rate.\n@@scene@@\n{{character.name}}\n@@scene@@\n{{answer}}\n')).toThrow(/line 4: "@@scene@@" appears again \(first on line 2\)/);
    expect(load('{{#if json}}\n@@scene@@\n{{/if}}\n{{character.name}} {{answer}}\n')).toThrow(/line 2: "@@scene@@" sits inside/);
  });

  it('accepts a template without the marker (all of it is the sample part)', () => {
    const r = load('Rate {{character.name}}: {{answer}}\n')();
    expect(pointwisePrompt(r, one, 'x')).toEqual({ shared: '', sample: 'Rate Hermione: x\n', text: 'Rate Hermione: x\n' });
  });
});
