// Listwise judging (EBM-RL): every system's answer to a sample in one prompt,
// labelled Model A, B, C… in an order shuffled per sample by the run's seed.
// A reply missing some labels or metrics is re-asked for those only; what was
// read is kept. One Judgment per (model, metric) comes out, as in pointwise mode.
import type { StageContext } from '../context.js';
import { loadListwiseRubric, type ListwiseRubric } from '../judge/rubric.js';
import { shuffleLabels } from '../judge/position.js';
import { renderListwise } from '../judge/render.js';
import { parseListwise } from '../judge/listwise-parse.js';
import { judgeHash, type Judge } from '../judge/judge.js';
import { offlineOverlap, offlineScore } from '../judge/offline.js';
import { sha256 } from '../judge/template.js';
import type { Judgment, ResponseRecord, Sample } from '../types.js';
import { ask, BudgetStop } from '../judging/ask.js';
import { judgeScene } from '../judging/scene.js';
import type { JudgingPlan } from '../judging/setup.js';
import { judgmentKey } from '../store/run.js';
import { runPool } from '../util/pool.js';
import { prepare, sampleView, type ScoreSettings } from './judge-one.js';
import type { PointJob } from './jobs.js';
import type { JudgmentSink } from './sink.js';

interface ListJob {
  sample: Sample;
  judge: Judge;
  round: number;
  /** The pointwise view of each (model, metric) cell this call fills. */
  cells: PointJob[];
  /** The models whose answers this call shows. */
  models: string[];
}

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
        for (const j of await judgeList(ctx, rubric, metrics.map((m) => m.key), job, job.models, responses, settings)) sink.emit(j);
      } catch (err) {
        if (err instanceof BudgetStop) summary.stoppedByBudget = true;
        else throw err;
      }
    },
    () => summary.stoppedByBudget,
  );
}

async function judgeList(
  ctx: StageContext,
  rubric: ListwiseRubric,
  keys: string[],
  job: ListJob,
  models: string[],
  responses: Map<string, Map<string, ResponseRecord>>,
  settings: ScoreSettings,
): Promise<Judgment[]> {
  const { sample, judge, round } = job;
  // Every model with an answer is shown (so the judge calibrates across all), even
  // when only some cells are still wanted.
  const answers = new Map<string, string>();
  for (const model of models) {
    const resp = responses.get(sample.id)?.get(model);
    const cell = { sample, model, response: resp, rubric: job.cells[0]!.rubric, judge, round };
    const p = prepare(cell, settings);
    if (resp && !resp.error && p.answer) answers.set(model, p.answer);
  }
  const assignment = shuffleLabels(sample.id, [...answers.keys()], ctx.loaded.config.run.seed);
  const keyToMetric = new Map(rubric.metrics.map((m) => [m.key, m.id]));
  const scores = new Map<string, number>(); // `${label}\0${key}` → score
  let askedOut: Awaited<ReturnType<typeof ask<true>>> | null = null;
  let framesHash: string | null = null;
  let promptHash = '';

  if (answers.size && judge.kind === 'offline') {
    for (const [model, label] of Object.entries(assignment.labels)) {
      for (const key of keys) {
        const metric = keyToMetric.get(key)!;
        scores.set(`${label}\u0000${key}`, offlineScore(metric, sample, answers.get(model)!, rubric.scale));
      }
    }
  } else if (answers.size && judge.kind === 'llm') {
    const scene = await judgeScene(ctx, rubric, judge, sample);
    framesHash = scene.framesHash;
    const candidates = assignment.order.map((model) => ({ label: assignment.labels[model]!, answer: answers.get(model)! }));
    const prompt = renderListwise(rubric, sampleView(sample, scene.caption), candidates, { json: judge.structuredOutput, frameCount: scene.manifest?.frames.length ?? 0 });
    promptHash = sha256(prompt).slice(0, 16);
    const labels = candidates.map((c) => c.label);
    askedOut = await ask<true>(
      ctx,
      {
        judge,
        prompt,
        scene: scene.parts,
        key: `listwise:${judgeHash(judge).slice(0, 16)}:r${round}`,
        maxRetries: settings.maxParseRetries,
        ...(settings.noCache ? { noCache: true } : {}),
        parse: (reply) => {
          const parsed = parseListwise(reply, labels, keys, rubric.scale);
          for (const [label, m] of Object.entries(parsed.scores)) for (const [k, v] of Object.entries(m)) scores.set(`${label}\u0000${k}`, v);
          const missing = parsed.missing.filter((c) => !scores.has(`${c.label}\u0000${c.metric}`));
          if (!missing.length) return { ok: true, value: true };
          const list = missing.map((c) => `Model ${c.label} ${c.metric}`).join(', ');
          return { ok: false, error: `missing ${list}`, retry: `Your reply did not give these scores: ${list}. Reply with a JSON object containing only those, e.g. {"${missing[0]!.label}": {"${missing[0]!.metric}": N}}.` };
        },
      },
      ctx.judgeOverrides,
    );
  }

  return job.cells.map((cell) => {
    const p = prepare(cell, settings);
    const label = assignment.labels[cell.model];
    const key = rubric.metrics.find((m) => m.id === cell.rubric.id)!.key;
    const value = label ? scores.get(`${label}\u0000${key}`) : undefined;
    const base = {
      ...p.base,
      mode: judge.kind === 'offline' ? ('offline' as const) : job.models.length === 1 && ctx.loaded.config.score.mode === 'multi-metric' ? ('multi-metric' as const) : ('listwise' as const),
      provenance: {
        ...p.base.provenance,
        templateHash: `${rubric.template.hash.slice(0, 16)}:${promptHash}`,
        framesHash,
        order: label ? `listwise:${label}` : 'listwise:-',
      },
      raw: askedOut?.raw ?? (judge.kind === 'offline' ? [`offline lexical overlap ${label ? offlineOverlap(cell.rubric.id, sample, answers.get(cell.model)!).toFixed(4) : '-'}`] : []),
      attempts: askedOut?.attempts ?? (judge.kind === 'offline' ? 1 : 0),
      usage: askedOut?.usage ?? null,
      latencyMs: askedOut?.latencyMs ?? null,
      sent: askedOut?.sent ?? null,
    };
    if (value !== undefined) return { ...base, score: value };
    const failure = !label
      ? cell.response && !cell.response.error
        ? { kind: 'empty-answer' as const, message: 'the response has no answer to judge' }
        : { kind: 'missing-response' as const, message: cell.response?.error ?? `no response of ${cell.model}` }
      : (askedOut?.failure ?? { kind: 'parse' as const, message: `no ${key} score for Model ${label}` });
    return { ...base, score: settings.zeroOnFailure ? 0 : null, failure };
  }) as Judgment[];
}
