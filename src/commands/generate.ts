import { generate } from '../generate/generate.js';
import { withBatch } from '../batch/with-batch.js';
import { BUDGET_STOP } from './errors.js';
import { contextFrom, loadFromArgv, loadSelectedSamples, selectionFrom, selectModels, type Argv } from './setup.js';

export default async function generateCommand(argv: Argv): Promise<number> {
  const loaded = loadFromArgv(argv);
  const selection = selectionFrom(argv);
  const models = selectModels(loaded, argv);
  const samples = await loadSelectedSamples(loaded, selection);
  const ctx = contextFrom(loaded, argv);
  try {
    // --dry-run spends nothing: every request is built as the real run would
    // build it, then counted (cache hits apart) instead of sent.
    if (ctx.dryRun) {
      const tally = ctx.dryRun;
      ctx.collect = async (req) => {
        if (!req.noCache && (await ctx.provider.isCached(req))) tally.cached++;
        else tally.calls++;
      };
      for (const s of await generate(ctx, samples, models)) {
        const m = models.find((x) => x.name === s.model)!;
        process.stdout.write(
          `dry run (generate ${s.model}): ${s.total - s.skipped} responses to make` +
            (m.outputs ? `, read from ${m.outputs}` : '') +
            `, ${s.skipped} already recorded.\n`,
        );
      }
      process.stdout.write(
        `dry run (generate): ${tally.calls} model calls would be made` +
          (tally.cached ? ` (${tally.cached} more answered from the cache)` : '') +
          '. Nothing was spent.\n',
      );
      return 0;
    }
    const summaries = await withBatch(ctx, argv, 'generate', (c) => generate(c, samples, models));
    let budget = false;
    for (const s of summaries) {
      ctx.log(
        `generate ${s.model}: ${s.written} written, ${s.skipped} already done, ${s.errors} errors` +
          (s.missing.length ? `, ${s.missing.length} ids missing from the outputs file (${s.missing.slice(0, 5).join(', ')}${s.missing.length > 5 ? ', …' : ''})` : ''),
      );
      budget ||= s.stoppedByBudget;
    }
    if (budget) ctx.log('stopped at the budget limit (--max-calls/--max-tokens); rerun the same command to resume');
    ctx.log(`responses in ${ctx.store.responsesDir}`);
    return budget ? BUDGET_STOP : 0;
  } finally {
    await ctx.provider.close();
  }
}
