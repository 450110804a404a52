// `npm run bench:report`: how long `rolejudge report` takes, and how much
// memory it needs, on a full-size run: 32,000 samples × 11 metrics × 2 models
// × 3 rounds × 2 judges ≈ 4.2 million judgments, written straight into a run
// directory (nothing is judged). Run `npm run build` first: the bench measures
// the built CLI. The reference, measured in the same run on the same files, is
// a plain one-thread streaming pass that only reads and JSON.parses every
// judgment line (1 MiB reads, lines cut at "\n", one JSON.parse per line):
// the target is a report in less wall time than that pass.
//
//   node bench/report-bench.mjs [--samples 32000] [--keep] [--cli path/to/bin/rolejudge.js]
import { createReadStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { benchArgs, machine, runNode } from './lib/measure.mjs';
import { JUDGES, METRICS, MODELS, ROUNDS, writeReportConfig, writeRun } from './lib/run-records.mjs';

/** The reference pass, run as its own process: read and parse every judgment line of a run, nothing else. */
async function parsePass(judgmentsDir) {
  let lines = 0;
  let scored = 0;
  for (const f of readdirSync(judgmentsDir).sort()) {
    let carry = '';
    for await (const chunk of createReadStream(join(judgmentsDir, f), { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      const text = carry + chunk;
      let start = 0;
      let end;
      while ((end = text.indexOf('\n', start)) >= 0) {
        // Reading a field keeps the parse from being optimised away.
        if (JSON.parse(text.slice(start, end)).score !== null) scored++;
        lines++;
        start = end + 1;
      }
      carry = text.slice(start);
    }
    if (carry !== '') throw new Error(`${f} does not end with a newline`);
  }
  process.stdout.write(`${JSON.stringify({ lines, scored })}\n`);
}
const parseAt = process.argv.indexOf('--parse-pass');
if (parseAt >= 0) {
  await parsePass(process.argv[parseAt + 1]);
  process.exit(0);
}

const { cli: CLI, flag, keep: KEEP } = benchArgs();
const SAMPLES = Number(flag('samples', 32_000));
const TARGET_S = 20;
const TARGET_MB = 1536;

const log = (msg) => process.stderr.write(`${msg}\n`);
const dir = mkdtempSync(join(tmpdir(), 'rolejudge-report-bench-'));
const loadStart = loadavg()[0];
try {
  const expected = SAMPLES * METRICS.length * MODELS.length * ROUNDS * JUDGES.length;
  log(
    `report bench: writing ${SAMPLES} samples × ${METRICS.length} metrics × ${MODELS.length} models × ${ROUNDS} rounds × ${JUDGES.length} judges = ${expected.toLocaleString('en')} judgments under ${dir}…`,
  );
  const t0 = performance.now();
  const run = await writeRun(join(dir, 'runs'), 'report-bench', SAMPLES);
  const bytes = readdirSync(join(run.dir, 'judgments')).reduce((n, f) => n + statSync(join(run.dir, 'judgments', f)).size, 0);
  log(`written in ${((performance.now() - t0) / 1000).toFixed(1)} s (${(bytes / 1e9).toFixed(2)} GB of judgments)`);
  // The config names a split; report never reads it, but the file should exist.
  const split = join(dir, 'split.jsonl');
  writeFileSync(split, '');
  const config = writeReportConfig(dir, 'report-bench', split);

  log('plain one-thread JSON.parse pass over the judgment lines (reference)…');
  const ref = await runNode([fileURLToPath(import.meta.url), '--parse-pass', join(run.dir, 'judgments')], { cwd: dir, timeoutMs: 900_000 });
  const parsed = JSON.parse(ref.stdout);
  if (parsed.lines !== expected) throw new Error(`the parse pass read ${parsed.lines} lines, expected ${expected}`);
  log('rolejudge report…');
  const r = await runNode([CLI, 'report', '-c', config, '--quiet'], { cwd: dir, timeoutMs: 900_000 });
  const out = join(dir, 'reports', 'report-bench');
  const files = existsSync(out) ? readdirSync(out) : [];
  const wallS = r.wallMs / 1000;
  const lines = [
    `rolejudge report bench — ${availableParallelism()} cores (${machine()}), node ${process.version}, CLI ${CLI}`,
    `${run.judgments.toLocaleString('en')} judgments (${(bytes / 1e9).toFixed(2)} GB), ${(100 * (1 - parsed.scored / parsed.lines)).toFixed(2)} % failed; report files: ${files.join(', ')}`,
    '',
    '| pass | wall s | CPU s | peak RSS MB | wall ÷ parse pass |',
    '|---|---:|---:|---:|---:|',
    `| plain one-thread JSON.parse pass (reference) | ${(ref.wallMs / 1000).toFixed(1)} | ${(ref.cpuMs / 1000).toFixed(1)} | ${ref.maxRssMb.toFixed(0)} | 1.00 |`,
    `| rolejudge report | ${wallS.toFixed(1)} | ${(r.cpuMs / 1000).toFixed(1)} | ${r.maxRssMb.toFixed(0)} | ${(r.wallMs / ref.wallMs).toFixed(2)} |`,
    '',
    `target: report wall time < the parse pass's — ${r.wallMs < ref.wallMs ? 'met' : `missed: ${(r.wallMs / ref.wallMs).toFixed(2)}× (${((r.wallMs - ref.wallMs) / 1000).toFixed(1)} s over)`}.`,
    `targets: under ${TARGET_S} s — ${wallS < TARGET_S ? 'met' : `missed by ${(wallS - TARGET_S).toFixed(1)} s`}; ` +
      `under ${TARGET_MB} MB peak — ${r.maxRssMb < TARGET_MB ? 'met' : `missed by ${(r.maxRssMb - TARGET_MB).toFixed(0)} MB`}.`,
    `load average (1 min) at start ${loadStart.toFixed(2)}, at end ${loadavg()[0].toFixed(2)}.`,
  ];
  if (run.judgments !== expected) throw new Error(`wrote ${run.judgments} judgments, expected ${expected}`);
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  if (!KEEP) rmSync(dir, { recursive: true, force: true });
}
