// generate → score → compare → report (→ gate): each stage resumes from what
// the run directory already holds, so rerunning `run` finishes a killed run.
import generateCommand from './generate.js';
import scoreCommand from './score.js';
import compareCommand from './compare.js';
import reportCommand from './report.js';
import gateCommand from './gate.js';
import { loadFromArgv, type Argv } from './setup.js';

export default async function runCommand(argv: Argv): Promise<number> {
  const loaded = loadFromArgv(argv);
  const { config } = loaded;
  const dry = Boolean(argv['dry-run']);
  const step = (name: string) => process.stderr.write(`\n== ${name} ==\n`);
  // A stage that stops early (budget) ends the run: later stages would work on partial data.
  let code = 0;
  if (!dry) {
    step('generate');
    if ((code = await generateCommand(argv))) return code;
  }
  if (config.judges.length && config.rubrics.length) {
    step('score');
    if ((code = await scoreCommand(argv))) return code;
    if (config.compare.candidates.length && config.compare.baselines.length) {
      step('compare');
      if ((code = await compareCommand(argv))) return code;
    }
  }
  if (dry) return 0;
  step('report');
  await reportCommand(argv);
  if (config.gate) {
    step('gate');
    return gateCommand(argv);
  }
  return 0;
}
