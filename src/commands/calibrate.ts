// `rolejudge calibrate`: judge means corrected by a few human labels.
import { commonOptions, runDirOption, type CommandSpec } from './options.js';

export const calibrateCommand: CommandSpec = {
  command: 'calibrate',
  describe: 'Correct judge means with human labels (prediction-powered intervals)',
  builder: (y) =>
    runDirOption(commonOptions(y), 'calibrate').option('human', {
      type: 'string',
      describe: 'CSV of human scores: sample_id, model, metric, score (optional judge_hash, rubric_hash)',
    }),
  examples: [['$0 calibrate -c eval.yaml --human labels.csv', 'judge means with PPI-corrected estimates beside them']],
  handler: async (argv) => {
    const [{ loadFromArgv }, { calibrateStep }] = await Promise.all([import('../run/argv.js'), import('../run/calibrate.js')]);
    return calibrateStep(loadFromArgv(argv), argv);
  },
};
