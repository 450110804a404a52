// From the collected accumulators to the Report: every figure computed by the
// pure functions of src/stats, in a fixed order so a report regenerated from
// the same run is byte-identical.
import {
  alphaFromMoments,
  holmAdjust,
  lengthControlledWinRate,
  pairedComparison,
  pairedDiffs,
  pairwiseSummary,
  pearson,
  summaryValues,
  type Interval,
  type BtComparison,
  type Moments,
  type PairwiseSummary,
} from '../../stats/index.js';
import type { Outcome } from '../../core/records.js';
import { cellKey, splitKey, type Collected } from './collect.js';
import type { LeaderboardRow, MetricInfo, PairedDiff, PairwiseRow, Ranking, Report } from '../../core/report.js';
import { avgAcross, clusteredMean, clusteredPaired, clusteredSign, countClusters, diffSpread, rankSystems, type ReportClusters } from './clustered.js';

export interface ReportMeta {
  rolejudgeVersion: string;
  runId: string;
  configHash: string;
  generatedFrom: string;
  seed: number;
  combine: string;
  /** Preferred order of models and metrics (config order); others follow sorted. */
  modelOrder: string[];
  metricInfo: (id: string) => MetricInfo;
  metricOrder: string[];
  /** Candidate/baseline pairs for paired score differences. */
  pairs: Array<[string, string]>;
  /** Sample → cluster (session, video, character); without it the report has only i.i.d. figures. */
  clusters?: ReportClusters;
}

const RESAMPLES = 2000;

/** One bootstrap interval the report needs; `seed` names it (seeds are unique per figure). */
export interface IntervalJob {
  seed: string;
  values: Float64Array;
  resamples: number;
}

const scoreSeed = (meta: ReportMeta, model: string, metric: string) => `${meta.seed}:${model}:${metric}`;
const diffSeed = (meta: ReportMeta, cand: string, base: string, metric: string) => `${meta.seed}:diff:${cand}:${base}:${metric}`;

/**
 * Every bootstrap interval buildReport will need, with the exact values it
 * would resample — so they can be computed elsewhere (worker threads on a
 * large run) and handed back by seed. Cells without values need none.
 */
export function intervalJobs(c: Collected, meta: ReportMeta): IntervalJob[] {
  const jobs: IntervalJob[] = [];
  const { models, scoredMetrics } = layout(c, meta);
  for (const model of models)
    for (const metric of scoredMetrics) {
      const values = summaryValues([...(c.scores.get(cellKey(model, metric))?.acc.perSample().values() ?? [])]);
      if (values.length) jobs.push({ seed: scoreSeed(meta, model, metric), values: Float64Array.from(values), resamples: RESAMPLES });
    }
  for (const [cand, base] of meta.pairs)
    for (const metric of scoredMetrics) {
      const a = c.scores.get(cellKey(cand, metric))?.acc.perSample();
      const b = c.scores.get(cellKey(base, metric))?.acc.perSample();
      if (!a || !b) continue;
      const diffs = pairedDiffs(a, b);
      if (diffs.length) jobs.push({ seed: diffSeed(meta, cand, base, metric), values: Float64Array.from(diffs), resamples: RESAMPLES });
    }
  return jobs;
}

function layout(c: Collected, meta: ReportMeta): { models: string[]; metricIds: string[]; scoredMetrics: string[] } {
  const models = ordered(c.models, meta.modelOrder);
  for (const k of c.pairs.keys()) {
    const [cand, base] = splitKey(k);
    if (!models.includes(cand!)) models.push(cand!);
    if (!models.includes(base!)) models.push(base!);
  }
  const metricIds = ordered(c.metrics, meta.metricOrder);
  const scoredMetrics = metricIds.filter((m) => models.some((mo) => c.scores.has(cellKey(mo, m))));
  return { models, metricIds, scoredMetrics };
}

function ordered(seen: Set<string>, preferred: string[]): string[] {
  const first = preferred.filter((x) => seen.has(x));
  return [...first, ...[...seen].filter((x) => !first.includes(x)).sort()];
}

const outcomeOf = (credit: number): Outcome => (credit > 0.5 ? 'win' : credit < 0.5 ? 'loss' : 'tie');

/** `intervals`: bootstrap intervals computed beforehand from intervalJobs, by seed; missing ones are computed here. */
type PairwiseFigures = Pick<
  PairwiseRow,
  'n' | 'win' | 'loss' | 'tie' | 'winPct' | 'lossPct' | 'tiePct' | 'net' | 'decisive' | 'decisiveCi95' | 'p' | 'log10p' | 'pHolm' | 'log10pHolm'
>;

/**
 * A pairwise row's figures from its W/L/T summary, Holm not yet applied. Also
 * what scripts/simulate-gate.mjs feeds the gate, so the simulation judges rows
 * built exactly as the report builds them.
 */
export function pairwiseFigures(s: PairwiseSummary): PairwiseFigures {
  return {
    n: s.n,
    win: s.wins,
    loss: s.losses,
    tie: s.ties,
    winPct: s.winPct ?? 0,
    lossPct: s.lossPct ?? 0,
    tiePct: s.tiePct ?? 0,
    net: s.net ?? 0,
    decisive: s.decisive,
    decisiveCi95: s.decisiveCi95 ? [s.decisiveCi95[0] / 100, s.decisiveCi95[1] / 100] : null,
    p: s.p,
    log10p: s.log10p,
    pHolm: 1,
    log10pHolm: 0,
  };
}

/** Intervals computed elsewhere, by seed: a Map, or placeholders filled later (late-intervals.ts). */
export type IntervalLookup = Pick<ReadonlyMap<string, Interval | null>, 'has' | 'get'>;

/**
 * `intervals` are only placed where their figures go, never read here: they
 * may be placeholders still being computed (late-intervals.ts).
 */
export function buildReport(c: Collected, meta: ReportMeta, intervals?: IntervalLookup): Report {
  const { models, metricIds, scoredMetrics } = layout(c, meta);
  const judges = [...c.judges].sort();
  const precomputed = (seed: string) => (intervals?.has(seed) ? { ci: intervals.get(seed)! } : {});

  const leaderboard: LeaderboardRow[] = [];
  const perSample = new Map<string, Map<string, number>>();
  for (const model of models) {
    const scores: LeaderboardRow['scores'] = {};
    const sampleIds = new Set<string>();
    let any = false;
    for (const metric of scoredMetrics) {
      const cell = c.scores.get(cellKey(model, metric));
      if (!cell) continue;
      any = true;
      const ps = cell.acc.perSample();
      perSample.set(cellKey(model, metric), ps);
      for (const id of ps.keys()) sampleIds.add(id);
      const seed = scoreSeed(meta, model, metric);
      const r = cell.acc.result({ resamples: RESAMPLES, seed, ...precomputed(seed) });
      scores[metric] = { mean: r.mean, n: r.n, sd: r.sd, ci95: r.ci95, failures: cell.failures };
      if (meta.clusters) scores[metric].clustered = clusteredMean(ps, meta.clusters, `${seed}:cluster`, RESAMPLES);
    }
    if (!any) continue;
    const avg = avgAcross(
      scoredMetrics.map((m) => scores[m]?.mean ?? null),
      scoredMetrics.map((m) => meta.metricInfo(m).scale),
    ).avg;
    leaderboard.push({ model, scores, avg, n: sampleIds.size });
  }

  const pairwise = pairwiseRows(c, meta, models, metricIds);
  const pairedDiffs: PairedDiff[] = [];
  for (const [cand, base] of meta.pairs) {
    for (const metric of scoredMetrics) {
      const a = perSample.get(cellKey(cand, metric));
      const b = perSample.get(cellKey(base, metric));
      if (!a || !b) continue;
      const seed = diffSeed(meta, cand, base, metric);
      const r = pairedComparison(a, b, { resamples: RESAMPLES, seed, ...precomputed(seed) });
      if (r.meanDiff === null || !r.ci95) continue;
      pairedDiffs.push({
        candidate: cand,
        baseline: base,
        metric,
        n: r.n,
        meanDiff: r.meanDiff,
        ci95: r.ci95,
        p: r.tTest?.p ?? 1,
        pWilcoxon: r.wilcoxon?.p ?? null,
        ...diffSpread(a, b),
        ...(meta.clusters ? { clustered: clusteredPaired(a, b, meta.clusters, `${seed}:cluster`, RESAMPLES) } : {}),
      });
    }
  }

  const positionBias = [...c.position.entries()]
    .map(([k, v]) => {
      const [judge, metric] = splitKey(k) as [string, string];
      return {
        judge,
        metric,
        pairs: v.pairs,
        consistency: v.pairs ? v.consistent / v.pairs : null,
        // Ties left out: first wins over decisive verdicts (0.5 = position-neutral), the tie share beside it.
        firstPositionWinRate: v.verdicts - (v.ties ?? 0) > 0 ? v.firstWins / (v.verdicts - (v.ties ?? 0)) : null,
        tieShare: v.verdicts ? (v.ties ?? 0) / v.verdicts : null,
      };
    })
    .sort((x, y) => cmp(x.judge, y.judge) || metricIds.indexOf(x.metric) - metricIds.indexOf(y.metric));

  const lengthBias = [];
  for (const model of models)
    for (const metric of scoredMetrics) {
      const ps = perSample.get(cellKey(model, metric));
      const chars = c.scores.get(cellKey(model, metric))?.chars;
      if (!ps || !chars) continue;
      const ids = [...ps.keys()].filter((id) => chars.has(id)).sort();
      lengthBias.push({
        model,
        metric,
        n: ids.length,
        r: pearson(
          ids.map((id) => chars.get(id)!),
          ids.map((id) => ps.get(id)!),
        ),
      });
    }

  const agreement = metricIds
    .map((metric) => ({ metric, cells: models.map((m) => c.scores.get(cellKey(m, metric))?.acc).filter((a) => a !== undefined) }))
    .filter(({ cells }) => cells.some((acc) => acc.perSample().size > 0))
    .map(({ metric, cells }) => {
      // Units: per (sample, model) the judges' round means; per (sample, model, judge) its rounds.
      const byJudges: Moments[] = [];
      const byRounds: Moments[] = [];
      for (const acc of cells)
        for (const judges of acc.samples()) {
          const u = { n: 0, sum: 0, sumSq: 0 };
          for (const [sum, n, sumSq] of judges) {
            const m = sum / n;
            u.n++;
            u.sum += m;
            u.sumSq += m * m;
            byRounds.push({ n, sum, sumSq });
          }
          byJudges.push(u);
        }
      return { metric, betweenJudges: alphaFromMoments(byJudges).alpha, betweenRounds: alphaFromMoments(byRounds).alpha };
    });

  return {
    rolejudgeVersion: meta.rolejudgeVersion,
    runId: meta.runId,
    configHash: meta.configHash,
    generatedFrom: meta.generatedFrom,
    judges,
    models,
    metrics: metricIds.map(meta.metricInfo),
    conventions: {
      rounds: 'Rounds of one judge are averaged per sample before judges are combined.',
      ensemble: 'Judges of an ensemble are averaged per sample (equal weight), then samples are averaged.',
      ties: 'Ties are excluded from the sign test and the decisive win rate; win/loss/tie percentages count them.',
      combine: `Two position orders are combined by the "${meta.combine}" rule; several rounds or judges by the mean credit per sample (above 1/2 a win, below a loss, exactly 1/2 a tie).`,
      signTest:
        'Exact two-sided binomial sign test on wins vs losses, p = min(1, 2·min tail), computed in log space; Holm–Bonferroni over all metrics × pairs of a judge.',
      bootstrap: `Percentile bootstrap, ${RESAMPLES} resamples, seeded from run.seed (${meta.seed}).`,
      failures:
        'Failed judgments (unparseable replies, judge errors, empty answers) carry no score and are counted, not averaged, unless score.zeroOnFailure reproduces EBM-RL’s zero convention (empty answers and labels still missing after the re-asks score 0; judge errors and missing responses never do).',
    },
    leaderboard,
    pairwise,
    pairedDiffs,
    positionBias,
    lengthBias,
    rankings: rankings(c, meta, metricIds),
    agreement,
    counts: c.counts,
    ...(c.formats ? { formats: [...c.formats.values()].sort((a, b) => a.model.localeCompare(b.model)) } : {}),
    clustering: { by: meta.clusters?.by ?? 'none', clusters: meta.clusters ? countClusters(allSampleIds(c), meta.clusters) : 0 },
    avgScale: avgAcross(
      [],
      scoredMetrics.map((m) => meta.metricInfo(m).scale),
    ).scale,
  };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function allSampleIds(c: Collected): Set<string> {
  const ids = new Set<string>();
  for (const cell of c.scores.values()) for (const id of cell.acc.perSample().keys()) ids.add(id);
  for (const cell of c.pairs.values()) for (const id of cell.credits.keys()) ids.add(id);
  return ids;
}

function pairwiseRows(c: Collected, meta: ReportMeta, models: string[], metricIds: string[]): PairwiseRow[] {
  const rows: PairwiseRow[] = [];
  const keys = [...c.pairs.keys()].map(splitKey) as [string, string, string, string][];
  keys.sort(
    (x, y) =>
      cmp(x[3], y[3]) ||
      models.indexOf(x[0]) - models.indexOf(y[0]) ||
      models.indexOf(x[1]) - models.indexOf(y[1]) ||
      metricIds.indexOf(x[2]) - metricIds.indexOf(y[2]),
  );
  for (const [candidate, baseline, metric, judge] of keys) {
    const cell = c.pairs.get(cellKey(candidate, baseline, metric, judge))!;
    const counts = { win: 0, loss: 0, tie: 0 };
    const items = [];
    const signs: Array<[string, 1 | -1 | 0]> = [];
    for (const [sampleId, [sum, n]] of [...cell.credits].sort((a, b) => cmp(a[0], b[0]))) {
      const outcome = outcomeOf(sum / n);
      counts[outcome]++;
      signs.push([sampleId, outcome === 'win' ? 1 : outcome === 'loss' ? -1 : 0]);
      const [candidateChars, baselineChars] = cell.chars.get(sampleId)!;
      items.push({ outcome, candidateChars, baselineChars });
    }
    const s = pairwiseSummary(counts);
    const lc = lengthControlledWinRate(items);
    rows.push({
      candidate,
      baseline,
      metric,
      judge,
      ...pairwiseFigures(s),
      failures: cell.failures,
      lengthControlled: lc.lcWinRate !== null && lc.lengthCoef !== null ? { winRate: lc.lcWinRate, lengthCoef: lc.lengthCoef } : null,
      ...(meta.clusters ? { clustered: clusteredSign(signs, meta.clusters) } : {}),
    });
  }
  // Holm over the family of one judge: all metrics × pairs it compared.
  for (const judge of new Set(rows.map((r) => r.judge))) {
    const family = rows.filter((r) => r.judge === judge);
    const adj = holmAdjust(family.map((r) => ({ p: r.p, log10p: r.log10p })));
    family.forEach((r, i) => {
      r.pHolm = adj[i]!.p;
      r.log10pHolm = adj[i]!.log10p;
    });
    // The cluster-level p-values form the same family, adjusted the same way.
    const cl = family.filter((r) => r.clustered);
    const cadj = holmAdjust(cl.map((r) => ({ p: r.clustered!.p, log10p: r.clustered!.log10p })));
    cl.forEach((r, i) => {
      r.clustered!.pHolm = cadj[i]!.p;
      r.clustered!.log10pHolm = cadj[i]!.log10p;
    });
  }
  return rows;
}

function rankings(c: Collected, meta: ReportMeta, metricIds: string[]): Ranking[] {
  const out: Ranking[] = [];
  for (const metric of metricIds) {
    const comps: BtComparison[] = [];
    const systems = new Set<string>();
    for (const [k, cell] of [...c.pairs].sort((a, b) => cmp(a[0], b[0]))) {
      const [cand, base, m] = splitKey(k) as [string, string, string];
      if (m !== metric) continue;
      systems.add(cand);
      systems.add(base);
      for (const [sampleId, [sum, n]] of [...cell.credits].sort((a, b) => cmp(a[0], b[0]))) {
        void sampleId;
        comps.push({ a: cand, b: base, score: sum / n });
      }
    }
    if (systems.size < 3 || !comps.length) continue;
    out.push(rankSystems(metric, comps, `${meta.seed}:bt:${metric}`));
  }
  return out;
}
