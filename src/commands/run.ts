// `rolejudge run`: generate → score → compare → report (→ gate), resuming what is done.
import { commonOptions, judgingOptions, selectionOptions, spendingOptions, type CommandSpec } from './options.js';

export const runCommand: CommandSpec = {
  command: 'run',
  describe: 'generate → score → compare → report (→ gate), resuming what is done',
  builder: (y) =>
    spendingOptions(judgingOptions(selectionOptions(commonOptions(y)))).option('until-decided', {
      type: 'boolean',
      default: false,
      describe: 'score and compare: seeded order, each stops once its anytime-valid tests decide every check the gate needs',
    }),
  examples: [
    ['$0 run -c eval.yaml --dry-run', 'every call and token the run would spend'],
    ['$0 run -c eval.yaml --max-calls 500', 'stop cleanly after 500 calls; rerun to resume'],
  ],
  handler: async (argv) => (await import('../run/run.js')).runAll(argv),
};
