import { describe, expect, it } from 'vitest';
import { assignOrder, labelName, shuffleLabels } from '../../../src/judge/protocol/position.js';

describe('assignOrder', () => {
  it('is deterministic', () => {
    expect(assignOrder('s1', 'm1', 'm0', 'veg', 7)).toBe(assignOrder('s1', 'm1', 'm0', 'veg', 7));
  });

  it('is balanced: 45–55% AB over 1,000 samples', () => {
    let ab = 0;
    for (let i = 0; i < 1000; i++) if (assignOrder(`sample-${i}`, 'cand', 'base', 'veg', 42) === 'AB') ab++;
    expect(ab).toBeGreaterThanOrEqual(450);
    expect(ab).toBeLessThanOrEqual(550);
  });

  it('depends on the seed and the metric', () => {
    const orders = (seed: number, metric: string) => Array.from({ length: 64 }, (_, i) => assignOrder(`s${i}`, 'c', 'b', metric, seed)).join('');
    expect(orders(1, 'veg')).not.toBe(orders(2, 'veg'));
    expect(orders(1, 'veg')).not.toBe(orders(1, 'cn'));
  });
});

describe('shuffleLabels', () => {
  const models = ['qwen', 'llava', 'ebm', 'gpt'];

  it('is deterministic and independent of input order', () => {
    const a = shuffleLabels('s1', models, 3);
    expect(shuffleLabels('s1', [...models].reverse(), 3)).toEqual(a);
    expect(Object.values(a.labels).sort()).toEqual(['A', 'B', 'C', 'D']);
    a.order.forEach((m, i) => expect(a.labels[m]).toBe(labelName(i)));
  });

  it('shuffles per sample', () => {
    const firsts = new Set<string>();
    for (let i = 0; i < 40; i++) firsts.add(shuffleLabels(`s${i}`, models, 3).order[0]!);
    expect(firsts.size).toBe(4);
    expect(shuffleLabels('s1', models, 3)).not.toEqual(shuffleLabels('s1', models, 4));
  });

  it('spreads each model over every label', () => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < 400; i++) {
      const label = shuffleLabels(`s${i}`, models, 9).labels.ebm!;
      counts[label] = (counts[label] ?? 0) + 1;
    }
    for (const l of ['A', 'B', 'C', 'D']) expect(counts[l]).toBeGreaterThan(60);
  });

  it('rejects duplicate model names', () => {
    expect(() => shuffleLabels('s', ['a', 'a'], 1)).toThrow(/unique/);
  });

  it('labels past Z continue spreadsheet-style', () => {
    expect([labelName(0), labelName(25), labelName(26), labelName(27)]).toEqual(['A', 'Z', 'AA', 'AB']);
  });
});
