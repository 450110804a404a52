// `rolejudge compare`: anonymized pairwise judging of candidates against baselines.
import { commonOptions, judgingOptions, selectionOptions, spendingOptions, type CommandSpec } from './options.js';

export const compareCommand: CommandSpec = {
  command: 'compare',
  describe: 'Anonymized pairwise judging of candidates against baselines',
  builder: (y) =>
    spendingOptions(judgingOptions(selectionOptions(commonOptions(y)))).option('until-decided', {
      type: 'boolean',
      default: false,
      describe: 'judge samples in a seeded random order and stop once an anytime-valid sign test decides every comparison',
    }),
  examples: [
    ['$0 compare -c eval.yaml --metrics veg', 'compare on one metric only'],
    ['$0 compare -c eval.yaml --shard 1/4', 'this worker’s quarter of the samples'],
  ],
  handler: async (argv) => {
    const [{ withSession }, { compareStep }] = await Promise.all([import('../run/session.js'), import('../run/steps.js')]);
    return withSession(argv, ['compare'], compareStep);
  },
};
