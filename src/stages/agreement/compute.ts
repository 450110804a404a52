// Human–judge agreement per metric: Pearson, Spearman and Kendall's tau-b
// over the (sample, model) units both rated, for the judges' ensemble and for
// each judge alone. Pure: ratings and judge scores in, rows out.
import { kendallTauB, pearson, spearman } from '../../stats/index.js';
import type { HumanRating } from './human.js';
import { unitKey, type JudgeScores } from './judge-scores.js';

export interface AgreementRow {
  metric: string;
  /** null for the ensemble: judges averaged per unit, as in the report. */
  judge: string | null;
  n: number;
  pearson: number | null;
  spearman: number | null;
  kendallTauB: number | null;
}

export interface AgreementResult {
  rows: AgreementRow[];
  /** metric → human-rated units the run has no judge score for. */
  unmatched: Record<string, number>;
  /** metric → units the humans rated (raters averaged). */
  rated: Record<string, number>;
}

/** metric → unit → mean human score over raters. */
export function humanMeans(ratings: readonly HumanRating[]): Map<string, Map<string, number>> {
  const sums = new Map<string, Map<string, [number, number]>>();
  for (const r of ratings) {
    let m = sums.get(r.metric);
    if (!m) sums.set(r.metric, (m = new Map()));
    const u = unitKey(r.sampleId, r.model);
    const cur = m.get(u) ?? [0, 0];
    m.set(u, [cur[0] + r.score, cur[1] + 1]);
  }
  return new Map([...sums].map(([metric, m]) => [metric, new Map([...m].map(([u, [s, n]]) => [u, s / n]))]));
}

/** The paired values, units in sorted order so results never depend on file order. */
export function pairUp(human: ReadonlyMap<string, number>, judge: ReadonlyMap<string, number> | undefined): [number[], number[]] {
  const xs: number[] = [];
  const ys: number[] = [];
  if (!judge) return [xs, ys];
  for (const u of [...human.keys()].sort()) {
    const y = judge.get(u);
    if (y === undefined) continue;
    xs.push(human.get(u)!);
    ys.push(y);
  }
  return [xs, ys];
}

function row(metric: string, judge: string | null, [x, y]: [number[], number[]]): AgreementRow {
  return { metric, judge, n: x.length, pearson: pearson(x, y), spearman: spearman(x, y), kendallTauB: kendallTauB(x, y) };
}

/** Metrics in `order` first (the config's rubric order), then any others sorted. */
export function computeAgreement(human: Map<string, Map<string, number>>, judge: JudgeScores, order: readonly string[] = []): AgreementResult {
  const metrics = [...order.filter((m) => human.has(m)), ...[...human.keys()].filter((m) => !order.includes(m)).sort()];
  const rows: AgreementRow[] = [];
  const unmatched: Record<string, number> = {};
  const rated: Record<string, number> = {};
  for (const metric of metrics) {
    const h = human.get(metric)!;
    const ens = judge.ensemble.get(metric);
    rated[metric] = h.size;
    unmatched[metric] = [...h.keys()].filter((u) => !ens?.has(u)).length;
    rows.push(row(metric, null, pairUp(h, ens)));
    const perJudge = judge.byJudge.get(metric);
    for (const j of judge.judges) {
      const scores = perJudge?.get(j);
      if (scores) rows.push(row(metric, j, pairUp(h, scores)));
    }
  }
  return { rows, unmatched, rated };
}
