// `npm run bench`: every issue-16 benchmark in one invocation, then one table
// of every target — the figure, the in-run reference it is a ratio to, met or
// not — with the CPU model and the load average. Each bench still prints its
// own full table as it finishes; each figure is a ratio to a reference that
// bench measured in its own run (a bare HTTP loop, one full ffmpeg decode, a
// plain JSON.parse pass), never an absolute time from another machine.
//
// Run `npm run build` first (npm ci does it): the benches measure the built CLI.
//
//   node bench/all.mjs [--only score,frames,start,report] [--quick] [--cli path/to/bin/rolejudge.js]
//
// score runs the rate-limit bench at its end (promptfoo beside rolejudge).
// --quick: smaller report (4,000 samples, 528,000 judgments instead of 4.2 M)
// and start-up runs, for a first look; the targets are stated for the full sizes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchArgs, machine } from './lib/measure.mjs';

const { root: ROOT, cli: CLI, flag } = benchArgs();
const QUICK = process.argv.includes('--quick');
const ONLY = flag('only', 'score,frames,start,report').split(',');

/** Each bench, its script and its arguments (the CLI under test passed on). */
const BENCHES = [
  { name: 'score', script: 'score-bench.mjs', args: [] },
  { name: 'frames', script: 'frames-bench.mjs', args: [] },
  { name: 'start', script: 'start-bench.mjs', args: ['--reps', QUICK ? '3' : '5'] },
  { name: 'report', script: 'report-bench.mjs', args: QUICK ? ['--samples', '4000'] : [] },
].filter((b) => ONLY.includes(b.name));

const dir = mkdtempSync(join(tmpdir(), 'rolejudge-bench-all-'));
const targetsFile = join(dir, 'targets.jsonl');
const loadStart = loadavg();
const failed = [];
for (const b of BENCHES) {
  process.stderr.write(`\n== ${b.name} bench (bench/${b.script}) ==\n`);
  const r = spawnSync(process.execPath, [join(ROOT, 'bench', b.script), '--cli', CLI, ...b.args], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, BENCH_TARGETS: targetsFile },
  });
  if (r.status !== 0) failed.push(`${b.name} (exit ${r.status ?? r.signal})`);
}

/** @type {{ bench: string, target: string, figure: string, ratio?: number | null, met: boolean | null }[]} */
let rows = [];
try {
  rows = readFileSync(targetsFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
} catch {
  // no bench got as far as its targets
}
rmSync(dir, { recursive: true, force: true });

const fmt = (v) => (v === null || v === undefined || Number.isNaN(v) ? '—' : v.toFixed(3));
const lines = [
  '',
  `rolejudge benchmarks, every target — ${availableParallelism()} cores (${machine()}), node ${process.version}${QUICK ? ', --quick sizes' : ''}`,
  '',
  '| bench | target | figure (against its in-run reference) | ratio | met? |',
  '|---|---|---|---:|---|',
  ...rows.map((r) => `| ${r.bench} | ${r.target} | ${r.figure} | ${fmt(r.ratio)} | ${r.met === null ? '—' : r.met ? 'met' : 'not met'} |`),
  '',
  `${rows.filter((r) => r.met).length} of ${rows.length} targets met.${failed.length ? ` Benches that failed: ${failed.join(', ')}.` : ''}`,
  `load average (1, 5, 15 min) at start ${loadStart.map((x) => x.toFixed(2)).join(', ')}, at end ${loadavg()
    .map((x) => x.toFixed(2))
    .join(', ')}.`,
];
process.stdout.write(`${lines.join('\n')}\n`);
if (failed.length) process.exitCode = 1;
