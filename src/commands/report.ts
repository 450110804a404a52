import { resolve } from 'node:path';
import { makeReport } from '../report/report.js';
import { terminalTables } from '../report/terminal.js';
import { loadFromArgv, type Argv } from './setup.js';

export default async function reportCommand(argv: Argv): Promise<number> {
  const loaded = loadFromArgv(argv);
  const r = await makeReport(loaded, typeof argv['run-dir'] === 'string' ? resolve(argv['run-dir']) : undefined);
  if (!argv.quiet) process.stdout.write(terminalTables(r.report));
  if (r.duplicates) process.stderr.write(`warning: ${r.duplicates} duplicate records were ignored (one record per key is kept)\n`);
  process.stderr.write(`report written to ${r.dir}: ${r.files.map((f) => f.slice(r.dir.length + 1)).join(', ')}\n`);
  return 0;
}
