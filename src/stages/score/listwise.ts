// The listwise score stage (EBM-RL's protocol): one call per (sample, judge,
// round) shows every system's answer; the cells still wanted are filled from it.
import type { StageContext } from '../../pipeline/context.js';
import { join } from 'node:path';
import { loadListwiseRubric, type ListwiseRubric } from '../../judge/rubrics/rubric.js';
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
  // EBM-RL as released asks one metric per call: one listwise rubric file per
  // metric (listwiseRubrics), each with its own frames and grammar.
  const ids = multi ? [cfg.multiMetricRubric] : (cfg.listwiseRubrics ?? [cfg.listwiseRubric]);
  const rubrics = ids.map((id) => loadListwiseRubric(ctx.loaded.config.rubricsDir, id));
  const groups = multi ? models.map((m) => [m]) : [models];
  const byId = new Map(plan.rubrics.map((r) => [r.id, r]));
  const summary = sink.summary;
  const jobs: Array<ListJob & { rubric: ListwiseRubric; keys: string[] }> = [];
  for (const rubric of rubrics) {
    const metrics = rubric.metrics.filter((m) => byId.has(m.id));
    if (!metrics.length) continue;
    const keys = metrics.map((m) => m.key);
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
            if (cells.length) jobs.push({ sample, judge, round, cells, models: group, rubric, keys });
          }
        }
      }
    }
  }
  const total = jobs.reduce((n, j) => n + j.cells.length, 0);
  summary.skipped = summary.planned - total;
  if (!total) return;
  // The drop convention's log: which samples left the means, and why.
  const drops =
    settings.zeroOnFailure && rubrics.some((r) => r.paperFailure === 'drop') && !ctx.dryRun && !ctx.collect
      ? ctx.store.writer(join(ctx.store.dir, 'drops.jsonl'))
      : null;
  sink.start(multi ? 'score (multi-metric)' : 'score (listwise)', total);
  try {
    await runPool(
      jobs,
      ctx.inflight,
      async (job) => {
        try {
          sink.begin(job.cells.length);
          const judged = await judgeList(ctx, job.rubric, job.keys, job, job.models, responses, listSettings);
          for (const j of judged) sink.emit(j);
          const drop = judged.find((j) => j.failure?.kind === 'dropped');
          if (drop)
            drops?.append({
              type: 'drop',
              sampleId: job.sample.id,
              rubric: job.rubric.id,
              metric: drop.metric,
              judge: job.judge.name,
              round: job.round,
              reason: drop.failure!.message,
            });
        } catch (err) {
          if (err instanceof BudgetStop) summary.stoppedByBudget = true;
          else throw err;
        }
      },
      () => summary.stoppedByBudget,
    );
  } finally {
    await drops?.close();
  }
}
