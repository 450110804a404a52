import { score } from '../score/score.js';
import { withBatch } from '../batch/with-batch.js';
import { planJudging } from '../judging/setup.js';
import { list } from './options.js';
import { contextFrom, loadFromArgv, printDryRun, selectionFrom, selectModels, streamSelectedSamples, type Argv } from './setup.js';
import { surveySamples } from '../score/source.js';
import { BUDGET_STOP, UnfitRunError } from './errors.js';

export default async function scoreCommand(argv: Argv): Promise<number> {
  const loaded = loadFromArgv(argv);
  // Streamed, not loaded: memory stays flat however large the split (see score/source.ts).
  const samples = await surveySamples(await streamSelectedSamples(loaded, selectionFrom(argv)));
  const models = selectModels(loaded, argv).map((m) => m.name);
  const ctx = contextFrom(loaded, argv);
  try {
    const plan = planJudging(ctx, samples, {
      mode: 'pointwise',
      ...(list(argv.metrics) ? { metrics: list(argv.metrics) } : {}),
      ...(list(argv.judges) ? { judges: list(argv.judges) } : {}),
      ...(argv.rounds !== undefined ? { rounds: Number(argv.rounds) } : {}),
    });
    const s = await withBatch(ctx, argv, 'score', (c) => score(c, samples, models, plan, { retryFailed: Boolean(argv['retry-failed']) }));
    if (ctx.dryRun) {
      printDryRun(ctx, `score, ${s.planned - s.skipped} judgments to make, ${s.skipped} already recorded`);
      const idx = await ctx.store.responseIndex();
      const missing = samples.ids.reduce((n, id) => n + models.filter((m) => !idx.get(id)?.has(m)).length, 0);
      if (missing) process.stdout.write(`note: ${missing} responses are not generated yet; the judge calls they will need are not counted (run generate first)\n`);
      return 0;
    }
    ctx.log(`score: ${s.written} judgments written (${s.failures} failed), ${s.skipped} already recorded, of ${s.planned}`);
    if (s.stoppedByBudget) ctx.log('stopped at the budget limit (--max-calls/--max-tokens); rerun the same command to resume');
    const stats = ctx.provider.stats();
    ctx.log(`calls ${stats.calls}, cache hits ${stats.cacheHits}, retries ${stats.retries}, tokens ${stats.promptTokens + stats.completionTokens}`);
    if (s.written > 0 && s.failures === s.written && stats.errors > 0) {
      throw new UnfitRunError(`every judgment failed (${s.failures}); is the judge endpoint up? See the records in ${ctx.store.judgmentsDir}`);
    }
    return s.stoppedByBudget ? BUDGET_STOP : 0;
  } finally {
    await ctx.provider.close();
  }
}
