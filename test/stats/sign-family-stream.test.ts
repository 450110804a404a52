// The one-sample-at-a-time family must give the batch family's numbers.
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/stats/rng.js';
import { sequentialSignTestFamily } from '../../src/stats/sequential-family.js';
import { SignFamilyStream, type StreamOutcome } from '../../src/stats/sign-family-stream.js';

describe('SignFamilyStream', () => {
  it('equals sequentialSignTestFamily on seeded random streams (Holm and Bonferroni)', () => {
    const rng = createRng(5);
    for (const split of ['holm', 'bonferroni'] as const) {
      for (let rep = 0; rep < 30; rep++) {
        const k = 1 + rng.int(4);
        const n = 1 + rng.int(200);
        const pWin = [0.2, 0.4, 0.5, 0.7][rng.int(4)]!;
        const streams = Array.from({ length: k }, () => Array.from({ length: n }, () => (rng.next() < 0.2 ? 0 : rng.next() < pWin ? 1 : -1)));
        const batch = sequentialSignTestFamily(streams, { split });
        const s = new SignFamilyStream(k, { split });
        for (let t = 0; t < n; t++) s.push(streams.map((x) => x[t] as StreamOutcome));
        expect(s.allDecidedAfter).toBe(batch.allDecidedAfter);
        s.members.forEach((m, j) => {
          const b = batch.members[j]!;
          expect([m.wins, m.losses, m.ties, m.decidedAfter, m.winner]).toEqual([b.wins, b.losses, b.ties, b.decidedAfter, b.winner]);
          expect(m.pAnytime).toBeCloseTo(b.pAnytime, 12);
        });
      }
    }
  });

  it('a sample with no verdict (null) counts nothing; Holm-adjusted p is monotone step-down', () => {
    const s = new SignFamilyStream(2);
    s.push([1, null]);
    s.push([1, -1]);
    expect([s.members[0]!.wins, s.members[1]!.wins + s.members[1]!.losses + s.members[1]!.ties]).toEqual([2, 1]);
    // p = min(1, 1/e): e(2,0) = 4/3 → 0.75; e(0,1) = 1 → 1. Holm: 0.75·2 → 1, then max(1, 1) = 1.
    expect(s.adjusted()).toEqual([1, 1]);
    const t = new SignFamilyStream(2);
    for (let i = 0; i < 12; i++) t.push([1, i % 2 ? 1 : -1]);
    const [a] = t.adjusted();
    expect(a).toBeCloseTo(Math.min(1, 2 * t.members[0]!.pAnytime), 12);
  });
});
