// `rolejudge generate`: every selected model answers every selected sample.
import { commonOptions, selectionOptions, spendingOptions, type CommandSpec } from './options.js';

export const generateCommand: CommandSpec = {
  command: 'generate',
  describe: 'Run each model over the selected samples (responses)',
  builder: (y) => spendingOptions(selectionOptions(commonOptions(y))),
  examples: [
    ['$0 generate -c eval.yaml --limit 20', 'answer the first 20 samples with every model'],
    ['$0 generate -c eval.yaml --models qwen --dry-run', 'how many calls one model would make'],
  ],
  handler: async (argv) => {
    const [{ withSession }, { generateStep }] = await Promise.all([import('../run/session.js'), import('../run/steps.js')]);
    return withSession(argv, ['generate'], generateStep);
  },
};
