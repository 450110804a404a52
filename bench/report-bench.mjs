// `npm run bench:report`: how long `rolejudge report` takes, and how much
// memory it needs, on a full-size run: 32,000 samples × 11 metrics × 2 models
// × 3 rounds × 2 judges ≈ 4.2 million judgments, written straight into a run
// directory (nothing is judged). Run `npm run build` first: the bench measures
// the built CLI.
//
//   node bench/report-bench.mjs [--samples 32000] [--keep] [--cli path/to/bin/rolejudge.js]
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchArgs, machine, runNode } from './lib/measure.mjs';
import { JUDGES, METRICS, MODELS, ROUNDS, writeReportConfig, writeRun } from './lib/run-records.mjs';

const { cli: CLI, flag, keep: KEEP } = benchArgs();
const SAMPLES = Number(flag('samples', 32_000));
const TARGET_S = 20;
const TARGET_MB = 1536;

const log = (msg) => process.stderr.write(`${msg}\n`);
const dir = mkdtempSync(join(tmpdir(), 'rolejudge-report-bench-'));
const loadStart = loadavg()[0];
try {
  const expected = SAMPLES * METRICS.length * MODELS.length * ROUNDS * JUDGES.length;
  log(`report bench: writing ${SAMPLES} samples × ${METRICS.length} metrics × ${MODELS.length} models × ${ROUNDS} rounds × ${JUDGES.length} judges = ${expected.toLocaleString('en')} judgments under ${dir}…`);
  const t0 = performance.now();
  const run = await writeRun(join(dir, 'runs'), 'report-bench', SAMPLES);
  const bytes = readdirSync(join(run.dir, 'judgments')).reduce((n, f) => n + statSync(join(run.dir, 'judgments', f)).size, 0);
  log(`written in ${((performance.now() - t0) / 1000).toFixed(1)} s (${(bytes / 1e9).toFixed(2)} GB of judgments)`);
  // The config names a split; report never reads it, but the file should exist.
  const split = join(dir, 'split.jsonl');
  writeFileSync(split, '');
  const config = writeReportConfig(dir, 'report-bench', split);

  log('rolejudge report…');
  const r = await runNode([CLI, 'report', '-c', config, '--quiet'], { cwd: dir, timeoutMs: 900_000 });
  const out = join(dir, 'reports', 'report-bench');
  const files = existsSync(out) ? readdirSync(out) : [];
  const wallS = r.wallMs / 1000;
  const lines = [
    `rolejudge report bench — ${availableParallelism()} cores (${machine()}), node ${process.version}, CLI ${CLI}`,
    '',
    '| judgments | judgment files GB | wall s | CPU s | peak RSS MB | report files |',
    '|---:|---:|---:|---:|---:|---|',
    `| ${run.judgments.toLocaleString('en')} | ${(bytes / 1e9).toFixed(2)} | ${wallS.toFixed(1)} | ${(r.cpuMs / 1000).toFixed(1)} | ${r.maxRssMb.toFixed(0)} | ${files.join(', ')} |`,
    '',
    `targets: under ${TARGET_S} s — ${wallS < TARGET_S ? 'met' : `missed by ${(wallS - TARGET_S).toFixed(1)} s`}; ` +
      `under ${TARGET_MB} MB peak — ${r.maxRssMb < TARGET_MB ? 'met' : `missed by ${(r.maxRssMb - TARGET_MB).toFixed(0)} MB`}.`,
    `load average (1 min) at start ${loadStart.toFixed(2)}, at end ${loadavg()[0].toFixed(2)}.`,
  ];
  if (run.judgments !== expected) throw new Error(`wrote ${run.judgments} judgments, expected ${expected}`);
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  if (!KEEP) rmSync(dir, { recursive: true, force: true });
}
