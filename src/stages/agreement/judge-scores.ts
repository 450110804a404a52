// Per-(sample, model) judge scores for the agreement study, averaged exactly
// as the report averages them: rounds within a judge, then judges.
import { ScoreAccumulator } from '../../stats/index.js';
import { judgmentKey, type RunStore } from '../../store/run.js';

const SEP = '\u0000';
export const unitKey = (sampleId: string, model: string) => `${sampleId}${SEP}${model}`;

export interface JudgeScores {
  judges: string[];
  /** metric → unit(sample␀model) → ensemble score (judges averaged) */
  ensemble: Map<string, Map<string, number>>;
  /** metric → judge → unit → that judge's score (its rounds averaged) */
  byJudge: Map<string, Map<string, Map<string, number>>>;
}

/**
 * Stream the run's judgments for the given (model, metric) cells only, so a
 * large run costs memory in proportion to what the humans rated.
 */
export async function collectJudgeScores(store: RunStore, wanted: (model: string, metric: string) => boolean): Promise<JudgeScores> {
  // model␀metric → one accumulator for all judges, and one per judge
  const cells = new Map<string, { all: ScoreAccumulator; judges: Map<string, ScoreAccumulator> }>();
  const judges = new Set<string>();
  const seen = new Set<string>();
  for await (const j of store.judgments()) {
    if (!wanted(j.model, j.metric)) continue;
    // The report keeps the first record of a repeated key; so does this.
    const k = judgmentKey(j);
    if (seen.has(k)) continue;
    seen.add(k);
    judges.add(j.judge);
    const ck = `${j.model}${SEP}${j.metric}`;
    let cell = cells.get(ck);
    if (!cell) cells.set(ck, (cell = { all: new ScoreAccumulator(), judges: new Map() }));
    cell.all.add(j.sampleId, j.judge, j.round, j.score);
    let one = cell.judges.get(j.judge);
    if (!one) cell.judges.set(j.judge, (one = new ScoreAccumulator()));
    one.add(j.sampleId, j.judge, j.round, j.score);
  }
  const ensemble: JudgeScores['ensemble'] = new Map();
  const byJudge: JudgeScores['byJudge'] = new Map();
  const getOr = <K, V>(m: Map<K, V>, k: K, make: () => V) => m.get(k) ?? (m.set(k, make()), m.get(k)!);
  for (const [ck, cell] of cells) {
    const [model, metric] = ck.split(SEP) as [string, string];
    const ens = getOr(ensemble, metric, () => new Map<string, number>());
    for (const [sampleId, v] of cell.all.perSample()) ens.set(unitKey(sampleId, model), v);
    const perJudge = getOr(byJudge, metric, () => new Map<string, Map<string, number>>());
    for (const [judge, acc] of cell.judges) {
      const m = getOr(perJudge, judge, () => new Map<string, number>());
      for (const [sampleId, v] of acc.perSample()) m.set(unitKey(sampleId, model), v);
    }
  }
  return { judges: [...judges].sort(), ensemble, byJudge };
}
