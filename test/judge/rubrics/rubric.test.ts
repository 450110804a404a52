import { mkdtempSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { availableInputs, checkInputs, loadListwiseRubric, loadRubric, loadRubrics, requiredInputs } from '../../../src/judge/rubrics/rubric.js';
import { renderListwise, renderPairwise, renderPointwise } from '../../../src/judge/rubrics/render.js';
import { compiledCount, templateHash } from '../../../src/core/templates.js';
import { RUBRICS_DIR, sample } from '../fixtures.js';

const EBM = ['cn', 'spc', 'veg'];
const V2R = [
  'character-consistency',
  'human-likeness',
  'instruction-adherence',
  'knowledge-hallucination',
  'response-accuracy',
  'tone-consistency',
  'utterance-fluency',
  'video-text-relevance',
];

/** EBM-RL's judges as released (0-100) and its earlier six-metric evaluator. */
const RELEASED = ['ebm-rl-cn', 'ebm-rl-spc', 'ebm-rl-veg'];
const SIX = ['character-fidelity', 'human-likeness', 'instruction-adherence', 'response-accuracy', 'utterance-fluency', 'video-text-relevance'].map(
  (m) => `six-${m}`,
);

function tmpRubricDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rubric-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const META = (extra = '') => `id: r
name: R
abbr: R
protocol: ebm-rl
version: "1"
scale: { min: 1, max: 10 }
scene: { frames: 0 }
inputs: [character]
${extra}`;

describe('shipped rubrics', () => {
  const rubrics = loadRubrics(RUBRICS_DIR);

  it('loads every metric rubric, skipping the listwise one', () => {
    expect(rubrics.map((r) => r.id).sort()).toEqual([...EBM, ...V2R, ...RELEASED, ...SIX].sort());
  });

  it('uses the protocol scales and the five Video2Roleplay bands', () => {
    for (const r of rubrics) {
      if (EBM.includes(r.id)) expect(r.scale).toEqual({ min: 1, max: 10 });
      else if (SIX.includes(r.id)) expect(r.scale).toEqual({ min: 0, max: 100 });
      else {
        expect(r.scale).toEqual({ min: 0, max: 100 });
        expect(r.bands?.map((b) => [b.min, b.max])).toEqual([
          [0, 20],
          [21, 40],
          [41, 60],
          [61, 80],
          [81, 100],
        ]);
      }
    }
  });

  it.each([...EBM, ...V2R])('%s renders pointwise and pairwise with a tiny sample', (id) => {
    const r = rubrics.find((x) => x.id === id)!;
    const s = sample();
    const text = renderPointwise(r, s, "I'm here — <stay> close!", { frameCount: r.scene.frames });
    expect(text).toContain("I'm here — <stay> close!"); // not HTML-escaped
    expect(text).toContain('Hermione');
    expect(text).not.toMatch(/\{\{|\}\}/);
    expect(text).toContain(String(r.scale.max));
    const pair = renderPairwise(r, s, 'FIRST-ANSWER', 'SECOND-ANSWER');
    expect(pair.indexOf('FIRST-ANSWER')).toBeLessThan(pair.indexOf('SECOND-ANSWER'));
    expect(pair).toContain('Response A');
    expect(pair).toContain('[[C]]');
    expect(renderPairwise(r, s, 'x', 'y', { json: true })).toContain('"verdict"');
  });

  it('Video2Roleplay templates ask for step-by-step reasoning and a final JSON score', () => {
    for (const id of V2R) {
      const text = renderPointwise(rubrics.find((x) => x.id === id)!, sample(), 'ok');
      expect(text).toMatch(/step by step/);
      expect(text).toContain('"score"');
      expect(text).toContain('reference');
    }
    const kh = renderPointwise(rubrics.find((x) => x.id === 'knowledge-hallucination')!, sample(), 'ok');
    expect(kh).toMatch(/HIGHER means FEWER hallucinations/);
  });

  it('mentions frames only when frames are attached, and the caption only when present', () => {
    const veg = rubrics.find((x) => x.id === 'veg')!;
    const withFrames = renderPointwise(veg, sample(), 'a', { frameCount: 8 });
    expect(withFrames).toContain('8 frames');
    const bare = renderPointwise(veg, sample({ caption: undefined }), 'a');
    expect(bare).not.toContain('frames taken');
    expect(bare).not.toContain('Scene description');
  });

  it('EBM-RL scene settings match the protocol', () => {
    const byId = (id: string) => rubrics.find((x) => x.id === id)!;
    for (const id of ['veg', 'spc']) {
      expect(byId(id).scene).toEqual({ frames: 8, longSide: 512, index: 'middle', resize: 'down', detail: 'low', format: 'jpeg' });
    }
    expect(byId('cn').scene.frames).toBe(0);
    expect(requiredInputs(byId('cn'))).not.toContain('frames');
  });

  it('listwise rubric renders every candidate label', () => {
    const lw = loadListwiseRubric(RUBRICS_DIR, 'ebm-listwise');
    expect(lw.metrics.map((m) => m.key)).toEqual(['VEG', 'SPC', 'CN']);
    const text = renderListwise(lw, sample(), [
      { label: 'A', answer: 'alpha reply' },
      { label: 'B', answer: 'beta reply' },
    ]);
    expect(text).toContain('### Model A\nalpha reply');
    expect(text).toContain('### Model B\nbeta reply');
    expect(text).toContain('"A": {"VEG": n, "SPC": n, "CN": n}, "B"');
  });

  it('template hash depends on the version', () => {
    const veg = loadRubric(RUBRICS_DIR, 'veg');
    expect(veg.template.hash).toBe(templateHash(veg.template.source, veg.version));
    expect(templateHash(veg.template.source, '2')).not.toBe(veg.template.hash);
    expect(veg.pairwiseTemplate!.hash).not.toBe(veg.template.hash);
  });

  it('compiles each template once', () => {
    loadRubrics(RUBRICS_DIR);
    const before = compiledCount();
    loadRubrics(RUBRICS_DIR);
    renderPointwise(loadRubric(RUBRICS_DIR, 'cn'), sample(), 'x');
    expect(compiledCount()).toBe(before);
  });
});

describe('input checks', () => {
  const vtr = loadRubric(RUBRICS_DIR, 'video-text-relevance');
  const veg = loadRubric(RUBRICS_DIR, 'veg');

  it('a template needing caption fails when samples lack it', () => {
    const samples = [sample(), sample({ id: 's2', caption: undefined })];
    const available = availableInputs(samples);
    expect(available).not.toContain('caption');
    const msg = checkInputs(vtr, available);
    expect(msg).toMatch(/video-text-relevance/);
    expect(msg).toMatch(/"caption"/);
    expect(msg).toContain('video-text-relevance.hbs');
    expect(checkInputs(vtr, availableInputs([sample()]))).toBeNull();
  });

  it('a caption only read under {{#if}} is optional', () => {
    const kh = loadRubric(RUBRICS_DIR, 'knowledge-hallucination');
    expect(kh.template.variables.optional).toContain('caption');
    expect(requiredInputs(kh)).toEqual(['reference', 'character', 'user', 'history']);
    expect(requiredInputs(vtr)).toContain('caption');
  });

  it('frames are required by what the judge sees', () => {
    expect(requiredInputs(veg)).toContain('frames');
    expect(requiredInputs(veg, { sees: 'caption' })).toEqual(['caption', 'character', 'user', 'history']);
    expect(requiredInputs(veg, { sees: 'none' })).not.toContain('frames');
    const noVideo = availableInputs([sample()]);
    expect(checkInputs(veg, noVideo)).toMatch(/"frames"/);
    expect(checkInputs(veg, availableInputs([sample({ video: { frames: ['/f/1.jpg'] } })]))).toBeNull();
  });

  it('pairwise-only checks look at the pairwise template', () => {
    expect(requiredInputs(vtr, { mode: 'pairwise' })).toContain('caption');
  });
});

describe('rubric validation errors', () => {
  it('names the file and field of bad metadata', () => {
    const dir = tmpRubricDir({ 'r.yaml': META().replace('max: 10', 'max: "ten"'), 'r.hbs': '{{character.name}} {{answer}}' });
    expect(() => loadRubric(dir, 'r')).toThrow(/r\.yaml: field "scale\.max"/);
  });

  it('rejects an unknown template variable, naming the template', () => {
    const dir = tmpRubricDir({ 'r.yaml': META(), 'r.hbs': '{{charcter.name}} {{answer}}' });
    expect(() => loadRubric(dir, 'r')).toThrow(/r\.hbs: unknown variable "charcter"/);
  });

  it('rejects helpers outside the safe built-ins', () => {
    const dir = tmpRubricDir({ 'r.yaml': META(), 'r.hbs': '{{character.name}} {{answer}} {{log "hi"}}' });
    expect(() => loadRubric(dir, 'r')).toThrow(/unknown helper "log"/);
    const dir2 = tmpRubricDir({ 'r.yaml': META(), 'r.hbs': '{{character.name}} {{answer}} {{> other}}' });
    expect(() => loadRubric(dir2, 'r')).toThrow(/PartialStatement/);
  });

  it('requires a pointwise template to show the answer', () => {
    const dir = tmpRubricDir({ 'r.yaml': META(), 'r.hbs': '{{character.name}}{{#if answer}}{{answer}}{{/if}}' });
    expect(() => loadRubric(dir, 'r')).toThrow(/must show \{\{answer\}\}/);
  });

  it('keeps declared inputs honest', () => {
    const dir = tmpRubricDir({ 'r.yaml': META(), 'r.hbs': '{{character.name}} {{caption}} {{answer}}' });
    expect(() => loadRubric(dir, 'r')).toThrow(/field "inputs": missing "caption"/);
    const dir2 = tmpRubricDir({ 'r.yaml': META().replace('[character]', '[character, user]'), 'r.hbs': '{{character.name}} {{answer}}' });
    expect(() => loadRubric(dir2, 'r')).toThrow(/lists "user" but nothing uses it/);
  });

  it('reports template syntax errors with the file', () => {
    const dir = tmpRubricDir({ 'r.yaml': META(), 'r.hbs': '{{#if character}}{{answer}}' });
    expect(() => loadRubric(dir, 'r')).toThrow(/r\.hbs: template syntax error/);
  });

  it('strict rendering throws on a missing field instead of rendering blank', () => {
    const dir = tmpRubricDir({ 'r.yaml': META(), 'r.hbs': '{{character.nickname}} {{answer}}' });
    const r = loadRubric(dir, 'r');
    expect(() => renderPointwise(r, sample(), 'x')).toThrow(/render failed/);
  });

  it('item fields inside #each and block params are not top-level variables', () => {
    const dir = tmpRubricDir({
      'r.yaml': META().replace('[character]', '[character, history, reference]'),
      'r.hbs': '{{#each history as |turn|}}{{turn.text}} {{speaker}} {{../character.name}}{{/each}}{{#each references}}{{this}} {{@index}}{{/each}}{{answer}}',
    });
    const r = loadRubric(dir, 'r');
    expect(r.template.variables.required).toEqual(['answer', 'character', 'history', 'references']);
  });

  it('a copied shipped rubric with a bumped version loads with a different hash', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rubric-'));
    cpSync(RUBRICS_DIR, dir, { recursive: true });
    const orig = loadRubric(dir, 'cn');
    writeFileSync(
      join(dir, 'cn.yaml'),
      `${META().replace('id: r', 'id: cn').replace('inputs: [character]', 'inputs: [character, user, history]')}pairwise: cn.pairwise.hbs\n`.replace(
        'version: "1"',
        'version: "2"',
      ),
    );
    expect(loadRubric(dir, 'cn').template.hash).not.toBe(orig.template.hash);
  });
});

describe('EBM-RL rubrics as released', () => {
  const s = sample({
    source: 'Harry Potter',
    character: { name: 'Hermione', description: 'd', fields: { personality: 'bossy, brave', catchphrases: ['Honestly!', 'Oh, honestly'] } },
  });

  it.each(['veg', 'spc', 'cn'])('%s: one metric per listwise call, [[Model X]] blocks, 0-100, frames for VEG and SPC only', (m) => {
    const list = loadListwiseRubric(RUBRICS_DIR, `ebm-rl-${m}-list`);
    expect(list.metrics).toHaveLength(1);
    expect(list.parser).toBe('model-blocks');
    expect(list.maxTokens).toBe(4096);
    expect(list.scale).toEqual({ min: 0, max: 100 });
    expect(list.scene).toEqual(
      m === 'cn'
        ? { frames: 0, longSide: 512, index: 'middle', resize: 'down', detail: 'low', format: 'jpeg' }
        : // EBM-RL: frames at int(k·total/8), long side exactly 512 px.
          { frames: 8, longSide: 512, index: 'start', resize: 'exact', detail: 'low', format: 'jpeg' },
    );
    const text = renderListwise(
      list,
      s,
      [
        { label: 'A', answer: 'first' },
        { label: 'B', answer: '(EMPTY RESPONSE)' },
      ],
      { frameCount: list.scene.frames },
    );
    expect(text).toContain('[[Model A]]\nResponse: first');
    expect(text).toContain('[[Model B]]\nResponse: (EMPTY RESPONSE)');
    expect(text).toContain('Film: Harry Potter');
    expect(text).toContain('- personality: bossy, brave');
    expect(text).toContain('- catchphrases: Honestly!; Oh, honestly');
    expect(text).toMatch(/Reference reply \(reference only/);
    expect(text).toContain(s.references[0]);
    expect(text).toContain('[[Model A]], [[Model B]]');
    expect(text).not.toMatch(/\{\{|\}\}/);
    const metric = loadRubric(RUBRICS_DIR, `ebm-rl-${m}`);
    expect(metric.pairwiseParser).toBe('winner-reason-confidence');
    expect(metric.pairwiseMaxTokens).toBe(1024);
    const pair = renderPairwise(metric, s, 'one', 'two', { frameCount: 0 });
    expect(pair).toContain('Winner: A | B | Tie');
    expect(pair).toContain('Confidence: high | medium | low');
  });
});
