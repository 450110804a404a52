// `rolejudge init [file]`: a commented starter config; never overwrites.
import { copyFileSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { PACKAGE_ROOT } from '../core/paths.js';
import { UsageError } from '../core/errors.js';
import type { Argv } from '../run/argv.js';
import type { CommandSpec } from './options.js';

async function init(argv: Argv): Promise<number> {
  const target = resolve(String(argv.file ?? 'rolejudge.yaml'));
  try {
    copyFileSync(resolve(PACKAGE_ROOT, 'templates', 'init.yaml'), target, constants.COPYFILE_EXCL);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${target} already exists; not overwriting it`);
    throw err;
  }
  process.stdout.write(
    `wrote ${target}\nnext: edit the dataset and model endpoints, export OPENAI_API_KEY, then\n` +
      `  rolejudge run -c ${argv.file ?? 'rolejudge.yaml'} --dry-run   # what it will cost\n` +
      `  rolejudge run -c ${argv.file ?? 'rolejudge.yaml'}\n`,
  );
  return 0;
}

export const initCommand: CommandSpec = {
  command: 'init [file]',
  describe: 'Write a commented starter config for a real run',
  builder: (y) =>
    y
      .positional('file', { type: 'string', default: 'rolejudge.yaml', describe: 'where to write it (never overwritten)' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print nothing but errors' }),
  examples: [['$0 init eval/rolejudge.yaml', 'a starter config in eval/']],
  handler: init,
};
