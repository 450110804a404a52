// `rolejudge agreement --human <csv>`: how well the run's judges agree with human scores.
import { commonOptions, runDirOption, type CommandSpec } from './options.js';

export const agreementCommand: CommandSpec = {
  command: 'agreement',
  describe: 'Agreement of the run’s judges with human scores',
  builder: (y) =>
    runDirOption(commonOptions(y), 'read').option('human', {
      type: 'string',
      demandOption: true,
      describe: 'CSV of human scores: sample_id,model,metric,score',
    }),
  examples: [['$0 agreement -c eval.yaml --human humans.csv', 'Pearson, Spearman and Kendall per metric']],
  handler: async (argv) => (await import('../run/agreement.js')).agreementStep(argv),
};
