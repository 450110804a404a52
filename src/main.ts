// The rolejudge command line: yargs wiring only. Each command is a module in
// src/commands/ (options, examples, a handler that loads its code lazily, so
// `rolejudge gate` does not pay for loading the generate stage). Errors map to
// exit codes in one place (src/core/errors.ts):
//   0 ok · 1 regression (gate) · 2 usage, config or input error · 3 run unfit · 4 runtime failure · 5 budget stop
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { VERSION } from './core/version.js';
import { EXIT, exitCodeFor, formatError } from './core/errors.js';
import type { CommandSpec } from './commands/options.js';
import { agreementCommand } from './commands/agreement.js';
import { compareCommand } from './commands/compare.js';
import { demoCommand } from './commands/demo.js';
import { diffCommand } from './commands/diff.js';
import { gateCommand } from './commands/gate.js';
import { generateCommand } from './commands/generate.js';
import { initCommand } from './commands/init.js';
import { mergeCommand } from './commands/merge.js';
import { calibrateCommand } from './commands/calibrate.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { scoreCommand } from './commands/score.js';

interface YargsInternals {
  getInternalMethods(): { getUsageInstance(): { cacheHelpMessage(): void } };
}

const COMMANDS: CommandSpec[] = [
  generateCommand,
  scoreCommand,
  compareCommand,
  reportCommand,
  gateCommand,
  runCommand,
  demoCommand,
  initCommand,
  agreementCommand,
  mergeCommand,
  calibrateCommand,
  diffCommand,
];

const args = hideBin(process.argv);
const first = args.find((a) => !a.startsWith('-'));
const names = COMMANDS.map((c) => c.command.split(' ')[0]!);
// An unknown command is a usage error even with --help (yargs would print the
// top-level help and exit 0, and a CI script would carry on).
if (first !== undefined && !names.includes(first)) {
  process.stderr.write(`rolejudge: unknown command "${first}" (commands: ${names.join(', ')}); rolejudge --help lists them\n`);
  process.exit(EXIT.input);
}

let cli = yargs(args).scriptName('rolejudge').version(VERSION).usage('$0 <command> [options]\n\nEvaluate video role-playing agents with LLM judges.');
// yargs renders and caches the whole help text each time it runs a command's
// handler (a tenth of a second of string-width before the first request); the
// cache only serves showHelp() after a handler ran, which rolejudge never
// calls, so help is built only for --help or a usage error.
(cli as unknown as YargsInternals).getInternalMethods().getUsageInstance().cacheHelpMessage = () => {};
for (const spec of COMMANDS) {
  cli = cli.command(
    spec.command,
    spec.describe,
    (y) => {
      let b = spec.builder(y);
      for (const [cmd, what] of spec.examples) b = b.example(cmd, what);
      return b;
    },
    async (argv) => {
      try {
        process.exitCode = await spec.handler(argv as Record<string, unknown>);
      } catch (err) {
        process.stderr.write(`rolejudge: ${formatError(err)}\n`);
        process.exitCode = exitCodeFor(err);
      }
    },
  );
}

await cli
  .demandCommand(1, 'Name a command: rolejudge --help lists them.')
  .strict()
  .fail((msg, err, y) => {
    if (err) throw err;
    process.stderr.write(`${y.help()}\n\nrolejudge: ${msg}\n`);
    process.exit(EXIT.input);
  })
  .help()
  .wrap(Math.min(110, process.stdout.columns || 100))
  .parseAsync();
