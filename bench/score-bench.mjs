// `npm run bench`: what the harness costs on top of the judge's latency.
// A local OpenAI-compatible server (own process, fixed latency) answers every
// call; `rolejudge score` runs through the real CLI against it at several
// concurrencies, and a bare loop of raw HTTP requests (own process, no SDK,
// no records) does the same number of calls as the reference. Run
// `npm run build` first: the bench measures the built CLI.
//
//   node bench/score-bench.mjs [--latency 50] [--keep]
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, runNode, startServer } from './lib/measure.mjs';
import { writeConfig, writeJudge, writeSplit } from './lib/synthetic.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'rolejudge.js');
const argv = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const LATENCY = Number(flag('latency', process.env.BENCH_LATENCY_MS ?? 50));
const KEEP = argv.includes('--keep');

if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
  console.error('dist/ is missing: run `npm run build` first (the bench measures the built CLI).');
  process.exit(2);
}

// Two models × one rubric × one round: calls = 2 × samples.
const THROUGHPUT = [
  { concurrency: 16, samples: 1_500 },
  { concurrency: 64, samples: 3_000 },
  { concurrency: 256, samples: 6_000 },
];
const MEMORY = [2_000, 20_000];
const MEMORY_CONCURRENCY = 64;
const CACHE_SAMPLES = 3_000;
const CACHE_CONCURRENCY = 64;

const dir = mkdtempSync(join(tmpdir(), 'rolejudge-bench-'));
const server = await startServer(LATENCY);
const judgesDir = writeJudge(dir, server.baseUrl);
const env = { BENCH_JUDGE_KEY: 'sk-bench', CI: '1' };
const rows = [];

const splits = new Map();
/** A split of n samples with both models' responses already recorded (template run). */
async function data(n) {
  let d = splits.get(n);
  if (d) return d;
  const split = await writeSplit(join(dir, 'data'), n);
  const cfg = writeConfig(dir, `gen-${n}`, { data: split, judgesDir, cacheDir: join(dir, 'cache-unused'), concurrency: 16 });
  await runNode([CLI, 'generate', '-c', cfg, '--no-cache', '--quiet'], { env, cwd: dir });
  d = { split, responses: join(dir, 'runs', `gen-${n}`, 'responses') };
  splits.set(n, d);
  return d;
}

/** One `rolejudge score` run on a fresh run directory; returns its figures. */
async function scoreRun(name, n, concurrency, { cacheDir = null } = {}) {
  const d = await data(n);
  const cfg = writeConfig(dir, name, { data: d.split, judgesDir, cacheDir: cacheDir ?? join(dir, 'cache-unused'), concurrency });
  cpSync(d.responses, join(dir, 'runs', name, 'responses'), { recursive: true });
  await server.reset();
  const args = [CLI, 'score', '-c', cfg, '--concurrency', String(concurrency), ...(cacheDir ? [] : ['--no-cache'])];
  const r = await runNode(args, { env, cwd: dir });
  const s = await server.stats();
  const m = /score: (\d+) judgments written \((\d+) failed\)/.exec(r.stderr);
  const written = m ? Number(m[1]) : NaN;
  const failed = m ? Number(m[2]) : NaN;
  if (written !== 2 * n || failed !== 0) throw new Error(`${name}: expected ${2 * n} judgments without failures, got ${written} (${failed} failed)\n${r.stderr}`);
  return { ...r, calls: s.calls, windowMs: s.windowMs, bodyBytes: s.calls ? s.bytesIn / s.calls : 0, judgments: written };
}

async function bareRun(calls, concurrency, bodyBytes) {
  await server.reset();
  // The bare request carries the same bytes as rolejudge's average request.
  const envelope = 90;
  const r = await runNode([join(ROOT, 'bench', 'lib', 'bare-loop.mjs')], {
    env: { BARE_PORT: String(server.port), BARE_CALLS: String(calls), BARE_CONCURRENCY: String(concurrency), BARE_BODY_CHARS: String(Math.max(100, Math.round(bodyBytes - envelope))) },
  });
  const s = await server.stats();
  const out = JSON.parse(r.stdout);
  if (out.errors || s.calls !== calls) throw new Error(`bare loop: ${out.errors} errors, ${s.calls}/${calls} calls`);
  return { ...r, calls: s.calls, windowMs: s.windowMs };
}

const ideal = (c) => c / (LATENCY / 1000);
function row(setting, client, r, concurrency, bare) {
  const rate = r.calls && r.windowMs > 0 ? r.calls / (r.windowMs / 1000) : 0;
  const bareRate = bare ? bare.calls / (bare.windowMs / 1000) : 0;
  return {
    setting,
    client,
    calls: r.calls,
    wallS: r.wallMs / 1000,
    activeS: r.calls ? r.windowMs / 1000 : 0,
    rate,
    efficiency: concurrency && rate ? rate / ideal(concurrency) : null,
    vsBare: bare && rate ? rate / bareRate : null,
    cpuMsPerCall: r.calls ? r.cpuMs / r.calls : null,
    cpuMs: r.cpuMs,
    peakMb: r.maxRssMb,
  };
}

const log = (msg) => process.stderr.write(`${msg}\n`);
try {
  log(`bench: ${availableParallelism()} cores, ${machine()}, node ${process.version}, server latency ${LATENCY} ms, work dir ${dir}`);
  for (const { concurrency, samples } of THROUGHPUT) {
    log(`concurrency ${concurrency}: rolejudge score, ${2 * samples} calls…`);
    const rj = await scoreRun(`c${concurrency}`, samples, concurrency);
    log(`concurrency ${concurrency}: bare loop, ${rj.calls} calls…`);
    const bare = await bareRun(rj.calls, concurrency, rj.bodyBytes);
    rows.push(row(`c=${concurrency}`, 'bare loop', bare, concurrency, bare));
    rows.push(row(`c=${concurrency}`, 'rolejudge', rj, concurrency, bare));
  }

  log(`cache: first run and rerun at concurrency ${CACHE_CONCURRENCY}…`);
  const cacheDir = join(dir, 'cache');
  const first = await scoreRun('cache-first', CACHE_SAMPLES, CACHE_CONCURRENCY, { cacheDir });
  // A new run directory, so nothing is skipped as already recorded: every answer must come from the cache.
  const rerun = await scoreRun('cache-rerun', CACHE_SAMPLES, CACHE_CONCURRENCY, { cacheDir });
  rows.push(row(`cache, c=${CACHE_CONCURRENCY}`, 'rolejudge, cache on, 1st run', first, CACHE_CONCURRENCY, null));
  rows.push({ ...row(`cache, c=${CACHE_CONCURRENCY}`, 'rolejudge, cached rerun', rerun, null, null), rerunShare: rerun.wallMs / first.wallMs, judgments: rerun.judgments });

  for (const n of MEMORY) {
    log(`memory: ${n}-sample split, ${2 * n} calls at concurrency ${MEMORY_CONCURRENCY}…`);
    const r = await scoreRun(`mem-${n}`, n, MEMORY_CONCURRENCY);
    rows.push(row(`split ${n.toLocaleString('en')}`, 'rolejudge', r, MEMORY_CONCURRENCY, null));
  }
} finally {
  await server.stop();
  if (!KEEP) rmSync(dir, { recursive: true, force: true });
}

const f = (v, d) => (v === null || v === undefined || Number.isNaN(v) ? '—' : v.toFixed(d));
const lines = [
  `rolejudge score bench — ${availableParallelism()} cores (${machine()}), node ${process.version}, server latency ${LATENCY} ms`,
  '',
  '| setting | client | requests | wall s | active s | req/s | efficiency | ÷ bare loop | CPU ms/call | peak RSS MB |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.setting} | ${r.client} | ${r.calls} | ${f(r.wallS, 2)} | ${f(r.activeS, 2)} | ${f(r.rate, 0)} | ${f(r.efficiency, 3)} | ${f(r.vsBare, 3)} | ${r.cpuMsPerCall === null ? `(${f(r.cpuMs, 0)} total)` : f(r.cpuMsPerCall, 3)} | ${f(r.peakMb, 0)} |`,
  ),
  '',
  'requests: calls the server answered. wall: the whole process, start-up included. active: first request in to last',
  'response out, as the server saw it; req/s and efficiency (req/s ÷ concurrency/latency) are over that window.',
  'CPU ms/call: user+system CPU of the whole client process ÷ requests (the server runs in its own process).',
];
const cached = rows.find((r) => r.client === 'rolejudge, cached rerun');
if (cached) lines.push(`cached rerun: ${cached.judgments} judgments, ${cached.calls} calls, ${(100 * cached.rerunShare).toFixed(1)}% of the first run's wall time.`);
process.stdout.write(`${lines.join('\n')}\n`);
