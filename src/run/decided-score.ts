// `score --until-decided`: pointwise judging in the seeded order that stops
// launching once, for every (candidate, baseline, metric, judge) the gate's
// mean rule needs, an anytime-valid confidence sequence for the mean paired
// difference candidate − baseline lies wholly below −margin (a regression is
// shown) or wholly above it (no regression beyond the margin). The sequence
// is the empirical-Bernstein one (src/stats/confidence-sequence.ts) on the
// difference rescaled from [−width, width] to [0, 1], each at α/K (Bonferroni
// over the K needed cells). Samples enter in seeded order only (PrefixFeed).
import { UsageError } from '../core/errors.js';
import type { Judgment, Sample } from '../core/records.js';
import type { UntilDecidedScorePair, UntilDecidedSection } from '../core/report.js';
import { score } from '../stages/score/score.js';
import type { StageSummary } from '../pipeline/sink.js';
import { writeUntilDecided } from '../pipeline/until-decided-file.js';
import { csDecision, EmpiricalBernsteinCs, fromUnit, toUnit, type CsDecision } from '../stats/index.js';
import type { Session } from './session.js';
import { familyAlpha, gateMargin, gatePairs, PrefixFeed, seededOrder } from './until-decided.js';

export type ScoreDecided = NonNullable<UntilDecidedSection['score']>;

interface Cell {
  candidate: string;
  baseline: string;
  metric: string;
  judge: string;
  width: number;
  cs: EmpiricalBernsteinCs;
  n: number;
  sum: number;
  decidedAfter: number | null;
  decision: CsDecision;
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
  if (loaded.config.score.mode !== 'per-response')
    throw new UsageError(`score --until-decided needs score.mode "per-response" (the config has "${loaded.config.score.mode}"): one listwise call judges every model at once`);
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
        width: r.scale.max - r.scale.min,
        cs: new EmpiricalBernsteinCs({ alpha: alpha / Math.max(1, k) }),
        n: 0,
        sum: 0,
        decidedAfter: null,
        decision: null,
      })),
    ),
  );
  const rounds = plan.judges.reduce((n, j) => n + (plan.rounds.get(j.name) ?? 1), 0);
  const callsPerSample = models.length * plan.rubrics.length * rounds;
  let stoppingPrefix: number | null = cells.length ? null : 0;
  const feed = new PrefixFeed<Judgment>(
    order.map((x) => x.id),
    callsPerSample,
    (i, records) => {
      for (const c of cells) {
        const a = meanScore(records, c.candidate, c.metric, c.judge);
        const b = meanScore(records, c.baseline, c.metric, c.judge);
        if (a === null || b === null || !(c.width > 0)) continue;
        c.cs.push(toUnit(a - b, c.width));
        c.n++;
        c.sum += a - b;
        const st = c.cs.state();
        // The running intersection only shrinks, so a decision once made stays.
        const d = csDecision(fromUnit(st.lower, c.width), fromUnit(st.upper, c.width), margin);
        if (d && c.decidedAfter === null) {
          c.decidedAfter = i + 1;
          c.decision = d;
        }
      }
      if (stoppingPrefix === null && cells.every((c) => c.decidedAfter !== null)) stoppingPrefix = i + 1;
    },
  );
  const ids = new Set(order.map((x) => x.id));
  for await (const j of ctx.store.judgments()) if (ids.has(j.sampleId)) feed.add(j.sampleId, j);
  const summary = await score(ctx, order, models, plan, {
    keepLaunching: () => stoppingPrefix === null,
    onRecord: (j) => feed.add(j.sampleId, j),
  });
  const judged = feed.touched;
  const result: ScoreDecided = {
    stoppedEarly: judged < order.length,
    samplesJudged: judged,
    samplesInSplit: order.length,
    stoppingPrefix,
    callsPerSample,
    callsSaved: (order.length - judged) * callsPerSample,
    alpha,
    seed,
    pairs: cells.map((c): UntilDecidedScorePair => {
      const st = c.cs.state();
      return {
        candidate: c.candidate,
        baseline: c.baseline,
        metric: c.metric,
        judge: c.judge,
        n: c.n,
        mean: c.n ? c.sum / c.n : null,
        lower: fromUnit(st.lower, c.width),
        upper: fromUnit(st.upper, c.width),
        alpha: c.cs.alpha,
        margin,
        decidedAfter: c.decidedAfter,
        decision: c.decision,
      };
    }),
  };
  writeUntilDecided(ctx.store.dir, 'score', result);
  return { summary, result };
}
