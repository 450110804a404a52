// The compare stage: anonymized pairwise judging of each candidate against each
// baseline, per metric. Positions come from a seeded hash of (sample, pair,
// metric) and, by default, every pair is judged in both orders and combined by
// a named rule (strict, ebm, half).
import type { StageContext } from '../context.js';
import type { Comparison, OrderedVerdict, ResponseRecord, Sample, Verdict } from '../types.js';
import type { Judge } from '../judge/judge.js';
import { judgeHash } from '../judge/judge.js';
import type { Rubric } from '../judge/rubric.js';
import { assignOrder } from '../judge/position.js';
import { combineOrders, outcomeFor } from '../judge/combine.js';
import { renderPairwise } from '../judge/render.js';
import { isVerdict, parseVerdict } from '../judge/verdict-parse.js';
import { offlineVerdict } from '../judge/offline.js';
import { sha256 } from '../judge/template.js';
import { ask, BudgetStop } from '../judging/ask.js';
import { judgeScene } from '../judging/scene.js';
import type { JudgingPlan } from '../judging/setup.js';
import { comparisonKey } from '../store/run.js';
import { rewriteJsonl, type JsonlWriter } from '../store/jsonl.js';
import { runPool } from '../util/pool.js';
import { Progress } from '../progress.js';
import { prepare, sampleView, type ScoreSettings } from '../score/judge-one.js';
import type { StageSummary } from '../score/score.js';

export interface PairJob {
  sample: Sample;
  candidate: string;
  baseline: string;
  rubric: Rubric;
  judge: Judge;
  round: number;
}

export interface Pairs {
  candidates: string[];
  baselines: string[];
}

export function* pairJobs(samples: Sample[], pairs: Pairs, plan: JudgingPlan): Generator<PairJob> {
  for (const sample of samples)
    for (const candidate of pairs.candidates)
      for (const baseline of pairs.baselines) {
        if (candidate === baseline) continue;
        for (const rubric of plan.rubrics)
          for (const judge of plan.judges)
            for (let round = 1; round <= (plan.rounds.get(judge.name) ?? 1); round++) yield { sample, candidate, baseline, rubric, judge, round };
      }
}

const keyOf = (j: PairJob) =>
  comparisonKey({ sampleId: j.sample.id, candidate: j.candidate, baseline: j.baseline, metric: j.rubric.id, judge: j.judge.name, round: j.round });

const verdictSchema = {
  title: 'verdict',
  type: 'object',
  properties: { reasoning: { type: 'string' }, verdict: { type: 'string', enum: ['A', 'B', 'tie'] } },
  required: ['reasoning', 'verdict'],
  additionalProperties: false,
};

export async function compare(
  ctx: StageContext,
  samples: Sample[],
  pairs: Pairs,
  plan: JudgingPlan,
  opts: { retryFailed?: boolean } = {},
): Promise<StageSummary> {
  const cfg = ctx.loaded.config;
  const settings: ScoreSettings = { ...cfg.score, zeroOnFailure: false, ...(opts.retryFailed ? { noCache: true } : {}) };
  const responses = await ctx.store.responseIndex();
  const summary: StageSummary = { planned: 0, skipped: 0, written: 0, failures: 0, stoppedByBudget: false };
  const done = new Map<string, Set<string>>();
  for (const judge of plan.judges) {
    const file = ctx.store.comparisonsFile(judge.name);
    done.set(judge.name, await ctx.store.doneKeys<Comparison>(file, comparisonKey, opts.retryFailed ? (c) => c.outcome === null : () => true));
  }
  const wanted = (j: PairJob) => (opts.retryFailed ? done.get(j.judge.name)!.has(keyOf(j)) : !done.get(j.judge.name)!.has(keyOf(j)));
  let total = 0;
  for (const j of pairJobs(samples, pairs, plan)) {
    summary.planned++;
    if (wanted(j)) total++;
  }
  summary.skipped = summary.planned - total;
  if (!total) return summary;

  const writers = new Map<string, JsonlWriter>();
  const replaced = new Map<string, Map<string, Comparison>>();
  const progress = new Progress({ label: 'compare', total, quiet: ctx.quiet });
  try {
    await runPool(
      (function* () {
        for (const j of pairJobs(samples, pairs, plan)) if (wanted(j)) yield j;
      })(),
      ctx.inflight,
      async (job) => {
        let c: Comparison;
        try {
          c = await compareOne(ctx, job, responses, settings);
        } catch (err) {
          if (err instanceof BudgetStop) {
            summary.stoppedByBudget = true;
            return;
          }
          throw err;
        }
        if (ctx.dryRun || ctx.collect) return;
        if (opts.retryFailed) {
          let m = replaced.get(c.judge);
          if (!m) replaced.set(c.judge, (m = new Map()));
          m.set(comparisonKey(c), c);
        } else {
          let w = writers.get(c.judge);
          if (!w) writers.set(c.judge, (w = ctx.store.writer(ctx.store.comparisonsFile(c.judge))));
          w.append(c);
        }
        summary.written++;
        if (c.outcome === null) summary.failures++;
        progress.tick({ error: c.outcome === null, tokens: c.orders.reduce((n, o) => n + (o.usage?.total ?? 0), 0) });
      },
      () => summary.stoppedByBudget,
    );
  } finally {
    for (const w of writers.values()) await w.close();
    for (const [judge, m] of replaced) await rewriteJsonl<Comparison>(ctx.store.comparisonsFile(judge), (r) => m.get(comparisonKey(r)) ?? r);
    progress.finish();
  }
  return summary;
}

function answerOf(job: PairJob, model: string, responses: Map<string, Map<string, ResponseRecord>>, settings: ScoreSettings) {
  const response = responses.get(job.sample.id)?.get(model);
  const p = prepare({ sample: job.sample, model, response, rubric: job.rubric, judge: job.judge, round: job.round }, settings);
  return { response, answer: p.answer, hash: p.base.provenance.responseHash };
}

export async function compareOne(
  ctx: StageContext,
  job: PairJob,
  responses: Map<string, Map<string, ResponseRecord>>,
  settings: ScoreSettings,
): Promise<Comparison> {
  const cfg = ctx.loaded.config;
  const cand = answerOf(job, job.candidate, responses, settings);
  const base = answerOf(job, job.baseline, responses, settings);
  const first = assignOrder(job.sample.id, job.candidate, job.baseline, job.rubric.id, cfg.run.seed);
  const orderList: Array<'AB' | 'BA'> = cfg.compare.bothOrders ? [first, first === 'AB' ? 'BA' : 'AB'] : [first];
  const jh = judgeHash(job.judge);
  const record: Comparison = {
    type: 'comparison',
    sampleId: job.sample.id,
    candidate: job.candidate,
    baseline: job.baseline,
    metric: job.rubric.id,
    judge: job.judge.name,
    round: job.round,
    orders: [],
    rule: cfg.compare.combine,
    outcome: null,
    credit: null,
    provenance: {
      judgeHash: jh,
      templateHash: job.rubric.pairwiseTemplate!.hash.slice(0, 16),
      rubricVersion: job.rubric.version,
      responseHash: `${cand.hash}:${base.hash}`,
      framesHash: null,
      round: job.round,
    },
    candidateChars: cand.answer.length,
    baselineChars: base.answer.length,
  };
  const missing = [cand, base].find((x) => !x.response || x.response.error || !x.answer);
  if (missing) {
    const which = missing === cand ? job.candidate : job.baseline;
    record.failure = missing.response && !missing.response.error
      ? { kind: 'empty-answer', message: `${which} has no answer to compare` }
      : { kind: 'missing-response', message: missing.response?.error ?? `no response of ${which}` };
    return record;
  }
  const scene = job.judge.kind === 'llm' ? await judgeScene(ctx, job.rubric, job.judge, job.sample) : null;
  record.provenance.framesHash = scene?.framesHash ?? null;
  for (const order of orderList) {
    const [a, b] = order === 'AB' ? [cand.answer, base.answer] : [base.answer, cand.answer];
    record.orders.push(await judgeOrder(ctx, job, order, a, b, scene, settings, jh));
  }
  const combined = combineOrders(record.orders.map((o) => o.outcome), cfg.compare.combine);
  record.outcome = combined.outcome;
  record.credit = combined.credit;
  if (combined.outcome === null) record.failure = record.orders.find((o) => o.failure)?.failure ?? { kind: 'parse', message: 'no verdict' };
  return record;
}

async function judgeOrder(
  ctx: StageContext,
  job: PairJob,
  order: 'AB' | 'BA',
  a: string,
  b: string,
  scene: Awaited<ReturnType<typeof judgeScene>> | null,
  settings: ScoreSettings,
  jh: string,
): Promise<OrderedVerdict> {
  const templateHash = job.rubric.pairwiseTemplate!.hash.slice(0, 16);
  if (job.judge.kind === 'offline') {
    const verdict = offlineVerdict(job.rubric.id, job.sample, a, b);
    return { order, verdict, outcome: outcomeFor(verdict, order), raw: [`offline verdict ${verdict}`], attempts: 1, usage: null, latencyMs: 0, sent: null, templateHash };
  }
  const prompt = renderPairwise(job.rubric, sampleView(job.sample, scene!.caption), a, b, {
    json: job.judge.structuredOutput,
    frameCount: scene!.manifest?.frames.length ?? 0,
  });
  const asked = await ask<Verdict>(
    ctx,
    {
      judge: job.judge,
      prompt,
      scene: scene!.parts,
      key: `compare:${jh.slice(0, 16)}:r${job.round}:${order}`,
      maxRetries: settings.maxParseRetries,
      responseFormat: verdictSchema,
      ...(settings.noCache ? { noCache: true } : {}),
      parse: (reply) => {
        const r = parseVerdict(reply);
        return isVerdict(r)
          ? { ok: true, value: r.verdict }
          : { ok: false, error: r.error, retry: `Your reply had no clear verdict (${r.error}). End with exactly one of [[A]], [[B]] or [[C]] (C for a tie).` };
      },
    },
    ctx.judgeOverrides,
  );
  return {
    order,
    verdict: asked.value,
    outcome: outcomeFor(asked.value, order),
    raw: asked.raw,
    attempts: asked.attempts,
    usage: asked.usage,
    latencyMs: asked.latencyMs,
    sent: asked.sent,
    ...(asked.failure ? { failure: asked.failure } : {}),
    templateHash: `${templateHash}:${sha256(prompt).slice(0, 16)}`,
  };
}

