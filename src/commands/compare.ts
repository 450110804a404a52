import { compare } from '../compare/compare.js';
import { withBatch } from '../batch/with-batch.js';
import { planJudging } from '../judging/setup.js';
import { list } from './options.js';
import { contextFrom, loadFromArgv, loadSelectedSamples, printDryRun, selectionFrom, type Argv } from './setup.js';
import { BUDGET_STOP, UnfitRunError, UsageError } from './errors.js';

export default async function compareCommand(argv: Argv): Promise<number> {
  const loaded = loadFromArgv(argv);
  const { compare: cfg } = loaded.config;
  const only = list(argv.models);
  const pick = (names: string[]) => (only ? names.filter((n) => only.includes(n)) : names);
  const pairs = { candidates: pick(cfg.candidates), baselines: pick(cfg.baselines) };
  if (!pairs.candidates.length || !pairs.baselines.length) {
    throw new UsageError(`compare needs compare.candidates and compare.baselines in ${loaded.file}`);
  }
  const samples = await loadSelectedSamples(loaded, selectionFrom(argv));
  const ctx = contextFrom(loaded, argv);
  try {
    const metrics = list(argv.metrics) ?? cfg.metrics;
    const plan = planJudging(ctx, samples, {
      mode: 'pairwise',
      ...(metrics ? { metrics } : {}),
      ...(list(argv.judges) ? { judges: list(argv.judges) } : {}),
      ...(argv.rounds !== undefined ? { rounds: Number(argv.rounds) } : {}),
    });
    const s = await withBatch(ctx, argv, 'compare', (c) => compare(c, samples, pairs, plan, { retryFailed: Boolean(argv['retry-failed']) }));
    if (ctx.dryRun) {
      printDryRun(ctx, `compare, ${s.planned - s.skipped} comparisons to make, ${s.skipped} already recorded`);
      return 0;
    }
    ctx.log(`compare: ${s.written} comparisons written (${s.failures} without a verdict), ${s.skipped} already recorded, of ${s.planned}`);
    if (s.stoppedByBudget) ctx.log('stopped at the budget limit (--max-calls/--max-tokens); rerun the same command to resume');
    const stats = ctx.provider.stats();
    ctx.log(`calls ${stats.calls}, cache hits ${stats.cacheHits}, retries ${stats.retries}, tokens ${stats.promptTokens + stats.completionTokens}`);
    if (s.written > 0 && s.failures === s.written && stats.errors > 0) {
      throw new UnfitRunError(`every comparison failed (${s.failures}); is the judge endpoint up? See ${ctx.store.comparisonsDir}`);
    }
    return s.stoppedByBudget ? BUDGET_STOP : 0;
  } finally {
    await ctx.provider.close();
  }
}
