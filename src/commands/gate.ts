// `rolejudge gate`: the CI verdict. Exit 0 pass, 1 regression, 2 usage or
// config error (via UsageError/ConfigError), 3 run unfit to judge.
import { join, resolve } from 'node:path';
import { decide } from '../gate/decide.js';
import { gatherEvidence } from '../gate/evidence.js';
import { junitXml } from '../gate/junit.js';
import { resolveGateSettings } from '../gate/settings.js';
import { verdictText } from '../gate/table.js';
import { makeReport } from '../report/report.js';
import { writeFileAtomic } from '../store/jsonl.js';
import { RunStore } from '../store/run.js';
import { UnfitRunError } from './errors.js';
import { loadFromArgv, type Argv } from './setup.js';

export default async function gateCommand(argv: Argv): Promise<number> {
  const loaded = loadFromArgv(argv);
  const { config } = loaded;
  const settings = resolveGateSettings(config, loaded.baseDir, argv);
  const runDir = typeof argv['run-dir'] === 'string' ? resolve(argv['run-dir']) : join(config.run.outputDir, config.run.id);
  const store = new RunStore(runDir);
  // No run at all is the extreme of an unfit run: nothing to judge, which CI
  // must tell apart from a regression.
  if (!store.exists()) throw new UnfitRunError(`no run at ${runDir} (run.json missing): nothing to judge`);
  const { report } = await makeReport(loaded, runDir);
  const evidence = await gatherEvidence(store, settings.candidate, settings.baseline);
  const verdict = decide(report, settings, evidence);
  const text = verdictText(verdict);
  process.stdout.write(argv.quiet ? text.slice(text.trimEnd().lastIndexOf('\n') + 1) : text);
  if (settings.junit) {
    writeFileAtomic(settings.junit, junitXml(verdict));
    process.stderr.write(`JUnit XML written to ${settings.junit}\n`);
  }
  return verdict.exitCode;
}
