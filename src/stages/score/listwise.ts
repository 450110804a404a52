// The listwise score stage (EBM-RL's protocol): one call per (sample, judge,
// round) shows every system's answer; the cells still wanted are filled from it.
import type { StageContext } from '../../pipeline/context.js';
import { loadListwiseRubric } from '../../judge/rubrics/rubric.js';
import type { ResponseRecord, Sample } from '../../core/records.js';
import { BudgetStop } from '../../core/errors.js';
import { judgeList, type ListJob, type ListwiseSettings } from '../../judge/listwise.js';
import type { ScoreSettings } from '../../judge/view.js';
import type { JudgingPlan } from '../../pipeline/plan.js';
import { runPool } from '../../core/pool.js';
import type { PointJob } from './jobs.js';
import type { JudgmentSink } from '../../pipeline/sink.js';

export async function listwiseScore(
  ctx: StageContext,
  samples: Sample[],
  models: string[],
  plan: JudgingPlan,
  responses: Map<string, Map<string, ResponseRecord>>,
  wanted: (j: PointJob) => boolean,
  settings: ScoreSettings,
  sink: JudgmentSink,
): Promise<void> {
  const cfg = ctx.loaded.config.score;
  // Multi-metric mode is the same machinery with one reply per call: cheaper
  // than one call per metric, but not what either paper did (opt-in).
  const multi = cfg.mode === 'multi-metric';
  const listSettings: ListwiseSettings = { ...settings, seed: ctx.loaded.config.run.seed, multiMetric: multi };
  const rubric = loadListwiseRubric(ctx.loaded.config.rubricsDir, multi ? cfg.multiMetricRubric : cfg.listwiseRubric);
  const groups = multi ? models.map((m) => [m]) : [models];
  const byId = new Map(plan.rubrics.map((r) => [r.id, r]));
  const metrics = rubric.metrics.filter((m) => byId.has(m.id));
  const summary = sink.summary;
  const jobs: ListJob[] = [];
  for (const sample of samples) {
    for (const judge of plan.judges) {
      for (let round = 1; round <= (plan.rounds.get(judge.name) ?? 1); round++) {
        for (const group of groups) {
          const cells: PointJob[] = [];
          for (const model of group) {
            for (const m of metrics) {
              const cell = { sample, model, response: responses.get(sample.id)?.get(model), rubric: byId.get(m.id)!, judge, round };
              summary.planned++;
              if (wanted(cell)) cells.push(cell);
            }
          }
          if (cells.length) jobs.push({ sample, judge, round, cells, models: group });
        }
      }
    }
  }
  const total = jobs.reduce((n, j) => n + j.cells.length, 0);
  summary.skipped = summary.planned - total;
  if (!total) return;
  sink.start(multi ? 'score (multi-metric)' : 'score (listwise)', total);
  await runPool(
    jobs,
    ctx.inflight,
    async (job) => {
      try {
        sink.begin(job.cells.length);
        for (const j of await judgeList(ctx, rubric, metrics.map((m) => m.key), job, job.models, responses, listSettings)) sink.emit(j);
      } catch (err) {
        if (err instanceof BudgetStop) summary.stoppedByBudget = true;
        else throw err;
      }
    },
    () => summary.stoppedByBudget,
  );
}

