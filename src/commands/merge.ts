// `rolejudge merge <run-dirs…> --out <dir>`: shards of one config into one run.
import { mergeRuns } from '../merge/merge.js';
import { UsageError } from './errors.js';
import type { Argv } from './setup.js';

export default async function mergeCommand(argv: Argv): Promise<number> {
  const dirs = (Array.isArray(argv.dirs) ? argv.dirs : [argv.dirs]).filter((d): d is string => typeof d === 'string' && d !== '');
  if (typeof argv.out !== 'string' || !argv.out) throw new UsageError('merge: --out <dir> is required');
  const r = await mergeRuns({ inputs: dirs, out: argv.out, ...(typeof argv['run-id'] === 'string' ? { runId: argv['run-id'] } : {}) });
  for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
  if (r.tornLines) process.stderr.write(`warning: ${r.tornLines} torn (unparseable) lines dropped\n`);
  if (r.repeatedKeys) process.stderr.write(`warning: ${r.repeatedKeys} records repeat a key within one input; copied as they are (the report keeps the first)\n`);
  if (!argv.quiet) {
    process.stdout.write(
      `merged ${dirs.length} runs into ${r.out} (run id ${r.runId}, config ${r.configHash}): ` +
        `${r.records.responses} responses, ${r.records.judgments} judgments, ${r.records.comparisons} comparisons\n`,
    );
  }
  return 0;
}
