// `npm run bench:start`: how long `rolejudge score` takes from process spawn to
// its first judge request, on a 32,000-sample split (issue 16 item 5). The
// reference, measured in the same run, is a node process that reads and
// JSON.parses every line of the files score reads before it can call a judge:
// the split and both models' responses. Both are timed from spawn, on one
// clock (epoch milliseconds: performance.timeOrigin + performance.now() in each
// process); the runs are interleaved and medians reported. Target ≤ 1.5×.
//
// The judge server runs in this process (it only has to note the first
// request's arrival); `score` is killed once that request has arrived.
// Run `npm run build` first: the bench measures the built CLI.
//
// `--before <path to another build's bin/rolejudge.js>` times that build too,
// interleaved in the same run (a change's effect measured at one load).
//
//   node bench/start-bench.mjs [--samples 32000] [--reps 3] [--keep] [--cli path/to/bin/rolejudge.js] [--before path/to/old/bin/rolejudge.js]
import { spawn } from 'node:child_process';
import { cpSync, createReadStream, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { benchArgs, machine, runNode } from './lib/measure.mjs';
import { writeConfig, writeJudge, writeSplit } from './lib/synthetic.mjs';
import { recordTargets } from './lib/targets.mjs';

const now = () => performance.timeOrigin + performance.now();

/** The reference: read and parse every line of the given files, nothing else; prints the line count. */
async function parsePass(files) {
  let lines = 0;
  for (const f of files) {
    let carry = '';
    for await (const chunk of createReadStream(f, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      const text = carry + chunk;
      let start = 0;
      let end;
      while ((end = text.indexOf('\n', start)) >= 0) {
        if (JSON.parse(text.slice(start, end)) !== null) lines++;
        start = end + 1;
      }
      carry = text.slice(start);
    }
  }
  process.stdout.write(`${JSON.stringify({ lines })}\n`);
}
const passAt = process.argv.indexOf('--parse-pass');
if (passAt >= 0) {
  await parsePass(process.argv.slice(passAt + 1));
  process.exit(0);
}

const { cli: CLI, flag, keep: KEEP } = benchArgs();
const SAMPLES = Number(flag('samples', 32_000));
const REPS = Number(flag('reps', 3));
const BEFORE = flag('before', null) ? resolve(flag('before')) : null;
const TARGET = 1.5;
const log = (msg) => process.stderr.write(`${msg}\n`);

// A judge server that notes when the first request arrives and answers every one.
let firstAt = 0;
let onFirst = () => {};
const reply = JSON.stringify({
  id: 'chatcmpl-start',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'bench-judge',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Score: 7' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 },
});
const server = http.createServer((req, res) => {
  if (firstAt === 0) {
    firstAt = now();
    onFirst();
  }
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(reply));
});
await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
const baseUrl = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}/v1`;

const dir = mkdtempSync(join(tmpdir(), 'rolejudge-start-bench-'));
const loadStart = loadavg()[0];
try {
  log(`start bench: writing a ${SAMPLES}-sample split and both models' responses under ${dir}…`);
  const judgesDir = writeJudge(dir, baseUrl);
  const env = { BENCH_JUDGE_KEY: 'sk-bench', CI: '1' };
  const split = await writeSplit(join(dir, 'data'), SAMPLES);
  const gen = writeConfig(dir, 'gen', { data: split, judgesDir, cacheDir: join(dir, 'cache'), concurrency: 16 });
  await runNode([CLI, 'generate', '-c', gen, '--no-cache', '--quiet'], { env, cwd: dir, timeoutMs: 900_000 });
  const responses = join(dir, 'runs', 'gen', 'responses');
  const inputs = [split.split, ...readdirSync(responses).map((f) => join(responses, f))];

  /** One `rolejudge score` on a fresh run directory: ms from spawn to the first request. */
  async function firstRequest(rep, cli = CLI) {
    const name = `start-${rep}${cli === CLI ? '' : '-before'}`;
    const cfg = writeConfig(dir, name, { data: split, judgesDir, cacheDir: join(dir, 'cache'), concurrency: 16 });
    cpSync(responses, join(dir, 'runs', name, 'responses'), { recursive: true });
    firstAt = 0;
    const arrived = new Promise((r) => (onFirst = () => r(undefined)));
    const spawnedAt = now();
    const child = spawn(process.execPath, [cli, 'score', '-c', cfg, '--no-cache', '--quiet'], {
      cwd: dir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise((r) => child.once('exit', (code) => r(code)));
    const first = await Promise.race([arrived.then(() => 'first'), exited.then(() => 'exit')]);
    if (first !== 'first') throw new Error(`score exited before any request\n${stderr.slice(-2000)}`);
    const ms = firstAt - spawnedAt;
    child.kill('SIGKILL');
    await exited;
    return ms;
  }

  /** The reference process: spawn to exit, reading and parsing every input line. */
  async function reference() {
    const spawnedAt = now();
    const r = await runNode([fileURLToPath(import.meta.url), '--parse-pass', ...inputs], { cwd: dir });
    const ms = now() - spawnedAt;
    const { lines } = JSON.parse(r.stdout);
    if (lines !== SAMPLES * 3) throw new Error(`the parse pass read ${lines} lines, expected ${SAMPLES * 3}`);
    return ms;
  }

  const refs = [];
  const firsts = [];
  const befores = [];
  for (let rep = 1; rep <= REPS; rep++) {
    if (BEFORE) {
      log(`[${rep}/${REPS}] the --before build's score to its first request…`);
      befores.push(await firstRequest(rep, BEFORE));
    }
    log(`[${rep}/${REPS}] reference parse pass…`);
    refs.push(await reference());
    log(`[${rep}/${REPS}] rolejudge score to its first request…`);
    firsts.push(await firstRequest(rep));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ref = median(refs);
  const first = median(firsts);
  const ratio = first / ref;
  const lines = [
    `rolejudge start-up bench — ${availableParallelism()} cores (${machine()}), node ${process.version}, CLI ${CLI}`,
    `${SAMPLES.toLocaleString('en')}-sample split + 2 models' responses (${(SAMPLES * 3).toLocaleString('en')} lines); medians of ${REPS} interleaved runs, timed from spawn`,
    '',
    '| pass | ms (median) | runs (ms) | ÷ reference |',
    '|---|---:|---|---:|',
    `| plain JSON.parse pass over split + responses (reference) | ${ref.toFixed(0)} | ${refs.map((x) => x.toFixed(0)).join(', ')} | 1.00 |`,
    ...(BEFORE
      ? [
          `| --before build (${BEFORE}): spawn to first judge request | ${median(befores).toFixed(0)} | ${befores.map((x) => x.toFixed(0)).join(', ')} | ${(median(befores) / ref).toFixed(2)} |`,
        ]
      : []),
    `| rolejudge score: spawn to first judge request | ${first.toFixed(0)} | ${firsts.map((x) => x.toFixed(0)).join(', ')} | ${ratio.toFixed(2)} |`,
    '',
    `target: first request ≤ ${TARGET}× the parse pass — ${ratio <= TARGET ? 'met' : `not met (${ratio.toFixed(2)}×, ${(first - TARGET * ref).toFixed(0)} ms over)`}.`,
    `load average (1 min) at start ${loadStart.toFixed(2)}, at end ${loadavg()[0].toFixed(2)}.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  recordTargets('start', [
    {
      target: `spawn → first judge request, ${SAMPLES.toLocaleString('en')} samples ≤ ${TARGET}× one plain JSON.parse pass`,
      figure: `${first.toFixed(0)} ms ÷ ${ref.toFixed(0)} ms`,
      ratio,
      met: ratio <= TARGET,
    },
  ]);
} finally {
  server.close();
  server.closeAllConnections();
  if (!KEEP) rmSync(dir, { recursive: true, force: true });
}
