// `rolejudge diff <run-a> <run-b>`: what changed between two runs of one split.
import type { CommandSpec } from './options.js';

export const diffCommand: CommandSpec = {
  command: 'diff <run-a> <run-b>',
  describe: 'What changed between two runs of one split (diff.md, diff.json, diff.html)',
  builder: (y) =>
    y
      .positional('run-a', { type: 'string', describe: 'the earlier run directory (e.g. runs/ckpt-41)' })
      .positional('run-b', { type: 'string', describe: 'the later run directory (e.g. runs/ckpt-42)' })
      .option('out', { alias: 'o', type: 'string', describe: 'folder for diff.md, diff.json, diff.html (default: reports/diff-<a>-<b>)' })
      .option('top', { type: 'number', default: 20, describe: 'how many samples "moved most" lists' })
      .option('seed', { type: 'number', default: 1, describe: 'bootstrap seed' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no summary line' }),
  examples: [
    ['$0 diff runs/ckpt-41 runs/ckpt-42', 'change per model and metric, pairwise side by side, samples that moved most'],
    ['$0 diff runs/a runs/b -o review/', 'write diff.md (for the pull request), diff.json and diff.html into review/'],
  ],
  handler: async (argv) => {
    const [{ diffStage }, { diffSummary }, { basename, join }] = await Promise.all([
      import('../stages/diff/diff.js'),
      import('../stages/diff/render.js'),
      import('node:path'),
    ]);
    const a = String(argv.runA ?? argv['run-a']);
    const b = String(argv.runB ?? argv['run-b']);
    const out = typeof argv.out === 'string' ? argv.out : join('reports', `diff-${basename(a)}-${basename(b)}`);
    const { diff, files } = await diffStage(a, b, out, { top: Number(argv.top), seed: Number(argv.seed) });
    if (!argv.quiet) process.stdout.write(`${diffSummary(diff)}\nWrote ${files.join(', ')}\n`);
    return 0;
  },
};
