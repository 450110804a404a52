// `npm run bench`: what the harness costs on top of the judge's latency.
// A local OpenAI-compatible server (own process, fixed latency) answers every
// call; `rolejudge score` runs through the real CLI against it at several
// concurrencies, and a bare loop of raw HTTP requests (own process, no SDK,
// no records) does the same number of calls as the reference. Run
// `npm run build` first: the bench measures the built CLI.
//
// The provider layer alone (bench/lib/provider-loop.mjs: Provider.chat in a
// loop, same request as the bare loop) is measured beside both, and the
// rate-limit bench (bench/rate-limit-bench.mjs) runs last. Every target is
// printed as a ratio against the bare loop of the same run, met or not.
//
//   node bench/score-bench.mjs [--latency 50] [--keep] [--cli path/to/bin/rolejudge.js] [--transports sdk,node-http]
//                              [--no-rate] [--promptfoo path/to/promptfoo]
//
// --cli measures another build (e.g. an older checkout) with the same bench.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchArgs, machine, runNode, startServer } from './lib/measure.mjs';
import { writeConfig, writeJudge, writeSplit } from './lib/synthetic.mjs';
import { recordTargets } from './lib/targets.mjs';

const { root: ROOT, cli: CLI, flag, keep: KEEP } = benchArgs();
const LATENCY = Number(flag('latency', process.env.BENCH_LATENCY_MS ?? 50));

// Two models × one rubric × one round: calls = 2 × samples.
const THROUGHPUT = [
  { concurrency: 16, samples: 1_500 },
  { concurrency: 64, samples: 3_000 },
  { concurrency: 256, samples: 6_000 },
];
// Memory against split size: 2,000 and 20,000 samples, with rounds chosen so
// both runs make the same 40,000 calls (a longer run alone lets V8's heap
// grow further, which would blur what the split size does).
// 50,000 calls each: the issue's memory target (≤ 150 MB peak at 50,000 calls, flat in split size).
const MEMORY = [
  { samples: 2_500, rounds: 10 },
  { samples: 25_000, rounds: 1 },
];
const MEMORY_CONCURRENCY = 64;
// The default transport (the openai SDK's create()) and the opt-in node:http
// one; `--transports default` measures a build's default (e.g. an older one).
const TRANSPORTS = flag('transports', 'sdk,node-http').split(',');
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
async function scoreRun(name, n, concurrency, { cacheDir = null, rounds = 1, transport = TRANSPORTS[0] } = {}) {
  const d = await data(n);
  const cfg = writeConfig(dir, name, { data: d.split, judgesDir, cacheDir: cacheDir ?? join(dir, 'cache-unused'), concurrency, transport });
  cpSync(d.responses, join(dir, 'runs', name, 'responses'), { recursive: true });
  await server.reset();
  const args = [
    CLI,
    'score',
    '-c',
    cfg,
    '--concurrency',
    String(concurrency),
    ...(cacheDir ? [] : ['--no-cache']),
    ...(rounds > 1 ? ['--rounds', String(rounds)] : []),
  ];
  const r = await runNode(args, { env, cwd: dir });
  const s = await server.stats();
  const m = /score: (\d+) judgments written \((\d+) failed\)/.exec(r.stderr);
  const written = m ? Number(m[1]) : NaN;
  const failed = m ? Number(m[2]) : NaN;
  if (written !== 2 * n * rounds || failed !== 0) {
    throw new Error(`${name}: expected ${2 * n * rounds} judgments without failures, got ${written} (${failed} failed)\n${r.stderr}`);
  }
  return { ...r, calls: s.calls, windowMs: s.windowMs, bodyBytes: s.calls ? s.bytesIn / s.calls : 0, judgments: written };
}

/** The Provider alone in a loop, same request bytes as the bare loop. */
async function providerRun(calls, concurrency, bodyBytes, transport) {
  await server.reset();
  const r = await runNode([join(ROOT, 'bench', 'lib', 'provider-loop.mjs')], {
    env: {
      LOOP_PORT: String(server.port),
      LOOP_CALLS: String(calls),
      LOOP_CONCURRENCY: String(concurrency),
      LOOP_TRANSPORT: transport,
      LOOP_BODY_CHARS: String(Math.max(100, Math.round(bodyBytes - 90))),
    },
  });
  const s = await server.stats();
  const out = JSON.parse(r.stdout);
  if (out.errors || s.calls !== calls) throw new Error(`provider loop: ${out.errors} errors, ${s.calls}/${calls} calls`);
  return { ...r, calls: s.calls, windowMs: s.windowMs };
}

async function bareRun(calls, concurrency, bodyBytes) {
  await server.reset();
  // The bare request carries the same bytes as rolejudge's average request.
  const envelope = 90;
  const r = await runNode([join(ROOT, 'bench', 'lib', 'bare-loop.mjs')], {
    env: {
      BARE_PORT: String(server.port),
      BARE_CALLS: String(calls),
      BARE_CONCURRENCY: String(concurrency),
      BARE_BODY_CHARS: String(Math.max(100, Math.round(bodyBytes - envelope))),
    },
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
    // Between the first request and the last response: the calls without start-up.
    callingCpuMsPerCall: r.calls && r.callingCpuMs !== null ? r.callingCpuMs / r.calls : null,
    startupCpuS: r.startupCpuMs === null ? null : r.startupCpuMs / 1000,
    cpuMs: r.cpuMs,
    peakMb: r.maxRssMb,
  };
}

const log = (msg) => process.stderr.write(`${msg}\n`);
// Other processes on the machine skew every figure: the load is printed with the results.
const loadStart = loadavg()[0];
try {
  log(`bench: ${availableParallelism()} cores, ${machine()}, node ${process.version}, server latency ${LATENCY} ms, work dir ${dir}`);
  for (const { concurrency, samples } of THROUGHPUT) {
    const runs = [];
    for (const transport of TRANSPORTS) {
      log(`concurrency ${concurrency}: rolejudge score (${transport} transport), ${2 * samples} calls…`);
      runs.push([transport, await scoreRun(`c${concurrency}-${transport}`, samples, concurrency, { transport })]);
    }
    log(`concurrency ${concurrency}: bare loop, ${runs[0][1].calls} calls…`);
    const bare = await bareRun(runs[0][1].calls, concurrency, runs[0][1].bodyBytes);
    rows.push(row(`c=${concurrency}`, 'bare loop', bare, concurrency, bare));
    for (const [transport, rj] of runs) rows.push(row(`c=${concurrency}`, `rolejudge, ${transport}`, rj, concurrency, bare));
    for (const transport of TRANSPORTS) {
      if (transport === 'default') continue;
      log(`concurrency ${concurrency}: provider loop (${transport}), ${bare.calls} calls…`);
      rows.push(
        row(`c=${concurrency}`, `provider only, ${transport}`, await providerRun(bare.calls, concurrency, runs[0][1].bodyBytes, transport), concurrency, bare),
      );
    }
  }

  log(`cache: first run and rerun at concurrency ${CACHE_CONCURRENCY}…`);
  const cacheDir = join(dir, 'cache');
  const first = await scoreRun('cache-first', CACHE_SAMPLES, CACHE_CONCURRENCY, { cacheDir });
  // A new run directory, so nothing is skipped as already recorded: every answer must come from the cache.
  const rerun = await scoreRun('cache-rerun', CACHE_SAMPLES, CACHE_CONCURRENCY, { cacheDir });
  rows.push(row(`cache, c=${CACHE_CONCURRENCY}`, `rolejudge, ${TRANSPORTS[0]}, cache on, 1st run`, first, CACHE_CONCURRENCY, null));
  rows.push({
    ...row(`cache, c=${CACHE_CONCURRENCY}`, `rolejudge, ${TRANSPORTS[0]}, cached rerun`, rerun, null, null),
    rerunShare: rerun.wallMs / first.wallMs,
    judgments: rerun.judgments,
  });

  for (const { samples, rounds } of MEMORY) {
    log(`memory: ${samples}-sample split × ${rounds} round(s), ${2 * samples * rounds} calls at concurrency ${MEMORY_CONCURRENCY}…`);
    const r = await scoreRun(`mem-${samples}`, samples, MEMORY_CONCURRENCY, { rounds });
    rows.push(
      row(`split ${samples.toLocaleString('en')} × ${rounds} round${rounds > 1 ? 's' : ''}`, `rolejudge, ${TRANSPORTS[0]}`, r, MEMORY_CONCURRENCY, null),
    );
  }
} finally {
  await server.stop();
  if (!KEEP) rmSync(dir, { recursive: true, force: true });
}

const f = (v, d) => (v === null || v === undefined || Number.isNaN(v) ? '—' : v.toFixed(d));
const lines = [
  `rolejudge score bench — ${availableParallelism()} cores (${machine()}), node ${process.version}, server latency ${LATENCY} ms, CLI ${CLI}`,
  '',
  '| setting | client | requests | wall s | active s | req/s | efficiency | ÷ bare loop | CPU ms/call | calling CPU ms/call | start-up CPU s | peak RSS MiB |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.setting} | ${r.client} | ${r.calls} | ${f(r.wallS, 2)} | ${f(r.activeS, 2)} | ${f(r.rate, 0)} | ${f(r.efficiency, 3)} | ${f(r.vsBare, 3)} | ` +
      `${r.cpuMsPerCall === null ? `(${f(r.cpuMs, 0)} total)` : f(r.cpuMsPerCall, 3)} | ${f(r.callingCpuMsPerCall, 3)} | ${f(r.startupCpuS, 2)} | ${f(r.peakMb, 0)} |`,
  ),
  '',
  'requests: calls the server answered. wall: the whole process, start-up included. active: first request in to last',
  'response out, as the server saw it; req/s and efficiency (req/s ÷ concurrency/latency) are over that window.',
  'CPU ms/call: user+system CPU of the whole client process (all its threads) ÷ requests; the server runs in its own',
  "process. calling CPU: the same between the client's first request and its last response (start-up and shutdown left",
  'out). start-up CPU: before the first request (loading, validating the split, indexing responses).',
];
lines.push(`load average (1 min) at start ${loadStart.toFixed(2)}, at end ${loadavg()[0].toFixed(2)}.`);
const cached = rows.find((r) => r.client === `rolejudge, ${TRANSPORTS[0]}, cached rerun`);
if (cached)
  lines.push(`cached rerun: ${cached.judgments} judgments, ${cached.calls} calls, ${(100 * cached.rerunShare).toFixed(1)}% of the first run's wall time.`);
lines.push('', ...targetLines(rows));
process.stdout.write(`${lines.join('\n')}\n`);

// Issue 16's provider targets, each a ratio to the bare loop of this run.
function targetLines(all) {
  const get = (setting, client) => all.find((r) => r.setting === setting && r.client === client);
  const cpu = (r) => r?.callingCpuMsPerCall ?? r?.cpuMsPerCall ?? null;
  const out = ['| target (default transport) | client | figure | met? |', '|---|---|---:|---|'];
  const recorded = [];
  const add = (target, client, value, ok, digits = 3) => {
    out.push(`| ${target} | ${client} | ${f(value, digits)} | ${value === null || value === undefined ? '—' : ok ? 'met' : 'not met'} |`);
    // The summary of `npm run bench` carries the CLI's figures (what a user runs); the provider-only rows stay here.
    if (!client.startsWith('provider only'))
      recorded.push({ target, figure: `${f(value, digits)} (${client})`, ratio: value ?? null, met: value === null || value === undefined ? null : ok });
  };
  const dflt = TRANSPORTS[0];
  for (const [c, goal] of [
    [64, 0.95],
    [256, 0.85],
  ]) {
    for (const who of [`rolejudge, ${dflt}`, `provider only, ${dflt}`]) {
      const r = get(`c=${c}`, who);
      add(`throughput ÷ bare loop at c=${c} ≥ ${goal}`, who, r?.vsBare, (r?.vsBare ?? 0) >= goal);
    }
  }
  for (const c of [64, 256]) {
    const bare = cpu(get(`c=${c}`, 'bare loop'));
    for (const who of [`rolejudge, ${dflt}`, `provider only, ${dflt}`]) {
      const v = cpu(get(`c=${c}`, who));
      const ratio = v !== null && bare ? v / bare : null;
      add(`calling CPU per call ÷ bare loop's at c=${c} ≤ 2`, who, ratio, ratio !== null && ratio <= 2, 2);
    }
  }
  for (const r of all.filter((x) => x.setting.startsWith('split '))) {
    add(`peak RSS ≤ 150 MiB (getrusage maxRSS ÷ 1024) at ${r.calls.toLocaleString('en')} calls (${r.setting})`, r.client, r.peakMb, r.peakMb <= 150, 0);
  }
  recordTargets('score', recorded);
  return out;
}

// The rate-limit figures last: they need their own server and (maybe) a promptfoo install.
if (!process.argv.includes('--no-rate')) {
  const pf = flag('promptfoo', null);
  const rate = spawnSync(process.execPath, [join(ROOT, 'bench', 'rate-limit-bench.mjs'), ...(pf ? ['--promptfoo', pf] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(`\n${rate.stdout}`);
  if (rate.status !== 0) process.exitCode = 1;
}
