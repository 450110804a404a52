// `npm run bench:report`: how long `rolejudge report` takes, and how much
// memory it needs, on a full-size run: 32,000 samples × 11 metrics × 2 models
// × 3 rounds × 2 judges ≈ 4.2 million judgments, written straight into a run
// directory (nothing is judged). Run `npm run build` first: the bench measures
// the built CLI. The reference, measured in the same run on the same files, is
// a plain one-thread streaming pass that only reads and JSON.parses every
// judgment line (1 MiB reads, lines cut at "\n", one JSON.parse per line):
// the target is a report in less wall time than that pass.
//
// The report is timed as a real run would have it: first the run's columnar
// index is built by the score stage's own IndexFeed (dist/store/judgment-index)
// over the generated logs — its cost is printed as what the run paid as it
// went — and then `report` folds from it; "index missing" times a report that
// finds none and rebuilds it from the JSON.
//
// `--before <old bin/rolejudge.js>` times an older build beside it on the same
// files (and checks that both write the same bytes); `--reps N` interleaves N
// rounds of every pass and reports medians.
//
//   node bench/report-bench.mjs [--samples 32000] [--reps 1] [--before old/bin/rolejudge.js] [--keep] [--cli path/to/bin/rolejudge.js]
import { createHash } from 'node:crypto';
import { cpSync, createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { benchArgs, machine, runNode } from './lib/measure.mjs';
import { recordTargets } from './lib/targets.mjs';
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
/**
 * The index as the score stage keeps it, run as its own process: every line
 * goes through the IndexFeed that the judgment logs' writer carries (built
 * code from dist/), and segments are written as the log's bytes are. Lines
 * are cut and parsed untimed (the score stage holds each record already);
 * what is timed is what the run pays as it goes: the feed's rows, hashes and
 * segment files.
 */
async function indexPass(judgmentsDir) {
  const { IndexFeed } = await import('../dist/store/judgment-index/feed.js');
  let paidMs = 0;
  let rows = 0;
  for (const f of readdirSync(judgmentsDir).sort()) {
    const feed = new IndexFeed(join(judgmentsDir, f));
    let t = performance.now();
    feed.open(0);
    paidMs += performance.now() - t;
    let carry = '';
    let upTo = 0;
    for await (const chunk of createReadStream(join(judgmentsDir, f), { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      const text = carry + chunk;
      const cut = text.lastIndexOf('\n') + 1;
      carry = text.slice(cut);
      const lines = text.slice(0, cut).split('\n');
      lines.pop();
      const records = lines.map((l) => JSON.parse(l));
      t = performance.now();
      for (let i = 0; i < lines.length; i++) {
        feed.line(records[i], lines[i]);
        upTo += Buffer.byteLength(lines[i]) + 1;
      }
      feed.written(upTo);
      paidMs += performance.now() - t;
      rows += lines.length;
    }
    t = performance.now();
    await feed.close(false);
    paidMs += performance.now() - t;
  }
  process.stdout.write(`${JSON.stringify({ rows, paidMs })}\n`);
}

const parseAt = process.argv.indexOf('--parse-pass');
if (parseAt >= 0) {
  await parsePass(process.argv[parseAt + 1]);
  process.exit(0);
}
const indexAt = process.argv.indexOf('--index-pass');
if (indexAt >= 0) {
  await indexPass(process.argv[indexAt + 1]);
  process.exit(0);
}

const { cli: CLI, flag, keep: KEEP } = benchArgs();
const SAMPLES = Number(flag('samples', 32_000));
const REPS = Math.max(1, Number(flag('reps', 1)));
const BEFORE = flag('before', undefined);
const TARGET_S = 20;
const TARGET_MB = 1536;

const log = (msg) => process.stderr.write(`${msg}\n`);
/** Bytes under a directory. */
const du = (d) => readdirSync(d, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? du(join(d, e.name)) : statSync(join(d, e.name)).size), 0);
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

  const out = join(dir, 'reports', 'report-bench');
  // Every report's six files, hashed: all builds and rounds must write the same bytes.
  const digest = () =>
    readdirSync(out)
      .sort()
      .map(
        (f) =>
          `${f}:${createHash('sha256')
            .update(readFileSync(join(out, f)))
            .digest('hex')
            .slice(0, 16)}`,
      )
      .join(' ');
  // The index as the run would have left it: built once by the score stage's feed, kept aside, put back before each indexed report.
  const indexDir = join(run.dir, 'index');
  const kept = join(dir, 'index-kept-by-the-run');
  log("index: feeding every judgment line through the score stage's IndexFeed…");
  const built = await runNode([fileURLToPath(import.meta.url), '--index-pass', join(run.dir, 'judgments')], { cwd: dir, timeoutMs: 900_000 });
  const fed = JSON.parse(built.stdout);
  if (fed.rows !== expected) throw new Error(`the index pass fed ${fed.rows} lines, expected ${expected}`);
  const indexBytes = du(indexDir);
  cpSync(indexDir, kept, { recursive: true });
  const passes = [{ name: 'plain one-thread JSON.parse pass (reference)', runs: [] }];
  if (BEFORE) passes.push({ name: `rolejudge report, before (${BEFORE})`, cli: BEFORE, runs: [], index: 'none' });
  passes.push({ name: 'rolejudge report, index missing (rebuilds it)', cli: CLI, runs: [], index: 'none' });
  passes.push({ name: 'rolejudge report (index kept by the run)', cli: CLI, runs: [], index: 'kept' });
  let bytesOut = null;
  for (let rep = 1; rep <= REPS; rep++) {
    for (const p of passes) {
      log(`round ${rep}/${REPS}: ${p.name}…`);
      if (!p.cli) {
        const ref = await runNode([fileURLToPath(import.meta.url), '--parse-pass', join(run.dir, 'judgments')], { cwd: dir, timeoutMs: 900_000 });
        p.parsed = JSON.parse(ref.stdout);
        if (p.parsed.lines !== expected) throw new Error(`the parse pass read ${p.parsed.lines} lines, expected ${expected}`);
        p.runs.push(ref);
        continue;
      }
      rmSync(out, { recursive: true, force: true });
      rmSync(indexDir, { recursive: true, force: true });
      if (p.index === 'kept') cpSync(kept, indexDir, { recursive: true });
      p.runs.push(await runNode([p.cli, 'report', '-c', config, '--quiet'], { cwd: dir, timeoutMs: 900_000 }));
      const d = digest();
      if (bytesOut !== null && d !== bytesOut) throw new Error(`${p.name} wrote other bytes:\n${d}\nvs\n${bytesOut}`);
      bytesOut = d;
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const p of passes) {
    p.wallMs = median(p.runs.map((r) => r.wallMs));
    p.cpuMs = median(p.runs.map((r) => r.cpuMs));
    p.rssMb = Math.max(...p.runs.map((r) => r.maxRssMb));
  }
  const ref = passes[0];
  const parsed = ref.parsed;
  const r = passes.at(-1);
  const files = existsSync(out) ? readdirSync(out) : [];
  const wallS = r.wallMs / 1000;
  const lines = [
    `rolejudge report bench — ${availableParallelism()} cores (${machine()}), node ${process.version}, CLI ${CLI}`,
    `${run.judgments.toLocaleString('en')} judgments (${(bytes / 1e9).toFixed(2)} GB), ${(100 * (1 - parsed.scored / parsed.lines)).toFixed(2)} % failed; report files: ${files.join(', ')}`,
    `medians of ${REPS} interleaved round(s); every report wrote the same bytes (${bytesOut})`,
    `index kept as the run goes (score stage's IndexFeed over every line, timed apart from cutting and parsing them): ${(fed.paidMs / 1000).toFixed(1)} s paid by the run, ${(indexBytes / 1e6).toFixed(0)} MB of index (${(bytes / indexBytes).toFixed(1)}× smaller than the JSONL)`,
    '',
    '| pass | wall s | CPU s | peak RSS MiB | wall ÷ parse pass | runs (wall s) |',
    '|---|---:|---:|---:|---:|---|',
    ...passes.map(
      (p) =>
        `| ${p.name} | ${(p.wallMs / 1000).toFixed(1)} | ${(p.cpuMs / 1000).toFixed(1)} | ${p.rssMb.toFixed(0)} | ${(p.wallMs / ref.wallMs).toFixed(2)} | ${p.runs.map((x) => (x.wallMs / 1000).toFixed(1)).join(', ')} |`,
    ),
    '',
    `target: report wall time < the parse pass's — ${r.wallMs < ref.wallMs ? 'met' : `missed: ${(r.wallMs / ref.wallMs).toFixed(2)}× (${((r.wallMs - ref.wallMs) / 1000).toFixed(1)} s over)`}.`,
    `targets: under ${TARGET_S} s — ${wallS < TARGET_S ? 'met' : `missed by ${(wallS - TARGET_S).toFixed(1)} s`}; ` +
      `under ${TARGET_MB} MiB peak — ${r.rssMb < TARGET_MB ? 'met' : `missed by ${(r.rssMb - TARGET_MB).toFixed(0)} MiB`}.`,
    `load average (1 min) at start ${loadStart.toFixed(2)}, at end ${loadavg()[0].toFixed(2)}.`,
  ];
  if (run.judgments !== expected) throw new Error(`wrote ${run.judgments} judgments, expected ${expected}`);
  recordTargets('report', [
    {
      target: `report over ${run.judgments.toLocaleString('en')} judgments < one plain one-thread JSON.parse pass (same bytes out)`,
      figure: `${(r.wallMs / 1000).toFixed(1)} s ÷ ${(ref.wallMs / 1000).toFixed(1)} s (index kept by the run)`,
      ratio: r.wallMs / ref.wallMs,
      met: r.wallMs < ref.wallMs,
    },
  ]);
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  if (!KEEP) rmSync(dir, { recursive: true, force: true });
}
