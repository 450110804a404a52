// `rolejudge init [file]`: a commented starter config; never overwrites.
import { copyFileSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { PACKAGE_ROOT } from '../paths.js';
import { UsageError } from './errors.js';
import type { Argv } from './setup.js';

export default async function initCommand(argv: Argv): Promise<number> {
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
