// The stages as steps of a session: each runs one stage over the session's
// validated split and plans, prints its summary and returns an exit code.
// Commands call one step; `run` calls them in order (src/run/run.ts).
import { BUDGET_STOP, UnfitRunError } from '../core/errors.js';
import { withBatch } from '../pipeline/batch/with-batch.js';
import type { StageContext } from '../pipeline/context.js';
import { splitSamples, type Split } from '../pipeline/samples.js';
import { compare } from '../stages/compare/compare.js';
import { generate } from '../stages/generate/generate.js';
import { score } from '../stages/score/score.js';
import type { Session } from './session.js';
import { compareUntilDecided } from './decided-compare.js';
import { scoreUntilDecided } from './decided-score.js';
import { describeDecided } from './decided-text.js';
import { checkUntilDecided } from './until-decided.js';
import type { ModelConfig } from '../config/schema.js';
import type { ResponseRecord } from '../core/records.js';
import { placeholderResponse, type ResponseIndex } from '../pipeline/planned.js';
import { toRecord } from '../stages/generate/generate.js';
import { modelOutputs } from '../stages/generate/outputs.js';
import { clearBudgetStop, recordBudgetStop, type StoppedStage } from '../pipeline/run-status.js';
import type { StageSummary } from '../pipeline/sink.js';
import { checkTally, comparisonTally, describeTally, judgmentTally, responseTally, type FailureTally } from './failures.js';

const BUDGET_NOTE = 'stopped at the budget limit (--max-calls/--max-tokens); rerun the same command to resume';

/** Says in the run directory whether the stage stopped at the budget, and what it left undone (run-status.ts). */
function noteStop(ctx: StageContext, stage: StoppedStage, sum: Pick<StageSummary, 'planned' | 'skipped' | 'written' | 'stoppedByBudget'>): void {
  if (sum.stoppedByBudget) recordBudgetStop(ctx.store.dir, stage, sum.planned, Math.max(0, sum.planned - sum.skipped - sum.written));
  else clearBudgetStop(ctx.store.dir, stage, sum.planned);
}

export function printDryRun(ctx: StageContext, what: string, before?: { calls: number; cached: number; promptTokens: number; completionTokens: number }): void {
  const all = ctx.dryRun!;
  // The tally is the session's (run's grand total); a stage prints its own share.
  const t = before
    ? {
        calls: all.calls - before.calls,
        cached: all.cached - before.cached,
        promptTokens: all.promptTokens - before.promptTokens,
        completionTokens: all.completionTokens - before.completionTokens,
      }
    : all;
  process.stdout.write(
    `dry run (${what}): ${t.calls} judge calls would be made` +
      (t.cached ? ` (${t.cached} more answered from the cache)` : '') +
      `, about ${t.promptTokens} prompt tokens and at most ${t.completionTokens} completion tokens. Nothing was spent.\n`,
  );
}

/** The responses generate would add: outputs files read as the real run reads them, live answers as placeholders. */
async function plannedResponses(ctx: StageContext, split: Split, models: ModelConfig[]): Promise<ResponseIndex> {
  const recorded = await ctx.store.responseIndex();
  const out: ResponseIndex = new Map();
  for (const model of models) {
    // Joined as generate joins them (by id, or by content: models[].join).
    const outputs = model.outputs ? await modelOutputs(model, split, split.ids) : null;
    for (const id of split.ids) {
      const sample = { id };
      const have = recorded.get(sample.id)?.get(model.name);
      if (have && !have.error) continue;
      let rec: ResponseRecord;
      if (outputs) {
        const raw = outputs.get(sample.id);
        rec = toRecord(model, sample.id, raw ?? '', {
          usage: null,
          latencyMs: null,
          requestHash: null,
          frames: null,
          via: 'file',
          ...(raw === undefined ? { error: 'missing from the outputs file' } : {}),
        });
      } else rec = placeholderResponse(sample.id, model.name, model.kind);
      let m = out.get(sample.id);
      if (!m) out.set(sample.id, (m = new Map()));
      m.set(model.name, rec);
    }
  }
  return out;
}

export async function generateStep(s: Session): Promise<number> {
  const { ctx, models, argv } = s;
  const samples = s.split;
  // --dry-run spends nothing: every request is built as the real run would
  // build it, then counted (cache hits apart) instead of sent.
  if (ctx.dryRun) {
    const tally = { calls: 0, cached: 0 };
    const judgeTally = ctx.dryRun;
    const seen = new Set<string>();
    ctx.collect = async (req) => {
      const hash = ctx.provider.requestHash(req);
      if (seen.has(hash) || (!req.noCache && !req.refresh && (await ctx.provider.isCached(req)))) tally.cached++;
      else tally.calls++;
      seen.add(hash);
    };
    try {
      for (const g of await generate(ctx, samples, models)) {
        const m = models.find((x) => x.name === g.model)!;
        process.stdout.write(
          `dry run (generate ${g.model}): ${g.total - g.skipped} responses to make` +
            (m.outputs ? `, read from ${m.outputs}` : '') +
            `, ${g.skipped} already recorded.\n`,
        );
      }
    } finally {
      delete ctx.collect;
      ctx.dryRun = judgeTally;
    }
    process.stdout.write(
      `dry run (generate): ${tally.calls} model calls would be made` +
        (tally.cached ? ` (${tally.cached} more answered from the cache)` : '') +
        '. Nothing was spent.\n',
    );
    ctx.dryRunGenerateCalls = tally.calls;
    // The judging stages of the same dry run count the calls these responses will need.
    ctx.plannedResponses = await plannedResponses(ctx, samples, models);
    return 0;
  }
  const summaries = await withBatch(ctx, argv, 'generate', (c) => generate(c, samples, models));
  let budget = false;
  for (const g of summaries) {
    ctx.log(
      `generate ${g.model}: ${g.written} written, ${g.skipped} already done, ${g.errors} errors` +
        (g.missing.length
          ? `, ${g.missing.length} ids missing from the outputs file (${g.missing.slice(0, 5).join(', ')}${g.missing.length > 5 ? ', …' : ''})`
          : ''),
    );
    budget ||= g.stoppedByBudget;
  }
  if (budget) ctx.log(BUDGET_NOTE);
  const sum = (f: (g: (typeof summaries)[number]) => number) => summaries.reduce((n, g) => n + f(g), 0);
  noteStop(ctx, 'generate', { planned: sum((g) => g.total), skipped: sum((g) => g.skipped), written: sum((g) => g.written), stoppedByBudget: budget });
  ctx.log(`responses in ${ctx.store.responsesDir}`);
  const tally = await responseTally(
    ctx.store,
    models.map((m) => m.name),
  );
  ctx.log(`generate failures: ${describeTally(tally)}`);
  if (budget) return BUDGET_STOP;
  // A model whose every answer failed is caught by score (nothing to judge for it); here only all-failed stops.
  if (tally.total > 0 && tally.failed === tally.total) {
    throw new UnfitRunError(`generate: no model answered — ${describeTally(tally)}; are the model endpoints up? The records are in ${ctx.store.responsesDir}`);
  }
  if (tally.total > 0 && tally.failed / tally.total > ctx.loaded.config.failures.maxShare)
    checkTally('generate', tally, ctx.loaded.config.failures.maxShare, `the records are in ${ctx.store.responsesDir}`);
  return 0;
}

export async function scoreStep(s: Session): Promise<number> {
  const { ctx, argv } = s;
  const plan = s.pointwise!;
  const models = s.models.map((m) => m.name);
  if (argv['until-decided'] && !ctx.dryRun) {
    checkUntilDecided(s.loaded, argv, true);
    // Seeded order, stop once every needed confidence sequence decides (decided-score.ts).
    const { summary, result } = await scoreUntilDecided(s, await splitSamples(s.split));
    ctx.log(describeDecided('score', result, result.pairs.map(scorePairLine)));
    ctx.log(`score: ${summary.written} judgments written (${summary.failures} failed), ${summary.skipped} already recorded`);
    if (summary.stoppedByBudget) ctx.log(BUDGET_NOTE);
    noteStop(ctx, 'score', summary);
    logCalls(ctx);
    return summary.stoppedByBudget ? BUDGET_STOP : 0;
  }
  const before = ctx.dryRun ? { ...ctx.dryRun } : undefined;
  const sum = await withBatch(ctx, argv, 'score', (c) => score(c, s.split, models, plan, { retryFailed: Boolean(argv['retry-failed']) }));
  if (ctx.dryRun) {
    printDryRun(ctx, `score, ${sum.planned - sum.skipped} judgments to make, ${sum.skipped} already recorded`, before);
    if (!ctx.plannedResponses) {
      const idx = await ctx.store.responseIndex();
      const missing = s.split.ids.reduce((n, id) => n + models.filter((m) => !idx.get(id)?.has(m)).length, 0);
      if (missing)
        process.stdout.write(
          `note: ${missing} responses are not generated yet; the judge calls they will need are not counted (run generate first, or dry-run \`run\`)\n`,
        );
    }
    return 0;
  }
  ctx.log(`score: ${sum.written} judgments written (${sum.failures} failed), ${sum.skipped} already recorded, of ${sum.planned}`);
  if (sum.stoppedByBudget) ctx.log(BUDGET_NOTE);
  noteStop(ctx, 'score', sum);
  logCalls(ctx);
  const tally = await judgmentTally(
    ctx.store,
    models,
    plan.judges.map((j) => j.name),
  );
  ctx.log(`score failures: ${describeTally(tally)}`);
  if (sum.stoppedByBudget) return BUDGET_STOP;
  checkTally('score', tally, ctx.loaded.config.failures.maxShare, failureHint(tally, ctx.store.judgmentsDir));
  return 0;
}

export async function compareStep(s: Session): Promise<number> {
  const { ctx, argv } = s;
  const plan = s.pairwise!;
  const samples = await splitSamples(s.split);
  if (argv['until-decided'] && !ctx.dryRun) {
    checkUntilDecided(s.loaded, argv, false);
    // Seeded order, stop once the anytime-valid family test decides (decided-compare.ts).
    const { summary, result } = await compareUntilDecided(s, samples);
    ctx.log(describeDecided('compare', result, result.comparisons.map(comparisonLine)));
    ctx.log(`compare: ${summary.written} comparisons written (${summary.failures} without a verdict), ${summary.skipped} already recorded`);
    if (summary.stoppedByBudget) ctx.log(BUDGET_NOTE);
    noteStop(ctx, 'compare', summary);
    return summary.stoppedByBudget ? BUDGET_STOP : 0;
  }
  const before = ctx.dryRun ? { ...ctx.dryRun } : undefined;
  const sum = await withBatch(ctx, argv, 'compare', (c) => compare(c, samples, s.pairs, plan, { retryFailed: Boolean(argv['retry-failed']) }));
  if (ctx.dryRun) {
    printDryRun(ctx, `compare, ${sum.planned - sum.skipped} comparisons to make, ${sum.skipped} already recorded`, before);
    return 0;
  }
  ctx.log(`compare: ${sum.written} comparisons written (${sum.failures} without a verdict), ${sum.skipped} already recorded, of ${sum.planned}`);
  if (sum.stoppedByBudget) ctx.log(BUDGET_NOTE);
  noteStop(ctx, 'compare', sum);
  logCalls(ctx);
  const tally = await comparisonTally(
    ctx.store,
    s.pairs,
    plan.judges.map((j) => j.name),
  );
  ctx.log(`compare failures: ${describeTally(tally)}`);
  if (sum.stoppedByBudget) return BUDGET_STOP;
  checkTally('compare', tally, ctx.loaded.config.failures.maxShare, failureHint(tally, ctx.store.comparisonsDir));
  return 0;
}

function scorePairLine(p: import('../core/report.js').UntilDecidedScorePair): string {
  return (
    `${p.candidate} − ${p.baseline} · ${p.metric} · ${p.judge}: [${p.lower.toFixed(2)}, ${p.upper.toFixed(2)}] over ${p.n} samples ` +
    `(anytime ${(100 * (1 - p.alpha)).toFixed(1)}% confidence sequence), margin ${p.margin}: ${p.decision ?? 'undecided'}` +
    (p.decidedAfter ? ` after ${p.decidedAfter}` : '')
  );
}

function comparisonLine(c: import('../core/report.js').UntilDecidedComparison): string {
  return (
    `${c.candidate} vs ${c.baseline} · ${c.metric} · ${c.judge}: ${c.wins}/${c.losses}/${c.ties} W/L/T, e ${c.eValue.toPrecision(3)}, ` +
    `anytime p ${c.pAnytime.toPrecision(3)} (Holm ${c.pAnytimeHolm.toPrecision(3)})${c.decidedAfter ? `, decided after ${c.decidedAfter}` : ', undecided'}`
  );
}

/** What this command sent so far (the provider is the session's: one count for all its stages). */
function logCalls(ctx: StageContext): void {
  const stats = ctx.provider.stats();
  ctx.log(`calls ${stats.calls}, cache hits ${stats.cacheHits}, retries ${stats.retries}, tokens ${stats.promptTokens + stats.completionTokens}`);
}

function failureHint(t: FailureTally, dir: string): string {
  if (t.byKind.has('missing-response')) return `run generate first (or fix its errors); the records are in ${dir}`;
  if (t.byKind.has('error')) return `is the judge endpoint up? rerun with --retry-failed once it is; the records are in ${dir}`;
  return `rerun with --retry-failed to ask again; the records are in ${dir}`;
}
