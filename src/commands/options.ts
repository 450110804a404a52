// Option groups, so each command lists only the options that do something for it.
import type { Argv as Yargs } from 'yargs';

export { list } from '../run/argv.js';

export type Handler = (argv: Record<string, unknown>) => Promise<number>;

/** One yargs command: its options, a few examples, and a handler that loads its code lazily. */
export interface CommandSpec {
  command: string;
  describe: string;
  builder: (y: Yargs) => Yargs;
  examples: Array<[string, string]>;
  handler: Handler;
}

export function commonOptions(y: Yargs): Yargs {
  return y
    .option('config', { alias: 'c', type: 'string', describe: 'evaluation config (YAML or JSON)', default: 'rolejudge.yaml' })
    .option('run-id', { type: 'string', describe: 'override run.id from the config' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no progress output' });
}

export function selectionOptions(y: Yargs): Yargs {
  return y
    .option('limit', { type: 'number', describe: 'first N selected samples' })
    .option('ids', { type: 'string', describe: 'comma-separated sample ids' })
    .option('shard', { type: 'string', describe: 'k/n: this worker’s share (deterministic, disjoint, covering)' })
    .option('models', { type: 'string', describe: 'comma-separated model names' });
}

export function judgingOptions(y: Yargs): Yargs {
  return y
    .option('metrics', { type: 'string', describe: 'comma-separated rubric ids' })
    .option('judges', { type: 'string', describe: 'comma-separated judge names' })
    .option('rounds', { type: 'number', describe: 'override every judge’s number of rounds' })
    .option('retry-failed', { type: 'boolean', default: false, describe: 're-judge only failed records and merge them' });
}

export function spendingOptions(y: Yargs): Yargs {
  return y
    .option('cache', { type: 'boolean', default: true, describe: 'use the response cache (--no-cache bypasses it)' })
    .option('concurrency', { type: 'number', describe: 'global concurrent calls (default: provider.concurrency)' })
    .option('max-calls', { type: 'number', describe: 'stop cleanly after this many network calls' })
    .option('max-tokens', { type: 'number', describe: 'stop cleanly after this many tokens' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'print the calls and tokens it would spend, spend nothing' })
    .option('batch', { type: 'boolean', default: false, describe: 'use the provider’s Batch API' });
}

export function runDirOption(y: Yargs, what: string): Yargs {
  return y.option('run-dir', { type: 'string', describe: `run directory to ${what} (default: <run.outputDir>/<run.id>)` });
}
