import { describe, expect, it } from 'vitest';
import { clusterBootstrapMeanCi, clusterBootstrapPairedCi, clusterRobustPairedCi, clusterTotals, designEffect } from '../../src/stats/cluster.js';
import { clusterSignFlipTest, clusterSignTest } from '../../src/stats/cluster-tests.js';
import { bootstrapMeanCi } from '../../src/stats/bootstrap.js';
import { createRng } from '../../src/stats/rng.js';

// The hand-worked example: differences {1, 3} in a, {2} in b, {−1, 0, 4} in c.
const D = [1, 3, 2, -1, 0, 4];
const G = ['a', 'a', 'b', 'c', 'c', 'c'];
const ZERO = D.map(() => 0);

describe('clusterTotals', () => {
  it('sums per cluster in sorted id order and refuses bad input', () => {
    expect(clusterTotals([5, 1, 2], ['z', 'a', 'z'])).toEqual([
      { id: 'a', sum: 1, size: 1 },
      { id: 'z', sum: 7, size: 2 },
    ]);
    expect(() => clusterTotals([1, 2], ['a'])).toThrow(RangeError);
    expect(() => clusterTotals([1, Number.NaN], ['a', 'b'])).toThrow(RangeError);
  });
});

describe('clusterRobustPairedCi', () => {
  it('matches the hand computation', () => {
    // d̄ = 9/6 = 1.5; residual sums 4 − 3 = 1, 2 − 1.5 = 0.5, 3 − 4.5 = −1.5; Σr² = 3.5;
    // var = (3/2)·3.5/36; t_{0.975,2} = 4.302652729749462 (SciPy t.ppf).
    const r = clusterRobustPairedCi(D, ZERO, G) as NonNullable<ReturnType<typeof clusterRobustPairedCi>>;
    const se = Math.sqrt((1.5 * 3.5) / 36);
    expect(r.estimate).toBeCloseTo(1.5, 14);
    expect(r.se).toBeCloseTo(se, 14);
    expect(r.df).toBe(2);
    expect(r.ci[0]).toBeCloseTo(1.5 - 4.302652729749462 * se, 10);
    expect(r.ci[1]).toBeCloseTo(1.5 + 4.302652729749462 * se, 10);
    // Two-sided p of t = 1.5/se on 2 df, from SciPy: 2·t.sf(3.928, 2).
    expect(r.p).toBeCloseTo(0.05912492771922997, 10);
    expect(r).toMatchObject({ clusters: 3, items: 6, level: 0.95 });
  });

  it('is the paired t interval when every item is its own cluster', () => {
    // SciPy: ttest_1samp(d, 0).confidence_interval(0.95) and .pvalue.
    const d = [0.5, 1.2, -0.3, 2.0, 0.8, 1.1, -0.7, 0.4];
    const r = clusterRobustPairedCi(
      d,
      d.map(() => 0),
      d.map((_, i) => i),
    ) as NonNullable<ReturnType<typeof clusterRobustPairedCi>>;
    expect(r.ci[0]).toBeCloseTo(-0.09243483617780923, 10);
    expect(r.ci[1]).toBeCloseTo(1.3424348361778091, 10);
    expect(r.t).toBeCloseTo(2.059964309956102, 10);
    expect(r.p).toBeCloseTo(0.07836922393445286, 10);
  });

  it('is null with one cluster and degenerate-but-honest when clusters agree exactly', () => {
    expect(clusterRobustPairedCi([1, 2], [0, 0], ['s', 's'])).toBeNull();
    // Every cluster's mean difference is exactly 1: no between-cluster spread.
    const r = clusterRobustPairedCi([2, 2, 3], [1, 1, 2], ['a', 'a', 'b']);
    expect(r?.ci).toEqual([1, 1]);
    expect(r?.p).toBe(0);
    expect(() => clusterRobustPairedCi([1], [1, 2], ['a'])).toThrow(RangeError);
  });
});

describe('designEffect', () => {
  it('matches the hand computation (variance ratio)', () => {
    // ȳ = 1.5, s² = 17.5/5 = 3.5, varIid = 3.5/6; varClustered = 1.5·3.5/36.
    const r = designEffect(D, G) as NonNullable<ReturnType<typeof designEffect>>;
    expect(r.varIid).toBeCloseTo(3.5 / 6, 14);
    expect(r.varClustered).toBeCloseTo((1.5 * 3.5) / 36, 14);
    expect(r.deff).toBeCloseTo(0.25, 12);
    expect(r.meanClusterSize).toBe(2);
  });

  it('is 1 for singleton clusters and (3G − 1)/(G − 1) when each value is tripled inside its cluster', () => {
    const v = [2, 7, 1, 8];
    expect(designEffect(v, [0, 1, 2, 3])?.deff).toBeCloseTo(1, 12);
    // Closed form: varClustered = Σ(v−v̄)²/(G(G−1)), varIid = Σ(v−v̄)²/(G(3G−1)).
    const tripled = v.flatMap((x) => [x, x, x]);
    const ids = v.flatMap((_, g) => [g, g, g]);
    expect(designEffect(tripled, ids)?.deff).toBeCloseTo(11 / 3, 12);
    expect(designEffect([3, 3, 3], ['a', 'b', 'c'])?.deff).toBeNull();
    expect(designEffect([1, 2], ['a', 'a'])).toBeNull();
  });
});

describe('cluster bootstrap', () => {
  it('draws the same resamples as the i.i.d. bootstrap when each item is its own cluster', () => {
    const rng = createRng(3);
    const v = Array.from({ length: 40 }, () => rng.next() * 10);
    // Ids that sort in input order, so cluster k is item k.
    const ids = v.map((_, i) => `c${String(i).padStart(2, '0')}`);
    const cl = clusterBootstrapMeanCi(v, ids, { seed: 9, resamples: 500 });
    expect(cl?.ci).toEqual(bootstrapMeanCi(v, { seed: 9, resamples: 500 }));
    expect(cl).toMatchObject({ clusters: 40, items: 40 });
  });

  it('is wider than the item bootstrap on clustered data, and reproducible', () => {
    const rng = createRng(4);
    const session = Array.from({ length: 12 }, () => rng.next() * 10);
    const values = session.flatMap((m) => [m, m + 0.1, m - 0.1, m]);
    const ids = session.flatMap((_, g) => [g, g, g, g]);
    const cl = clusterBootstrapMeanCi(values, ids, { seed: 2 }) as NonNullable<ReturnType<typeof clusterBootstrapMeanCi>>;
    const iid = bootstrapMeanCi(values, { seed: 2 }) as [number, number];
    expect(cl.ci[1] - cl.ci[0]).toBeGreaterThan(1.5 * (iid[1] - iid[0]));
    expect(cl.ci[0]).toBeLessThan(cl.estimate);
    expect(cl.ci[1]).toBeGreaterThan(cl.estimate);
    expect(clusterBootstrapMeanCi(values, ids, { seed: 2 })).toEqual(cl);
  });

  it('gives the doc example and null for a single cluster', () => {
    expect(clusterBootstrapMeanCi([1, 1, 3, 3], ['s1', 's1', 's2', 's2'])?.ci).toEqual([1, 3]);
    expect(clusterBootstrapPairedCi([3, 3, 5, 5], [2, 2, 2, 2], ['v1', 'v1', 'v2', 'v2'])?.ci).toEqual([1, 3]);
    expect(clusterBootstrapMeanCi([1, 2], ['s', 's'])).toBeNull();
    expect(() => clusterBootstrapMeanCi([1, 2], ['a', 'b'], { resamples: 0 })).toThrow(RangeError);
  });
});

describe('clusterSignTest', () => {
  it('counts clusters by the sign of their net wins and excludes zero clusters', () => {
    const r = clusterSignTest([1, 1, -1, 1, 0, 0, -1, 1], ['a', 'a', 'a', 'b', 'c', 'c', 'd', 'd']);
    expect(r).toMatchObject({ positiveClusters: 2, negativeClusters: 0, tiedClusters: 2, clusters: 4, n: 2 });
    expect(r.p).toBeCloseTo(0.5, 14); // 2 · (1/2)^2
    // 9 positive, 1 negative cluster: p = 2·(1 + 10)/1024 = 22/1024.
    const ids = Array.from({ length: 10 }, (_, i) => i);
    const out = ids.map((i) => (i === 0 ? -1 : 1));
    expect(clusterSignTest(out, ids).p).toBeCloseTo(22 / 1024, 14);
    expect(() => clusterSignTest([2], ['a'])).toThrow(RangeError);
  });
});

describe('clusterSignFlipTest', () => {
  it('enumerates sign patterns exactly', () => {
    const r = clusterSignFlipTest([1, 2, 3], [0, 0, 0], ['a', 'b', 'c']);
    expect(r).toMatchObject({ p: 0.25, exact: true, patterns: 8, clusters: 3 });
    // Clusters are summed first: a = 1 + 3, b = 2, c = 3 → sums 4, 2, 3, T = 9.
    // |T*| >= 9 only for +++ / −−−: p = 2/8.
    expect(clusterSignFlipTest(D, ZERO, G)?.p).toBe(0.25);
  });

  it('agrees with a brute-force enumeration and with its own Monte Carlo', () => {
    const rng = createRng(8);
    const diffs = Array.from({ length: 30 }, () => rng.next() - 0.35);
    const ids = diffs.map((_, i) => i % 12);
    const totals = clusterTotals(diffs, ids).map((c) => c.sum);
    const obs = Math.abs(totals.reduce((a, b) => a + b, 0));
    let hits = 0;
    for (let mask = 0; mask < 2 ** 12; mask++) {
      const t = totals.reduce((s, v, k) => s + ((mask >> k) & 1 ? -v : v), 0);
      if (Math.abs(t) >= obs - 1e-9) hits++;
    }
    const zero = diffs.map(() => 0);
    const exact = clusterSignFlipTest(diffs, zero, ids) as NonNullable<ReturnType<typeof clusterSignFlipTest>>;
    expect(exact.p).toBe(hits / 4096);
    const mc = clusterSignFlipTest(diffs, zero, ids, { exactMaxClusters: 0, resamples: 20000, seed: 5 });
    expect(mc?.exact).toBe(false);
    // Monte Carlo sd at p ≈ exact.p is below 0.004 with 20000 patterns.
    expect(Math.abs((mc?.p as number) - exact.p)).toBeLessThan(0.015);
    expect(clusterSignFlipTest(diffs, zero, ids, { exactMaxClusters: 0, resamples: 20000, seed: 5 })).toEqual(mc);
  });

  it('is null without items and refuses bad options', () => {
    expect(clusterSignFlipTest([], [], [])).toBeNull();
    expect(() => clusterSignFlipTest([1], [0], ['a'], { exactMaxClusters: 40 })).toThrow(RangeError);
  });
});
