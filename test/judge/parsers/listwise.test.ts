import { describe, expect, it } from 'vitest';
import { parseListwise, parseMultiMetric } from '../../../src/judge/parsers/listwise.js';

const TEN = { min: 1, max: 10 };
const M = ['VEG', 'SPC', 'CN'];

describe('parseListwise', () => {
  it('reads the JSON reply', () => {
    const r = parseListwise('{"A": {"VEG": 7, "SPC": 8, "CN": 6}, "B": {"VEG": "5", "SPC": 4, "CN": 9}}', ['A', 'B'], M, TEN);
    expect(r.scores).toEqual({ A: { VEG: 7, SPC: 8, CN: 6 }, B: { VEG: 5, SPC: 4, CN: 9 } });
    expect(r.missing).toEqual([]);
  });

  it('accepts "Model A" keys, lower-case metrics and nested {score}', () => {
    const r = parseListwise('Here: {"Model A": {"veg": {"score": 7}, "spc": 8, "cn": 6}}', ['A'], M, TEN);
    expect(r.scores).toEqual({ A: { VEG: 7, SPC: 8, CN: 6 } });
  });

  it('lists missing labels, missing metrics and out-of-range cells', () => {
    const r = parseListwise('{"A": {"VEG": 7, "SPC": 11}, "C": {"VEG": 1, "SPC": 2, "CN": 3}}', ['A', 'B', 'C'], M, TEN);
    expect(r.scores).toEqual({ A: { VEG: 7 }, C: { VEG: 1, SPC: 2, CN: 3 } });
    expect(r.missing).toEqual([
      { label: 'A', metric: 'SPC', reason: expect.stringMatching(/outside/) },
      { label: 'A', metric: 'CN', reason: 'metric missing' },
      { label: 'B', metric: 'VEG', reason: 'label missing' },
      { label: 'B', metric: 'SPC', reason: 'label missing' },
      { label: 'B', metric: 'CN', reason: 'label missing' },
    ]);
  });

  it('recovers complete labels from JSON cut off part-way', () => {
    const r = parseListwise('{"A": {"VEG": 7, "SPC": 8, "CN": 6}, "B": {"VEG": 5, "SP', ['A', 'B'], M, TEN);
    expect(r.scores).toEqual({ A: { VEG: 7, SPC: 8, CN: 6 }, B: { VEG: 5 } });
    expect(r.missing.map((m) => `${m.label}.${m.metric}`)).toEqual(['B.SPC', 'B.CN']);
  });

  it('falls back to prose sections', () => {
    const reply = '### Model A\nVEG: 7, SPC: 8, CN: 6\n\n### Model B\n**VEG**: 3\nSPC = 4\nCN: 5';
    expect(parseListwise(reply, ['A', 'B'], M, TEN).scores).toEqual({ A: { VEG: 7, SPC: 8, CN: 6 }, B: { VEG: 3, SPC: 4, CN: 5 } });
  });

  it('an empty reply misses everything', () => {
    const r = parseListwise('', ['A'], M, TEN);
    expect(r.missing).toHaveLength(3);
    expect(r.missing.every((m) => m.reason === 'empty reply')).toBe(true);
  });
});

describe('parseMultiMetric', () => {
  it('reads JSON and reports missing metrics', () => {
    const r = parseMultiMetric('{"VEG": 7, "SPC": 8}', M, TEN);
    expect(r.scores).toEqual({ VEG: 7, SPC: 8 });
    expect(r.missing).toEqual([{ metric: 'CN', reason: 'metric missing' }]);
  });

  it('reads prose, last mention wins', () => {
    const r = parseMultiMetric('At first VEG: 4.\nFinal: VEG: 6, SPC: 7, CN (naturalism): 8', M, TEN);
    expect(r.scores).toEqual({ VEG: 6, SPC: 7, CN: 8 });
  });
});
