// `compare --until-decided`: the compare stage run once over the split in the
// seeded order, at its normal concurrency, with a hook that stops launching
// new samples as soon as the anytime-valid sign-test family (a mixture
// e-process per needed comparison, Holm at α; valid under optional stopping,
// unlike re-checking an ordinary p-value) has decided every comparison the
// gate needs. Outcomes enter the test in seeded order only (PrefixFeed).
import type { Comparison, Sample } from '../core/records.js';
import type { UntilDecidedComparison, UntilDecidedSection } from '../core/report.js';
import { compare, pairJobs } from '../stages/compare/compare.js';
import type { StageSummary } from '../pipeline/sink.js';
import { writeUntilDecided } from '../pipeline/until-decided-file.js';
import { SignFamilyStream, type StreamOutcome } from '../stats/index.js';
import { comparisonKey } from '../store/run.js';
import type { Session } from './session.js';
import { familyAlpha, gatePairs, judgeUntilDecided, seededOrder, stageFigures } from './until-decided.js';

export type CompareDecided = NonNullable<UntilDecidedSection['compare']>;

const cellKey = (c: { candidate: string; baseline: string; metric: string; judge: string }) => [c.candidate, c.baseline, c.metric, c.judge].join(' · ');

/** One sample's outcome on one cell: mean credit over rounds, as the report rounds it; null when no round gave a verdict. */
export function sampleOutcome(records: readonly Comparison[]): StreamOutcome {
  let sum = 0;
  let n = 0;
  for (const c of records) {
    if (c.credit === null) continue;
    sum += c.credit;
    n++;
  }
  if (!n) return null;
  const v = sum / n;
  return v > 0.5 ? 1 : v < 0.5 ? -1 : 0;
}

export async function compareUntilDecided(s: Session, samples: Sample[]): Promise<{ summary: StageSummary; result: CompareDecided }> {
  const { ctx, loaded } = s;
  const plan = s.pairwise!;
  const alpha = familyAlpha(loaded);
  const seed = loaded.config.run.seed;
  const order = seededOrder(samples, seed);
  const needed = gatePairs(loaded, s.argv as Record<string, unknown>, [...s.pairs.candidates, ...s.pairs.baselines]).filter(
    (p) => s.pairs.candidates.includes(p.candidate) && s.pairs.baselines.includes(p.baseline),
  );
  const cells = needed.flatMap((p) => plan.rubrics.flatMap((r) => plan.judges.map((j) => ({ ...p, metric: r.id, judge: j.name }))));
  const index = new Map(cells.map((c, i) => [cellKey(c), i]));
  // The jobs of one sample (every sample has the same): a record counts toward its sample only if it is one of them.
  const shape = order.length ? [...pairJobs([order[0]!], s.pairs, plan)] : [];
  const jobsPerSample = shape.length;
  const jobKey = (c: { candidate: string; baseline: string; metric: string; judge: string; round: number }) => `${cellKey(c)} · ${c.round}`;
  const jobs = new Set(shape.map((j) => jobKey({ candidate: j.candidate, baseline: j.baseline, metric: j.rubric.id, judge: j.judge.name, round: j.round })));
  const callsPerSample = jobsPerSample * (loaded.config.compare.bothOrders ? 2 : 1);
  const family = new SignFamilyStream(cells.length, { alpha });
  const { summary, judged, stoppingPrefix } = await judgeUntilDecided<Comparison, StageSummary>({
    order,
    jobsPerSample,
    inflight: ctx.inflight,
    decidedAtStart: !cells.length,
    keyOf: (c) => (jobs.has(jobKey(c)) ? comparisonKey(c) : null),
    decide: (_i, records) => {
      const by = cells.map(() => [] as Comparison[]);
      for (const c of records) {
        const k = index.get(cellKey(c));
        if (k !== undefined) by[k]!.push(c);
      }
      family.push(by.map(sampleOutcome));
      return family.allDecidedAfter !== null;
    },
    run: (hooks) => compare(ctx, order, s.pairs, plan, { ...hooks, retryFailed: Boolean(s.argv['retry-failed']) }),
  });
  const holm = family.adjusted();
  const result: CompareDecided = {
    ...stageFigures(order.length, judged, stoppingPrefix, callsPerSample),
    alpha,
    seed,
    comparisons: cells.map((c, i): UntilDecidedComparison => {
      const m = family.members[i]!;
      return {
        ...c,
        wins: m.wins,
        losses: m.losses,
        ties: m.ties,
        eValue: Math.exp(m.logMaxEValue),
        pAnytime: m.pAnytime,
        pAnytimeHolm: holm[i]!,
        decidedAfter: m.decidedAfter,
        winner: m.winner,
      };
    }),
  };
  writeUntilDecided(ctx.store.dir, 'compare', result);
  return { summary, result };
}
