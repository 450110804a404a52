import { generate } from '../generate/generate.js';
import { withBatch } from '../batch/with-batch.js';
import { responseKey } from '../store/run.js';
import type { ResponseRecord } from '../types.js';
import { contextFrom, loadFromArgv, loadSelectedSamples, selectionFrom, selectModels, type Argv } from './setup.js';

export default async function generateCommand(argv: Argv): Promise<number> {
  const loaded = loadFromArgv(argv);
  const selection = selectionFrom(argv);
  const models = selectModels(loaded, argv);
  const samples = await loadSelectedSamples(loaded, selection);
  const ctx = contextFrom(loaded, argv);
  try {
    // --dry-run must spend nothing: count what is still to do (failed records are redone) and stop.
    if (ctx.dryRun) {
      for (const m of models) {
        const done = await ctx.store.doneKeys<ResponseRecord>(ctx.store.responsesFile(m.name), responseKey, (r) => !r.error || r.via === 'file');
        const todo = samples.filter((s) => !done.has(responseKey({ sampleId: s.id, model: m.name }))).length;
        process.stdout.write(
          `dry run (generate ${m.name}): ${todo} responses to make` +
            (m.outputs ? `, read from ${m.outputs}` : `, at most ${todo} model calls (fewer if cached)`) +
            `, ${samples.length - todo} already recorded. Nothing was spent.\n`,
        );
      }
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
    return 0;
  } finally {
    await ctx.provider.close();
  }
}
