// The report's cluster-aware figures. Records of one session (or video, or
// character) share context, so they are not independent draws: these figures
// resample and test whole clusters. They sit beside the i.i.d. figures, which
// stay in the report, labelled as such.
import { clusterBootstrapMeanCi, clusterSignTest, designEffect, pairedMdeT, type BtComparison, bradleyTerryBootstrap, davidson } from '../../stats/index.js';
import type { ClusteredInterval, Ranking } from '../../core/report.js';

/** sample id → cluster id, and what formed them. Samples missing from `of` are their own cluster. */
export interface ReportClusters {
  by: string;
  of: ReadonlyMap<string, string>;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
// Prefixed so a lone sample cannot share an id with a real cluster.
export const clusterOf = (c: ReportClusters, sampleId: string) => c.of.get(sampleId) ?? `sample:${sampleId}`;

function interval(values: number[], clusters: string[], by: string, seed: string, resamples: number): ClusteredInterval | null {
  const ci = clusterBootstrapMeanCi(values, clusters, { seed, resamples });
  if (!ci) return null;
  return { by, clusters: ci.clusters, ci95: [ci.ci[0], ci.ci[1]], designEffect: designEffect(values, clusters)?.deff ?? null };
}

/** Cluster bootstrap of a model's mean over its per-sample scores; null with fewer than 2 clusters. */
export function clusteredMean(perSample: ReadonlyMap<string, number>, c: ReportClusters, seed: string, resamples: number): ClusteredInterval | null {
  const ids = [...perSample.keys()].sort(cmp);
  return interval(
    ids.map((id) => perSample.get(id)!),
    ids.map((id) => clusterOf(c, id)),
    c.by,
    seed,
    resamples,
  );
}

/** Cluster bootstrap of the paired difference a − b over samples scored for both. */
export function clusteredPaired(
  a: ReadonlyMap<string, number>,
  b: ReadonlyMap<string, number>,
  c: ReportClusters,
  seed: string,
  resamples: number,
): ClusteredInterval | null {
  const ids = [...a.keys()].filter((id) => b.has(id)).sort(cmp);
  return interval(
    ids.map((id) => a.get(id)! - b.get(id)!),
    ids.map((id) => clusterOf(c, id)),
    c.by,
    seed,
    resamples,
  );
}

/** Cluster-level sign test of one pairwise cell: outcomes +1 win, −1 loss, 0 tie per sample. */
export function clusteredSign(outcomes: ReadonlyArray<[string, 1 | -1 | 0]>, c: ReportClusters) {
  const t = clusterSignTest(
    outcomes.map((o) => o[1]),
    outcomes.map((o) => clusterOf(c, o[0])),
  );
  return {
    by: c.by,
    clusters: t.clusters,
    positive: t.positiveClusters,
    negative: t.negativeClusters,
    tied: t.tiedClusters,
    p: t.p,
    log10p: t.log10p,
    pHolm: t.p,
    log10pHolm: t.log10p,
  };
}

/** Distinct clusters among the given samples. */
export function countClusters(sampleIds: Iterable<string>, c: ReportClusters): number {
  const seen = new Set<string>();
  for (const id of sampleIds) seen.add(clusterOf(c, id));
  return seen.size;
}

/** Sample sd and the t-based minimum detectable difference (α 0.05, power 0.8) of paired differences. */
export function diffSpread(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): { sd: number | null; mdd: number | null } {
  const diffs = [...a].filter(([id]) => b.has(id)).map(([id, v]) => v - b.get(id)!);
  const n = diffs.length;
  if (n < 2) return { sd: null, mdd: null };
  const m = diffs.reduce((s, d) => s + d, 0) / n;
  const sd = Math.sqrt(diffs.reduce((s, d) => s + (d - m) ** 2, 0) / (n - 1));
  return { sd, mdd: pairedMdeT(sd, n, 0.05, 0.8) };
}

/**
 * "Avg" of metric means: the plain mean when every metric shares one scale;
 * otherwise each mean is first mapped to 0–100 on its own scale (a 1–10 and
 * a 0–100 metric averaged raw is meaningless), and the report says so.
 */
export function avgAcross(
  means: ReadonlyArray<number | null>,
  scales: ReadonlyArray<{ min: number; max: number }>,
): { avg: number | null; scale: 'rubric' | 'rescaled-0-100' } {
  const one = scales.every((s) => s.min === scales[0]?.min && s.max === scales[0]?.max);
  if (!means.length || means.some((m) => m === null || !Number.isFinite(m))) return { avg: null, scale: one ? 'rubric' : 'rescaled-0-100' };
  if (one) return { avg: (means as number[]).reduce((a, b) => a + b, 0) / means.length, scale: 'rubric' };
  if (scales.some((s) => !(s.max > s.min))) return { avg: null, scale: 'rescaled-0-100' };
  const r = (means as number[]).map((m, i) => (100 * (m - scales[i]!.min)) / (scales[i]!.max - scales[i]!.min));
  return { avg: r.reduce((a, b) => a + b, 0) / r.length, scale: 'rescaled-0-100' };
}

/**
 * Strengths of three or more systems: Davidson's model when there are ties
 * (a tie is its own outcome, not half a win), with Wald intervals; the
 * bootstrapped Bradley–Terry fit when there are none (Davidson's tie
 * parameter has no finite estimate then) or Davidson has no finite fit.
 */
export function rankSystems(metric: string, comps: BtComparison[], seed: string): Ranking {
  const outcomes = comps.map((x) => ({ ...x, score: x.score > 0.5 ? 1 : x.score < 0.5 ? 0 : 0.5 }));
  const ties = outcomes.filter((x) => x.score === 0.5).length;
  if (ties > 0 && ties < outcomes.length) {
    try {
      const fit = davidson(outcomes);
      return {
        metric,
        model: 'davidson',
        tieParameter: fit.tieParameter,
        systems: fit.systems.map((s) => ({ model: s.name, strength: s.strength, ci95: [s.ci[0], s.ci[1]] as [number, number] })),
      };
    } catch {
      // No finite Davidson fit (a group never wins or ties): the regularised BT below.
    }
  }
  const fit = bradleyTerryBootstrap(comps, { resamples: 1000, seed });
  return { metric, model: 'bradley-terry', systems: fit.systems.map((s) => ({ model: s.name, strength: s.strength, ci95: s.ci95 })) };
}
