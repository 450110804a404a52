// `rolejudge demo`: the full pipeline offline, with the same report files as a real run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { demoConfig } from '../config/demo.js';
import type { Argv } from '../run/argv.js';
import type { CommandSpec } from './options.js';

async function demo(argv: Argv): Promise<number> {
  const { runAll } = await import('../run/run.js');
  const cwd = process.cwd();
  const dir = mkdtempSync(join(tmpdir(), 'rolejudge-demo-'));
  const file = join(dir, 'demo.json');
  writeFileSync(file, JSON.stringify(demoConfig(cwd), null, 2));
  // A demo always starts clean, so an older demo run never blocks this one.
  rmSync(join(cwd, 'runs', 'demo'), { recursive: true, force: true });
  process.stdout.write(
    'rolejudge demo: 12 bundled scenes, recorded answers of a plain VLM and an EBM-RL model,\n' +
      'judged by the OFFLINE REFERENCE JUDGE: a deterministic lexical-overlap proxy, not an LLM.\n' +
      'Its scores only show the pipeline working. For real judgments see "A real run" in the README:\n' +
      '  rolejudge init && export OPENAI_API_KEY=... && rolejudge run -c rolejudge.yaml\n\n',
  );
  try {
    const code = await runAll({ ...argv, config: file, quiet: Boolean(argv.quiet) });
    process.stdout.write(
      `\nReports in ${join(cwd, 'reports', 'demo')}: report.html, report.md, leaderboard.csv, pairwise.csv, table.tex, report.json\n` +
        'Judge: offline lexical proxy (not an LLM judge).\n',
    );
    return code;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const demoCommand: CommandSpec = {
  command: 'demo',
  describe: 'The whole pipeline offline on the bundled sample split',
  builder: (y) => y.option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no progress output or tables' }),
  examples: [['$0 demo', 'every stage on data/sample/, reports in reports/demo/']],
  handler: demo,
};
