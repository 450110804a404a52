// `compare --until-decided`: samples judged in a seeded random order, a batch
// at a time; after each batch the anytime-valid sign test family (a mixture
// e-process per comparison, Holm at α; valid under optional stopping, unlike
// re-checking an ordinary p-value) is run on what has been judged, and
// judging stops once every comparison is decided. Minimal by design: it reuses
// the compare stage unchanged on each batch; score is not covered.
import { sha256 } from '../core/hash.js';
import type { Comparison, Sample } from '../core/records.js';
import { compare, pairJobs } from '../stages/compare/compare.js';
import type { StageSummary } from '../pipeline/sink.js';
import { sequentialSignTestFamily, type FamilyResult } from '../stats/index.js';
import { writeFileAtomic } from '../store/jsonl.js';
import type { Session } from './session.js';

export interface UntilDecided {
  stoppedEarly: boolean;
  samplesJudged: number;
  samplesInSplit: number;
  /** Comparisons (judge calls × orders) not made because judging stopped. */
  callsSaved: number;
  alpha: number;
  comparisons: Array<{
    key: string;
    wins: number;
    losses: number;
    ties: number;
    eValue: number;
    pAnytime: number;
    decidedAfter: number | null;
    winner: string | null;
  }>;
}

/** Seeded order: samples sorted by a hash of (seed, id), the same on every rerun. */
export function seededOrder(samples: readonly Sample[], seed: number | string): Sample[] {
  return samples
    .map((s) => ({ s, k: sha256(`${seed}:${s.id}`) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    .map((x) => x.s);
}

/** Per comparison cell, outcomes in judging order (+1 win, −1 loss, 0 tie; rounds by mean credit, as the report does). */
export function outcomeStreams(records: readonly Comparison[], order: readonly string[]): Map<string, number[]> {
  const credit = new Map<string, Map<string, [number, number]>>();
  for (const c of records) {
    if (c.credit === null) continue;
    const key = [c.candidate, c.baseline, c.metric, c.judge].join(' · ');
    let m = credit.get(key);
    if (!m) credit.set(key, (m = new Map()));
    const x = m.get(c.sampleId) ?? [0, 0];
    x[0] += c.credit;
    x[1]++;
    m.set(c.sampleId, x);
  }
  const out = new Map<string, number[]>();
  for (const [key, m] of [...credit].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const stream: number[] = [];
    for (const id of order) {
      const x = m.get(id);
      if (!x) continue;
      const v = x[0] / x[1];
      stream.push(v > 0.5 ? 1 : v < 0.5 ? -1 : 0);
    }
    out.set(key, stream);
  }
  return out;
}

export async function compareUntilDecided(s: Session, samples: Sample[]): Promise<{ summary: StageSummary; result: UntilDecided }> {
  const { ctx, loaded } = s;
  const plan = s.pairwise!;
  const alpha = loaded.config.gate?.alpha ?? 0.05;
  const order = seededOrder(samples, loaded.config.run.seed);
  const perSample = order.length ? [...pairJobs([order[0]!], s.pairs, plan)].length * (loaded.config.compare.bothOrders ? 2 : 1) : 0;
  const batch = Math.max(4, ctx.inflight);
  const summary: StageSummary = { planned: 0, skipped: 0, written: 0, failures: 0, stoppedByBudget: false };
  let judged = 0;
  let fam: FamilyResult | null = null;
  let keys: string[] = [];
  while (judged < order.length) {
    const part = order.slice(judged, judged + batch);
    const sum = await compare(ctx, part, s.pairs, plan);
    for (const k of ['planned', 'skipped', 'written', 'failures'] as const) summary[k] += sum[k];
    judged += part.length;
    if (sum.stoppedByBudget) {
      summary.stoppedByBudget = true;
      break;
    }
    const records: Comparison[] = [];
    for await (const c of ctx.store.comparisons()) records.push(c);
    const streams = outcomeStreams(
      records,
      order.slice(0, judged).map((x) => x.id),
    );
    keys = [...streams.keys()];
    fam = sequentialSignTestFamily([...streams.values()], { alpha });
    if (keys.length && fam.allDecidedAfter !== null) break;
  }
  const result: UntilDecided = {
    stoppedEarly: judged < order.length,
    samplesJudged: judged,
    samplesInSplit: order.length,
    callsSaved: (order.length - judged) * perSample,
    alpha,
    comparisons: keys.map((key, i) => {
      const m = fam!.members[i]!;
      return {
        key,
        wins: m.wins,
        losses: m.losses,
        ties: m.ties,
        eValue: Math.exp(m.logMaxEValue),
        pAnytime: m.pAnytime,
        decidedAfter: m.decidedAfter,
        winner: m.winner,
      };
    }),
  };
  writeFileAtomic(`${ctx.store.dir}/until-decided.json`, `${JSON.stringify(result, null, 2)}\n`);
  return { summary, result };
}
