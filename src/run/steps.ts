// The stages as steps of a session: each runs one stage over the session's
// validated split and plans, prints its summary and returns an exit code.
// Commands call one step; `run` calls them in order (src/run/run.ts).
import { BUDGET_STOP, UnfitRunError } from '../core/errors.js';
import { withBatch } from '../pipeline/batch/with-batch.js';
import type { StageContext } from '../pipeline/context.js';
import { splitSamples } from '../pipeline/samples.js';
import { compare } from '../stages/compare/compare.js';
import { generate } from '../stages/generate/generate.js';
import { score } from '../stages/score/score.js';
import type { Session } from './session.js';
import { compareUntilDecided } from './until-decided.js';

const BUDGET_NOTE = 'stopped at the budget limit (--max-calls/--max-tokens); rerun the same command to resume';

export function printDryRun(ctx: StageContext, what: string): void {
  const t = ctx.dryRun!;
  process.stdout.write(
    `dry run (${what}): ${t.calls} judge calls would be made` +
      (t.cached ? ` (${t.cached} more answered from the cache)` : '') +
      `, about ${t.promptTokens} prompt tokens and at most ${t.completionTokens} completion tokens. Nothing was spent.\n`,
  );
}

export async function generateStep(s: Session): Promise<number> {
  const { ctx, models, argv } = s;
  const samples = s.split;
  // --dry-run spends nothing: every request is built as the real run would
  // build it, then counted (cache hits apart) instead of sent.
  if (ctx.dryRun) {
    const tally = { calls: 0, cached: 0 };
    const judgeTally = ctx.dryRun;
    ctx.collect = async (req) => {
      if (!req.noCache && (await ctx.provider.isCached(req))) tally.cached++;
      else tally.calls++;
    };
    try {
      for (const g of await generate(ctx, samples, models)) {
        const m = models.find((x) => x.name === g.model)!;
        process.stdout.write(
          `dry run (generate ${g.model}): ${g.total - g.skipped} responses to make` + (m.outputs ? `, read from ${m.outputs}` : '') + `, ${g.skipped} already recorded.\n`,
        );
      }
    } finally {
      delete ctx.collect;
      ctx.dryRun = judgeTally;
    }
    process.stdout.write(
      `dry run (generate): ${tally.calls} model calls would be made` + (tally.cached ? ` (${tally.cached} more answered from the cache)` : '') + '. Nothing was spent.\n',
    );
    return 0;
  }
  const summaries = await withBatch(ctx, argv, 'generate', (c) => generate(c, samples, models));
  let budget = false;
  for (const g of summaries) {
    ctx.log(
      `generate ${g.model}: ${g.written} written, ${g.skipped} already done, ${g.errors} errors` +
        (g.missing.length ? `, ${g.missing.length} ids missing from the outputs file (${g.missing.slice(0, 5).join(', ')}${g.missing.length > 5 ? ', …' : ''})` : ''),
    );
    budget ||= g.stoppedByBudget;
  }
  if (budget) ctx.log(BUDGET_NOTE);
  ctx.log(`responses in ${ctx.store.responsesDir}`);
  return budget ? BUDGET_STOP : 0;
}

export async function scoreStep(s: Session): Promise<number> {
  const { ctx, argv } = s;
  const plan = s.pointwise!;
  const models = s.models.map((m) => m.name);
  const sum = await withBatch(ctx, argv, 'score', (c) => score(c, s.split, models, plan, { retryFailed: Boolean(argv['retry-failed']) }));
  if (ctx.dryRun) {
    printDryRun(ctx, `score, ${sum.planned - sum.skipped} judgments to make, ${sum.skipped} already recorded`);
    const idx = await ctx.store.responseIndex();
    const missing = s.split.ids.reduce((n, id) => n + models.filter((m) => !idx.get(id)?.has(m)).length, 0);
    if (missing) process.stdout.write(`note: ${missing} responses are not generated yet; the judge calls they will need are not counted (run generate first)\n`);
    return 0;
  }
  ctx.log(`score: ${sum.written} judgments written (${sum.failures} failed), ${sum.skipped} already recorded, of ${sum.planned}`);
  if (sum.stoppedByBudget) ctx.log(BUDGET_NOTE);
  const stats = ctx.provider.stats();
  ctx.log(`calls ${stats.calls}, cache hits ${stats.cacheHits}, retries ${stats.retries}, tokens ${stats.promptTokens + stats.completionTokens}`);
  if (sum.written > 0 && sum.failures === sum.written && stats.errors > 0) {
    throw new UnfitRunError(`every judgment failed (${sum.failures}); is the judge endpoint up? See the records in ${ctx.store.judgmentsDir}`);
  }
  return sum.stoppedByBudget ? BUDGET_STOP : 0;
}

export async function compareStep(s: Session): Promise<number> {
  const { ctx, argv } = s;
  const plan = s.pairwise!;
  const samples = await splitSamples(s.split);
  if (argv['until-decided'] && !ctx.dryRun) {
    // Seeded order, stop once the anytime-valid family test decides (until-decided.ts).
    const { summary, result } = await compareUntilDecided(s, samples);
    const tests = result.comparisons.map((c) => `${c.key}: ${c.wins}/${c.losses}/${c.ties} W/L/T, e ${c.eValue.toPrecision(3)}, anytime p ${c.pAnytime.toPrecision(3)}${c.decidedAfter ? `, decided after ${c.decidedAfter}` : ', undecided'}`);
    ctx.log(
      (result.stoppedEarly
        ? `compare --until-decided: stopped early after ${result.samplesJudged} of ${result.samplesInSplit} samples, ${result.callsSaved} comparison calls saved (α ${result.alpha})`
        : `compare --until-decided: the split was exhausted (${result.samplesJudged} samples) before every comparison was decided`) + `\n  ${tests.join('\n  ')}`,
    );
    ctx.log(`compare: ${summary.written} comparisons written (${summary.failures} without a verdict), ${summary.skipped} already recorded`);
    if (summary.stoppedByBudget) ctx.log(BUDGET_NOTE);
    return summary.stoppedByBudget ? BUDGET_STOP : 0;
  }
  const sum = await withBatch(ctx, argv, 'compare', (c) => compare(c, samples, s.pairs, plan, { retryFailed: Boolean(argv['retry-failed']) }));
  if (ctx.dryRun) {
    printDryRun(ctx, `compare, ${sum.planned - sum.skipped} comparisons to make, ${sum.skipped} already recorded`);
    return 0;
  }
  ctx.log(`compare: ${sum.written} comparisons written (${sum.failures} without a verdict), ${sum.skipped} already recorded, of ${sum.planned}`);
  if (sum.stoppedByBudget) ctx.log(BUDGET_NOTE);
  const stats = ctx.provider.stats();
  ctx.log(`calls ${stats.calls}, cache hits ${stats.cacheHits}, retries ${stats.retries}, tokens ${stats.promptTokens + stats.completionTokens}`);
  if (sum.written > 0 && sum.failures === sum.written && stats.errors > 0) {
    throw new UnfitRunError(`every comparison failed (${sum.failures}); is the judge endpoint up? See ${ctx.store.comparisonsDir}`);
  }
  return sum.stoppedByBudget ? BUDGET_STOP : 0;
}
