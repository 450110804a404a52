// Options shared by the stage commands.
import type { Argv } from 'yargs';

export function commonOptions<T>(y: Argv<T>) {
  return y
    .option('config', { alias: 'c', type: 'string', describe: 'evaluation config (YAML or JSON)', default: 'rolejudge.yaml' })
    .option('run-id', { type: 'string', describe: 'override run.id from the config' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no progress output' });
}

export function selectionOptions<T>(y: Argv<T>) {
  return y
    .option('limit', { type: 'number', describe: 'first N selected samples' })
    .option('ids', { type: 'string', describe: 'comma-separated sample ids' })
    .option('shard', { type: 'string', describe: 'k/n: this worker’s share (deterministic, disjoint, covering)' })
    .option('models', { type: 'string', describe: 'comma-separated model names' })
    .option('metrics', { type: 'string', describe: 'comma-separated rubric ids' })
    .option('judges', { type: 'string', describe: 'comma-separated judge names' })
    .option('rounds', { type: 'number', describe: 'override every judge’s number of rounds' })
    .option('cache', { type: 'boolean', default: true, describe: 'use the response cache (--no-cache bypasses it)' })
    .option('concurrency', { type: 'number', describe: 'global concurrent calls (default: provider.concurrency)' })
    .option('max-calls', { type: 'number', describe: 'stop cleanly after this many network calls' })
    .option('max-tokens', { type: 'number', describe: 'stop cleanly after this many tokens' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'print the calls and tokens it would spend, spend nothing' })
    .option('retry-failed', { type: 'boolean', default: false, describe: 're-judge only failed judgments and merge them' })
    .option('batch', { type: 'boolean', default: false, describe: 'use the provider’s Batch API' });
}

export const list = (v: unknown): string[] | undefined =>
  typeof v === 'string' && v.trim() ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
