// `rolejudge gate`: the CI verdict. Exit 0 pass, 1 regression, 2 usage or
// config error, 3 run unfit to judge. Writes only its verdict (and JUnit file).
import { commonOptions, runDirOption, type CommandSpec } from './options.js';

export const gateCommand: CommandSpec = {
  command: 'gate',
  describe: 'CI verdict: candidate vs baseline (exit 0 pass, 1 regression, 2 usage, 3 unfit run)',
  builder: (y) =>
    runDirOption(commonOptions(y), 'judge')
      .option('candidate', { type: 'string', describe: 'candidate model (default: gate.candidate)' })
      .option('baseline', { type: 'string', describe: 'baseline model (default: gate.baseline)' })
      .option('margin', { type: 'number', describe: 'allowed drop of a metric mean, in rubric units (default: gate.margin)' })
      .option('alpha', { type: 'number', describe: 'significance level (default: gate.alpha)' })
      .option('junit', { type: 'string', describe: 'write the verdict as JUnit XML to this file' }),
  examples: [
    ['$0 gate -c eval.yaml --junit gate.xml', 'verdict of the config’s gate, also as JUnit XML'],
    ['$0 gate -c eval.yaml --candidate ckpt42 --baseline ckpt41 --margin 1', 'allow a drop of up to 1 point'],
  ],
  handler: async (argv) => {
    const [{ loadFromArgv }, { gateStep }] = await Promise.all([import('../run/argv.js'), import('../run/finish.js')]);
    return gateStep(loadFromArgv(argv), argv);
  },
};
