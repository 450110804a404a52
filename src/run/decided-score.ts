// `score --until-decided`: pointwise judging in the seeded order that stops
// launching once, for every (candidate, baseline, metric, judge) the gate's
// mean rule needs, an anytime-valid confidence sequence for the mean paired
// difference candidate − baseline lies wholly below −margin (a regression is
// shown) or wholly above it (no regression beyond the margin). The sequence
// is the empirical-Bernstein one (src/stats/confidence-sequence.ts) on the
// difference rescaled from [−width, width] to [0, 1], each at α/K (Bonferroni
// over the K needed cells). Samples enter in seeded order only (PrefixFeed).
import type { Judgment, Sample } from '../core/records.js';
import type { UntilDecidedScorePair, UntilDecidedSection } from '../core/report.js';
import { score } from '../stages/score/score.js';
import type { StageSummary } from '../pipeline/sink.js';
import { writeUntilDecided } from '../pipeline/until-decided-file.js';
import { MarginTest } from '../stats/index.js';
import { judgmentKey } from '../store/run.js';
import type { Session } from './session.js';
import { familyAlpha, gateMargin, gatePairs, judgeUntilDecided, seededOrder, stageFigures } from './until-decided.js';

export type ScoreDecided = NonNullable<UntilDecidedSection['score']>;

interface Cell {
  candidate: string;
  baseline: string;
  metric: string;
  judge: string;
  test: MarginTest | null;
}

/** Mean score over rounds of one model in one sample's records; null when no round gave a score. */
export function meanScore(records: readonly Judgment[], model: string, metric: string, judge: string): number | null {
  let sum = 0;
  let n = 0;
  for (const j of records) {
    if (j.model !== model || j.metric !== metric || j.judge !== judge || j.score === null) continue;
    sum += j.score;
    n++;
  }
  return n ? sum / n : null;
}

export async function scoreUntilDecided(s: Session, samples: Sample[]): Promise<{ summary: StageSummary; result: ScoreDecided }> {
  const { ctx, loaded } = s;
  const plan = s.pointwise!;
  const alpha = familyAlpha(loaded);
  const margin = gateMargin(loaded);
  const seed = loaded.config.run.seed;
  const models = s.models.map((m) => m.name);
  const order = seededOrder(samples, seed);
  const pairs = gatePairs(loaded, s.argv as Record<string, unknown>, models).filter((p) => models.includes(p.candidate) && models.includes(p.baseline));
  const k = pairs.length * plan.rubrics.length * plan.judges.length;
  const cells: Cell[] = pairs.flatMap((p) =>
    plan.rubrics.flatMap((r) =>
      plan.judges.map((j) => ({
        ...p,
        metric: r.id,
        judge: j.name,
        // A rubric without a usable scale gets no test: it can never be decided (said in the result).
        test: r.scale.max > r.scale.min ? new MarginTest(r.scale.max - r.scale.min, margin, alpha / Math.max(1, k)) : null,
      })),
    ),
  );
  const rounds = plan.judges.reduce((n, j) => n + (plan.rounds.get(j.name) ?? 1), 0);
  const callsPerSample = models.length * plan.rubrics.length * rounds;
  // A record counts toward its sample only if it is one of this run's jobs.
  const metrics = new Set(plan.rubrics.map((r) => r.id));
  const isJob = (j: Judgment) =>
    models.includes(j.model) &&
    metrics.has(j.metric) &&
    plan.judges.some((x) => x.name === j.judge) &&
    j.round >= 1 &&
    j.round <= (plan.rounds.get(j.judge) ?? 1);
  const { summary, judged, stoppingPrefix } = await judgeUntilDecided<Judgment, StageSummary>({
    order,
    jobsPerSample: callsPerSample,
    inflight: ctx.inflight,
    decidedAtStart: !cells.length,
    keyOf: (j) => (isJob(j) ? judgmentKey(j) : null),
    decide: (i, records) => {
      for (const c of cells) {
        const a = meanScore(records, c.candidate, c.metric, c.judge);
        const b = meanScore(records, c.baseline, c.metric, c.judge);
        if (a === null || b === null || !c.test) continue;
        c.test.push(a - b, i + 1);
      }
      return cells.every((c) => c.test?.decidedAfter != null);
    },
    run: (hooks) => score(ctx, order, models, plan, { ...hooks, retryFailed: Boolean(s.argv['retry-failed']) }),
  });
  const result: ScoreDecided = {
    ...stageFigures(order.length, judged, stoppingPrefix, callsPerSample),
    alpha,
    seed,
    pairs: cells.map((c): UntilDecidedScorePair => {
      const t = c.test;
      const [lower, upper] = t ? t.interval() : [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
      return {
        candidate: c.candidate,
        baseline: c.baseline,
        metric: c.metric,
        judge: c.judge,
        n: t?.n ?? 0,
        mean: t?.n ? t.sum / t.n : null,
        lower,
        upper,
        alpha: alpha / Math.max(1, k),
        margin,
        decidedAfter: t?.decidedAfter ?? null,
        decision: t?.decision ?? null,
      };
    }),
  };
  writeUntilDecided(ctx.store.dir, 'score', result);
  return { summary, result };
}
