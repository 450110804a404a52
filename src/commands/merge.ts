// `rolejudge merge <run-dirs…> --out <dir>`: shards of one config into one run.
import { UsageError } from '../core/errors.js';
import type { Argv } from '../run/argv.js';
import type { CommandSpec } from './options.js';

async function merge(argv: Argv): Promise<number> {
  const { mergeRuns } = await import('../stages/merge/merge.js');
  const dirs = (Array.isArray(argv.dirs) ? argv.dirs : [argv.dirs]).filter((d): d is string => typeof d === 'string' && d !== '');
  if (typeof argv.out !== 'string' || !argv.out) throw new UsageError('merge: --out <dir> is required');
  const r = await mergeRuns({ inputs: dirs, out: argv.out, ...(typeof argv['run-id'] === 'string' ? { runId: argv['run-id'] } : {}) });
  for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
  if (r.tornLines) process.stderr.write(`warning: ${r.tornLines} torn (unparseable) lines dropped\n`);
  if (r.repeatedKeys)
    process.stderr.write(`warning: ${r.repeatedKeys} records repeat a key within one input; copied as they are (the report keeps the first)\n`);
  if (!argv.quiet) {
    process.stdout.write(
      `merged ${dirs.length} runs into ${r.out} (run id ${r.runId}, config ${r.configHash}): ` +
        `${r.records.responses} responses, ${r.records.judgments} judgments, ${r.records.comparisons} comparisons\n`,
    );
  }
  return 0;
}

export const mergeCommand: CommandSpec = {
  command: 'merge <dirs..>',
  describe: 'Merge shard run directories into one run',
  builder: (y) =>
    y
      .positional('dirs', { type: 'string', array: true, describe: 'the shards’ run directories' })
      .option('out', { type: 'string', demandOption: true, describe: 'merged run directory' })
      .option('run-id', { type: 'string', describe: 'run id of the merged run (default: the inputs’ common id, else the --out folder name)' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no summary output' }),
  examples: [['$0 merge shard-*/runs/main --out runs/merged', 'one run from four shards']],
  handler: merge,
};
