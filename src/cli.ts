// The rolejudge command line. Each command lives in src/commands/; this file
// only wires options and maps errors to exit codes:
//   0 ok · 1 regression (gate) · 2 usage, config or dataset error · 3 run unfit to judge · 4 runtime failure
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { VERSION } from './version.js';
import { exitCodeFor, formatError } from './commands/errors.js';
import { commonOptions, selectionOptions } from './commands/options.js';

type Handler = (argv: Record<string, unknown>) => Promise<number | void>;

function lazy(load: () => Promise<{ default: Handler }>): (argv: Record<string, unknown>) => Promise<void> {
  return async (argv) => {
    try {
      const { default: handler } = await load();
      const code = await handler(argv);
      process.exitCode = typeof code === 'number' ? code : 0;
    } catch (err) {
      process.stderr.write(`rolejudge: ${formatError(err)}\n`);
      process.exitCode = exitCodeFor(err);
    }
  };
}

const withStage = (y: Argv) => selectionOptions(commonOptions(y));

await yargs(hideBin(process.argv))
  .scriptName('rolejudge')
  .version(VERSION)
  .usage('$0 <command> [options]\n\nEvaluate video role-playing agents with LLM judges.')
  .command('generate', 'Run each model over the selected samples (responses)', withStage, lazy(() => import('./commands/generate.js')))
  .command('score', 'Pointwise rubric judging of every response', withStage, lazy(() => import('./commands/score.js')))
  .command('compare', 'Anonymized pairwise judging of candidates against baselines', withStage, lazy(() => import('./commands/compare.js')))
  .command(
    'report',
    'Statistics, tables, CSV, LaTeX and HTML from a run',
    (y) => commonOptions(y).option('run-dir', { type: 'string', describe: 'run directory to read (default: <run.outputDir>/<run.id>), e.g. a merged run' }),
    lazy(() => import('./commands/report.js')),
  )
  .command(
    'gate',
    'CI verdict: candidate vs baseline (exit 0 pass, 1 regression, 2 usage, 3 unfit run)',
    (y) =>
      commonOptions(y)
        .option('candidate', { type: 'string', describe: 'candidate model (default: gate.candidate)' })
        .option('baseline', { type: 'string', describe: 'baseline model (default: gate.baseline)' })
        .option('margin', { type: 'number', describe: 'allowed drop of a metric mean, in rubric units (default: gate.margin)' })
        .option('alpha', { type: 'number', describe: 'significance level (default: gate.alpha)' })
        .option('junit', { type: 'string', describe: 'write the verdict as JUnit XML to this file' })
        .option('run-dir', { type: 'string', describe: 'run directory to judge (default: <run.outputDir>/<run.id>)' }),
    lazy(() => import('./commands/gate.js')),
  )
  .command('run', 'generate → score → compare → report (→ gate), resuming what is done', withStage, lazy(() => import('./commands/run.js')))
  .command('demo', 'The whole pipeline offline on the bundled sample split', (y) => y, lazy(() => import('./commands/demo.js')))
  .command('init [file]', 'Write a commented starter config for a real run', (y) => y.positional('file', { type: 'string', default: 'rolejudge.yaml' }), lazy(() => import('./commands/init.js')))
  .command(
    'agreement',
    'Agreement of the run’s judges with human scores',
    (y) =>
      commonOptions(y)
        .option('human', { type: 'string', demandOption: true, describe: 'CSV of human scores: sample_id,model,metric,score' })
        .option('run-dir', { type: 'string', describe: 'run directory to read (default: <run.outputDir>/<run.id>)' }),
    lazy(() => import('./commands/agreement.js')),
  )
  .command(
    'merge <dirs..>',
    'Merge shard run directories into one run',
    (y) =>
      y
        .positional('dirs', { type: 'string', array: true })
        .option('out', { type: 'string', demandOption: true, describe: 'merged run directory' })
        .option('run-id', { type: 'string', describe: 'run id of the merged run (default: the inputs’ common id, else the --out folder name)' })
        .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no summary output' }),
    lazy(() => import('./commands/merge.js')),
  )
  .demandCommand(1, 'Name a command: rolejudge --help lists them.')
  .strict()
  .fail((msg, err, y) => {
    if (err) throw err;
    process.stderr.write(`${y.help()}\n\nrolejudge: ${msg}\n`);
    process.exit(2);
  })
  .help()
  .wrap(Math.min(110, process.stdout.columns || 100))
  .parseAsync();
