// `rolejudge score`: pointwise rubric judging of every response.
import { commonOptions, judgingOptions, selectionOptions, spendingOptions, type CommandSpec } from './options.js';

export const scoreCommand: CommandSpec = {
  command: 'score',
  describe: 'Pointwise rubric judging of every response',
  builder: (y) =>
    spendingOptions(judgingOptions(selectionOptions(commonOptions(y)))).option('until-decided', {
      type: 'boolean',
      default: false,
      describe: 'judge samples in a seeded random order and stop once an anytime-valid confidence sequence decides every mean difference the gate needs',
    }),
  examples: [
    ['$0 score -c eval.yaml --dry-run', 'judge calls and tokens it would spend'],
    ['$0 score -c eval.yaml --retry-failed', 'redo only the judgments that failed'],
    ['$0 score -c eval.yaml --until-decided', 'stop judging once the gate’s mean rule is decided'],
  ],
  handler: async (argv) => {
    const [{ withSession }, { scoreStep }] = await Promise.all([import('../run/session.js'), import('../run/steps.js')]);
    return withSession(argv, ['score'], scoreStep);
  },
};
