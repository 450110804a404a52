// What the gate needs from a run beyond the Report: the Report's counts do not
// say which comparison failures the judge caused (an empty answer is the
// candidate's fault, not the judge's), and its paired differences carry no sd
// and exist only for the config's compare pairs. One streaming pass answers both.
import { sampleStandardDeviation } from 'simple-statistics';
import { ScoreAccumulator } from '../../stats/index.js';
import { comparisonKey, judgmentKey, type RunStore } from '../../store/run.js';
import type { Failure } from '../../core/records.js';

export interface PairedSpread {
  /** Samples scored for both models. */
  n: number;
  /** Sample sd of the per-sample differences (candidate − baseline); null when n < 2. */
  sd: number | null;
  /** The per-sample differences, sorted by sample id (the gate's interval is computed from them). */
  diffs?: number[];
  /** Cluster id of each difference, same order; each sample its own cluster when the split has none. */
  clusters?: string[];
  /** How the clusters were formed ('none' = every sample its own cluster). */
  clusterBy?: string;
}

export interface GateEvidence {
  /** Judgments plus comparisons in the run (one per key). */
  records: number;
  /** Records that failed because of the judge: unparseable replies and judge errors. */
  judgeFailures: number;
  /** metric id → spread of per-sample score differences. */
  paired: Record<string, PairedSpread>;
}

const byJudge = (f: Failure | undefined) => f?.kind === 'parse' || f?.kind === 'error';

/**
 * `clusterOf` maps a sample id to its cluster (session, video, character);
 * samples missing from it, or all when it is absent, are their own cluster.
 */
export async function gatherEvidence(
  store: RunStore,
  candidate: string,
  baseline: string,
  clusterOf?: ReadonlyMap<string, string>,
  clusterBy = 'none',
): Promise<GateEvidence> {
  let records = 0;
  let judgeFailures = 0;
  // Same duplicate rule as the report: the first record of a key counts.
  const seen = new Set<string>();
  const acc = new Map<string, [ScoreAccumulator, ScoreAccumulator]>();
  for await (const j of store.judgments()) {
    const k = judgmentKey(j);
    if (seen.has(k)) continue;
    seen.add(k);
    records++;
    if (byJudge(j.failure)) judgeFailures++;
    if (j.model !== candidate && j.model !== baseline) continue;
    let pair = acc.get(j.metric);
    if (!pair) acc.set(j.metric, (pair = [new ScoreAccumulator(), new ScoreAccumulator()]));
    pair[j.model === candidate ? 0 : 1].add(j.sampleId, j.judge, j.round, j.score);
  }
  seen.clear();
  for await (const x of store.comparisons()) {
    const k = comparisonKey(x);
    if (seen.has(k)) continue;
    seen.add(k);
    records++;
    if (byJudge(x.failure)) judgeFailures++;
  }
  const paired: Record<string, PairedSpread> = {};
  for (const [metric, [c, b]] of acc) {
    const cs = c.perSample();
    const bs = b.perSample();
    const ids = [...cs.keys()].filter((id) => bs.has(id)).sort();
    const diffs = ids.map((id) => cs.get(id)! - bs.get(id)!);
    // A sample with no cluster is its own: prefixed so it cannot collide with a real cluster id.
    const clusters = ids.map((id) => clusterOf?.get(id) ?? `sample:${id}`);
    paired[metric] = {
      n: diffs.length,
      sd: diffs.length >= 2 ? sampleStandardDeviation(diffs) : null,
      diffs,
      clusters,
      clusterBy: clusterOf ? clusterBy : 'none',
    };
  }
  return { records, judgeFailures, paired };
}
