// Shared set-up of the stage commands: config, selection, samples, context.
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { assertValidSplit, loadSamples, type SampleStream } from '../dataset/load.js';
import { parseIds, parseShard, type Selection } from '../dataset/selection.js';
import type { Sample } from '../types.js';
import { openContext, type StageContext } from '../context.js';
import { list } from './options.js';
import { UsageError } from './errors.js';
import type { ModelConfig } from '../config/schema.js';

export type Argv = Record<string, unknown>;

export function loadFromArgv(argv: Argv): LoadedConfig {
  return loadConfig(String(argv.config), { runId: argv['run-id'] as string | undefined });
}

export function selectionFrom(argv: Argv): Selection {
  const sel: Selection = {};
  if (typeof argv.ids === 'string') sel.ids = parseIds(argv.ids);
  if (typeof argv.shard === 'string') sel.shard = parseShard(argv.shard);
  if (argv.limit !== undefined) {
    const n = Number(argv.limit);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--limit expects a positive whole number, got ${String(argv.limit)}`);
    sel.limit = n;
  }
  return sel;
}

/** Validates the whole split first, so a bad split writes nothing. */
export async function loadSelectedSamples(loaded: LoadedConfig, selection: Selection): Promise<Sample[]> {
  const samples: Sample[] = [];
  for await (const s of await streamSelectedSamples(loaded, selection)) samples.push(s);
  return samples;
}

/** As loadSelectedSamples, but the selection is streamed (re-read on each iteration), never held. */
export async function streamSelectedSamples(loaded: LoadedConfig, selection: Selection): Promise<SampleStream> {
  const d = loaded.config.dataset;
  const opts = { path: d.path, format: d.format, ...(d.root ? { root: d.root } : {}), ...(d.profiles ? { profiles: d.profiles } : {}) };
  const report = await assertValidSplit(opts, { selection });
  for (const w of report.warnings.slice(0, 5)) process.stderr.write(`warning: ${w.file}:${w.line}: ${w.message}\n`);
  if (report.warnings.length > 5) process.stderr.write(`warning: … and ${report.warnings.length - 5} more dataset warnings\n`);
  return loadSamples(opts, selection);
}

export function selectModels(loaded: LoadedConfig, argv: Argv): ModelConfig[] {
  const names = list(argv.models);
  const all = loaded.config.models;
  if (!names) return all;
  const unknown = names.filter((n) => !all.some((m) => m.name === n));
  if (unknown.length) throw new UsageError(`--models: unknown model(s) ${unknown.join(', ')} (config has ${all.map((m) => m.name).join(', ')})`);
  return all.filter((m) => names.includes(m.name));
}

export function contextFrom(loaded: LoadedConfig, argv: Argv): StageContext {
  return openContext(loaded, {
    noCache: argv.cache === false,
    quiet: Boolean(argv.quiet),
    ...(argv.concurrency !== undefined ? { concurrency: Number(argv.concurrency) } : {}),
    ...(argv['max-calls'] !== undefined ? { maxCalls: Number(argv['max-calls']) } : {}),
    ...(argv['max-tokens'] !== undefined ? { maxTokens: Number(argv['max-tokens']) } : {}),
    ...(typeof argv.shard === 'string' ? { shard: argv.shard } : {}),
    dryRun: Boolean(argv['dry-run']),
  });
}

export function printDryRun(ctx: StageContext, what: string): void {
  const t = ctx.dryRun!;
  process.stdout.write(
    `dry run (${what}): ${t.calls} judge calls would be made` +
      (t.cached ? ` (${t.cached} more answered from the cache)` : '') +
      `, about ${t.promptTokens} prompt tokens and at most ${t.completionTokens} completion tokens. Nothing was spent.\n`,
  );
}
