// The pure parts of --until-decided: the seeded order and the outcome streams
// the anytime-valid family test reads.
import { describe, expect, it } from 'vitest';
import type { Comparison, Sample } from '../../src/core/records.js';
import { sampleOutcome } from '../../src/run/decided-compare.js';
import { LaunchWindow, PrefixFeed, seededOrder } from '../../src/run/until-decided.js';
import { sequentialSignTestFamily } from '../../src/stats/index.js';

const sample = (id: string) => ({ id }) as Sample;
const comp = (sampleId: string, credit: number | null, round = 1) =>
  ({ sampleId, candidate: 'c', baseline: 'b', metric: 'veg', judge: 'j', round, credit }) as Comparison;

describe('until-decided', () => {
  it('orders samples by seed, the same on every call, differently for another seed', () => {
    const xs = Array.from({ length: 20 }, (_, i) => sample(`s${i}`));
    const a = seededOrder(xs, 7).map((s) => s.id);
    expect(seededOrder([...xs].reverse(), 7).map((s) => s.id)).toEqual(a);
    expect(seededOrder(xs, 8).map((s) => s.id)).not.toEqual(a);
    expect([...a].sort()).toEqual(xs.map((s) => s.id).sort());
  });

  it("a sample's outcome: rounds combined by mean credit, failures left out", () => {
    expect(sampleOutcome([comp('a', 0), comp('a', 1, 2)])).toBe(0);
    expect(sampleOutcome([comp('a', 1), comp('a', null, 2)])).toBe(1);
    expect(sampleOutcome([comp('a', 0)])).toBe(-1);
    expect(sampleOutcome([comp('a', null)])).toBeNull();
  });

  it('feeds samples strictly in the seeded order: a later sample waits for every earlier one', () => {
    const seen: Array<[number, string[]]> = [];
    const feed = new PrefixFeed<string>(['x', 'y', 'z'], 2, (i, items) => seen.push([i, items]));
    feed.add('z', 'z1');
    feed.add('z', 'z2');
    feed.add('y', 'y1');
    feed.add('x', 'x1');
    expect(seen).toEqual([]);
    expect(feed.touched).toBe(3);
    feed.add('x', 'x2');
    expect(seen).toEqual([[0, ['x1', 'x2']]]);
    feed.add('y', 'y2');
    // y completes the prefix, and z (already complete) follows it at once.
    expect(seen.map((s) => s[0])).toEqual([0, 1, 2]);
    expect(feed.prefix).toBe(3);
    feed.add('w', 'unknown ids are ignored');
    expect(feed.prefix).toBe(3);
  });

  it('with keys, a record counts once per key and records of other jobs not at all', () => {
    const seen: Array<[number, string[]]> = [];
    const key = (item: string) => (item.startsWith('other') ? null : item.split('#')[0]!);
    const feed = new PrefixFeed<string>(['x', 'y'], 2, (i, items) => seen.push([i, items]), key);
    // The same job twice (a key logged twice) and a job no longer configured: x is not complete.
    feed.add('x', 'x1#first');
    feed.add('x', 'x1#copy');
    feed.add('x', 'other-model');
    expect(seen).toEqual([]);
    feed.add('x', 'x2');
    // The first record of a key is the one fed, as the report reads it.
    expect(seen).toEqual([[0, ['x1#first', 'x2']]]);
    // Records for a sample already fed change nothing.
    feed.add('x', 'x3');
    expect(seen[0]![1]).toEqual(['x1#first', 'x2']);
  });

  it('a clear winner is decided long before 500 samples; identical systems are not', () => {
    // 2 wins, 1 loss, repeating: decisive win rate 2/3.
    const clear = Array.from({ length: 500 }, (_, i) => (i % 3 === 2 ? -1 : 1));
    const fam = sequentialSignTestFamily([clear]);
    expect(fam.allDecidedAfter).not.toBeNull();
    expect(fam.allDecidedAfter!).toBeLessThan(150);
    const even = Array.from({ length: 500 }, (_, i) => (i % 2 ? -1 : 1));
    expect(sequentialSignTestFamily([even]).allDecidedAfter).toBeNull();
  });
});

describe('LaunchWindow', () => {
  const pos = new Map(['a', 'b', 'c', 'd'].map((id, i) => [id, i]));
  it('holds a sample more than `ahead` past the prefix until the prefix advances', async () => {
    let prefix = 0;
    let stopped = false;
    const w = new LaunchWindow(
      pos,
      () => prefix,
      2,
      () => stopped,
    );
    expect(await w.admit('a')).toBe(true);
    expect(await w.admit('b')).toBe(true);
    w.settled(2);
    let admitted: boolean | null = null;
    const c = w.admit('c').then((x) => (admitted = x));
    await Promise.resolve();
    expect(admitted).toBeNull();
    prefix = 1;
    w.advanced();
    await c;
    expect(admitted).toBe(true);
    // Decided while waiting: the wait ends with "do not launch".
    w.settled(1);
    const d = w.admit('d');
    stopped = true;
    w.advanced();
    expect(await d).toBe(false);
  });

  it('stops waiting once nothing is out (a job ended without a record)', async () => {
    const w = new LaunchWindow(
      pos,
      () => 0,
      1,
      () => false,
    );
    w.settled(1);
    const c = w.admit('c');
    w.settled(0);
    expect(await c).toBe(true);
  });
});
