// A quick, interleaved comparison of `rolejudge score` against the bare loop
// at one concurrency: the loop used while cutting CPU per call. Each round
// runs the bare loop, then every CLI given, on the same server; it prints each
// round's ratios and the medians. `--prof DIR` also writes a V8 CPU profile
// of every CLI run into DIR (read it with bench/lib/profile-summary.mjs);
// `--heap-prof DIR` a sampling heap profile of what is live at exit, `--alloc-prof DIR`
// one of every allocation, collected ones included (both: bench/lib/heap-summary.mjs).
//
//   node bench/score-quick.mjs [--concurrency 64] [--samples 3000] [--rounds 3] [--latency 50]
//                              [--cli a/bin/rolejudge.js,b/bin/rolejudge.js] [--rj-rounds 1] [--prof DIR]
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchArgs, machine, runNode, startServer } from './lib/measure.mjs';
import { writeConfig, writeJudge, writeSplit } from './lib/synthetic.mjs';

const { root: ROOT, cli: CLI, flag, keep: KEEP } = benchArgs();
const C = Number(flag('concurrency', 64));
const N = Number(flag('samples', 3000));
const ROUNDS = Number(flag('rounds', 3));
const RJ_ROUNDS = Number(flag('rj-rounds', 1));
const LATENCY = Number(flag('latency', 50));
const PROF = flag('prof', null);
const HEAP = flag('heap-prof', null);
const ALLOC = flag('alloc-prof', null);
// Extra node flags for the CLI runs (e.g. "--trace-gc"), split on spaces.
const NODE_FLAGS = (flag('node-flags', '') || '').split(' ').filter(Boolean);
const CLIS = CLI.split(',');

const dir = mkdtempSync(join(tmpdir(), 'rolejudge-quick-'));
const server = await startServer(LATENCY);
const env = { BENCH_JUDGE_KEY: 'sk-bench', CI: '1' };
const log = (m) => process.stderr.write(`${m}\n`);
try {
  const judgesDir = writeJudge(dir, server.baseUrl);
  const split = await writeSplit(join(dir, 'data'), N);
  const gen = writeConfig(dir, 'gen', { data: split, judgesDir, cacheDir: join(dir, 'cache-unused'), concurrency: 16 });
  await runNode([CLIS[0], 'generate', '-c', gen, '--no-cache', '--quiet'], { env, cwd: dir });
  const responses = join(dir, 'runs', 'gen', 'responses');
  let seq = 0;
  const score = async (cli) => {
    const name = `s${++seq}`;
    const cfg = writeConfig(dir, name, { data: split, judgesDir, cacheDir: join(dir, 'cache-unused'), concurrency: C });
    cpSync(responses, join(dir, 'runs', name, 'responses'), { recursive: true });
    await server.reset();
    const prof = PROF ? ['--cpu-prof', '--cpu-prof-dir', PROF, '--cpu-prof-name', `${name}.cpuprofile`] : [];
    if (ALLOC) prof.push('--import', join(ROOT, 'bench', 'lib', 'alloc-hook.mjs'));
    if (HEAP) prof.push('--heap-prof', '--heap-prof-dir', HEAP, '--heap-prof-name', `${name}.heapprofile`, '--heap-prof-interval', '65536');
    const rounds = RJ_ROUNDS > 1 ? ['--rounds', String(RJ_ROUNDS)] : [];
    const r = await runNode([...NODE_FLAGS, ...prof, cli, 'score', '-c', cfg, '--concurrency', String(C), '--no-cache', ...rounds], {
      env: { ...env, ...(ALLOC ? { ALLOC_PROF_DIR: ALLOC } : {}) },
      cwd: dir,
    });
    const s = await server.stats();
    if (s.calls !== 2 * N * RJ_ROUNDS) throw new Error(`${cli}: ${s.calls} calls\n${r.stderr}`);
    if (process.env.BENCH_MEM_DEBUG) log(`memory at the first request: ${JSON.stringify(r.firstRequestMemory)}`);
    rmSync(join(dir, 'runs', name), { recursive: true, force: true });
    if (NODE_FLAGS.includes('--trace-gc')) process.stdout.write(r.stdout);
    return { ...r, calls: s.calls, windowMs: s.windowMs, bytes: s.bytesIn / s.calls };
  };
  const bare = async (calls, bytes) => {
    await server.reset();
    const r = await runNode([join(ROOT, 'bench', 'lib', 'bare-loop.mjs')], {
      env: { BARE_PORT: String(server.port), BARE_CALLS: String(calls), BARE_CONCURRENCY: String(C), BARE_BODY_CHARS: String(Math.round(bytes - 90)) },
    });
    const s = await server.stats();
    return { ...r, calls: s.calls, windowMs: s.windowMs };
  };
  const rate = (r) => r.calls / (r.windowMs / 1000);
  const cpu = (r) => (r.callingCpuMs ?? r.cpuMs) / r.calls;
  const results = CLIS.map(() => []);
  log(`quick bench: ${machine()}, node ${process.version}, c=${C}, ${2 * N * RJ_ROUNDS} calls, latency ${LATENCY} ms, load ${loadavg()[0].toFixed(2)}`);
  for (let round = 0; round < ROUNDS; round++) {
    const runs = [];
    for (const cli of CLIS) runs.push(await score(cli));
    const b = await bare(runs[0].calls, runs[0].bytes);
    runs.forEach((r, i) => {
      const x = { vsBare: rate(r) / rate(b), cpu: cpu(r), cpuX: cpu(r) / cpu(b), rss: r.maxRssMb, rss0: r.firstRequestRssMb, bareCpu: cpu(b) };
      results[i].push(x);
      log(
        `round ${round + 1} ${CLIS[i]}: ÷bare ${x.vsBare.toFixed(3)}, cpu ${x.cpu.toFixed(3)} ms (bare ${x.bareCpu.toFixed(3)}, ×${x.cpuX.toFixed(2)}), rss ${x.rss.toFixed(0)} MiB (${x.rss0?.toFixed(0)} at the first request; bare ${b.maxRssMb.toFixed(0)}), load ${loadavg()[0].toFixed(2)}`,
      );
    });
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  results.forEach((rs, i) => {
    log(
      `median ${CLIS[i]}: ÷bare ${med(rs.map((r) => r.vsBare)).toFixed(3)}, cpu ×${med(rs.map((r) => r.cpuX)).toFixed(2)} (${med(rs.map((r) => r.cpu)).toFixed(3)} ms), rss ${med(rs.map((r) => r.rss)).toFixed(0)} MiB`,
    );
  });
} finally {
  await server.stop();
  if (!KEEP) rmSync(dir, { recursive: true, force: true });
}
