// The score stage: pointwise rubric judging, resumable (skips what is
// recorded), bounded (a pool, not a promise per job) and budget-aware.
import type { StageContext } from '../context.js';
import type { Judgment, Sample } from '../types.js';
import { judgmentKey } from '../store/run.js';
import { runPool } from '../util/pool.js';
import { JudgmentSink, type StageSummary } from './sink.js';
import { BudgetStop } from '../judging/ask.js';
import type { JudgingPlan } from '../judging/setup.js';
import { pointJobs, type PointJob } from './jobs.js';
import { judgeOne, type ScoreSettings } from './judge-one.js';
import { listwiseScore } from './listwise.js';

export type { StageSummary };

const isRetryable = (j: Judgment) => j.failure !== undefined && (j.failure.kind === 'parse' || j.failure.kind === 'error');

export async function score(
  ctx: StageContext,
  samples: Sample[],
  models: string[],
  plan: JudgingPlan,
  opts: { retryFailed?: boolean } = {},
): Promise<StageSummary> {
  const settings: ScoreSettings = { ...ctx.loaded.config.score, ...(opts.retryFailed ? { noCache: true } : {}) };
  const responses = await ctx.store.responseIndex();
  const summary: StageSummary = { planned: 0, skipped: 0, written: 0, failures: 0, stoppedByBudget: false };

  // Keys already recorded, per judge file; with --retry-failed, the failed ones are redone.
  const done = new Map<string, Set<string>>();
  const redo = new Map<string, Set<string>>();
  for (const judge of plan.judges) {
    const file = ctx.store.judgmentsFile(judge.name);
    done.set(judge.name, await ctx.store.doneKeys<Judgment>(file, judgmentKey));
    if (opts.retryFailed) redo.set(judge.name, await ctx.store.doneKeys<Judgment>(file, judgmentKey, isRetryable));
  }
  const wanted = (j: PointJob) => {
    const key = judgmentKey({ sampleId: j.sample.id, model: j.model, metric: j.rubric.id, judge: j.judge.name, round: j.round });
    return opts.retryFailed ? Boolean(redo.get(j.judge.name)?.has(key)) : !done.get(j.judge.name)?.has(key);
  };

  const sink = new JudgmentSink(ctx, Boolean(opts.retryFailed), summary);
  if (ctx.loaded.config.score.mode !== 'per-response') {
    try {
      await listwiseScore(ctx, samples, models, plan, responses, wanted, settings, sink);
    } finally {
      await sink.close();
    }
    return summary;
  }

  let total = 0;
  for (const j of pointJobs(samples, models, plan, responses)) {
    summary.planned++;
    if (wanted(j)) total++;
  }
  summary.skipped = summary.planned - total;
  if (!total) return summary;
  sink.start('score', total);
  try {
    await runPool(
      (function* () {
        for (const j of pointJobs(samples, models, plan, responses)) if (wanted(j)) yield j;
      })(),
      ctx.inflight,
      async (job) => {
        try {
          sink.emit(await judgeOne(ctx, job, settings));
        } catch (err) {
          if (err instanceof BudgetStop) summary.stoppedByBudget = true;
          else throw err;
        }
      },
      () => summary.stoppedByBudget,
    );
  } finally {
    await sink.close();
  }
  return summary;
}

