// The pure parts of --until-decided: the seeded order and the outcome streams
// the anytime-valid family test reads.
import { describe, expect, it } from 'vitest';
import type { Comparison, Sample } from '../../src/core/records.js';
import { outcomeStreams, seededOrder } from '../../src/run/until-decided.js';
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

  it('streams outcomes in judging order, rounds combined by mean credit, failures left out', () => {
    const streams = outcomeStreams([comp('b', 1), comp('a', 0), comp('a', 1, 2), comp('c', 0), comp('d', null)], ['c', 'a', 'b', 'd']);
    expect([...streams.entries()]).toEqual([['c · b · veg · j', [-1, 0, 1]]]);
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
