// `rolejudge report`: statistics, tables, CSV, LaTeX and HTML from a run.
import { commonOptions, runDirOption, type CommandSpec } from './options.js';

export const reportCommand: CommandSpec = {
  command: 'report',
  describe: 'Statistics, tables, CSV, LaTeX and HTML from a run',
  builder: (y) => runDirOption(commonOptions(y), 'read, e.g. a merged run'),
  examples: [
    ['$0 report -c eval.yaml', 'write the six report files of the config’s run'],
    ['$0 report -c eval.yaml --run-dir runs/merged', 'report a merged run'],
  ],
  handler: async (argv) => {
    const [{ loadFromArgv }, { reportStep }] = await Promise.all([import('../run/argv.js'), import('../run/finish.js')]);
    await reportStep(loadFromArgv(argv), argv);
    return 0;
  },
};
