// Reading the command line's shared options into what the pipeline takes.
import { loadConfig, type LoadedConfig } from '../config/load.js';
import type { ModelConfig } from '../config/schema.js';
import { UsageError } from '../core/errors.js';
import { parseIds, parseShard, type Selection } from '../dataset/selection.js';
import type { ContextOptions } from '../pipeline/context.js';

export type Argv = Record<string, unknown>;

/** A comma-separated option as a list; undefined when absent or blank. */
export const list = (v: unknown): string[] | undefined =>
  typeof v === 'string' && v.trim()
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

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

export function selectModels(loaded: LoadedConfig, argv: Argv): ModelConfig[] {
  const names = list(argv.models);
  const all = loaded.config.models;
  if (!names) return all;
  const unknown = names.filter((n) => !all.some((m) => m.name === n));
  if (unknown.length) throw new UsageError(`--models: unknown model(s) ${unknown.join(', ')} (config has ${all.map((m) => m.name).join(', ')})`);
  return all.filter((m) => names.includes(m.name));
}

export function contextOptions(argv: Argv): ContextOptions {
  return {
    noCache: argv.cache === false,
    quiet: Boolean(argv.quiet),
    ...(argv.concurrency !== undefined ? { concurrency: Number(argv.concurrency) } : {}),
    ...(argv['max-calls'] !== undefined ? { maxCalls: Number(argv['max-calls']) } : {}),
    ...(argv['max-tokens'] !== undefined ? { maxTokens: Number(argv['max-tokens']) } : {}),
    ...(typeof argv.shard === 'string' ? { shard: argv.shard } : {}),
    dryRun: Boolean(argv['dry-run']),
  };
}
