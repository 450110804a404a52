import { generate } from '../generate/generate.js';
import { contextFrom, loadFromArgv, loadSelectedSamples, selectionFrom, selectModels, type Argv } from './setup.js';

export default async function generateCommand(argv: Argv): Promise<number> {
  const loaded = loadFromArgv(argv);
  const selection = selectionFrom(argv);
  const models = selectModels(loaded, argv);
  const samples = await loadSelectedSamples(loaded, selection);
  const ctx = contextFrom(loaded, argv);
  try {
    const summaries = await generate(ctx, samples, models);
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
