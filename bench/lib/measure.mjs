// Running measured child processes and the bench server.
import { fork, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const HOOK = fileURLToPath(new URL('./rusage-hook.mjs', import.meta.url));
let seq = 0;

/**
 * Run `node <args>` with the rusage hook preloaded. Resolves with the wall
 * time seen from outside, the child's own CPU and peak RSS, and its output.
 * `timeoutMs` bounds every run: a hung child is killed, never waited on forever.
 * `allowFailure` measures a child that exits non-zero (the exit code is in `code`).
 * @param {string[]} args
 * @param {{ env?: Record<string, string>, cwd?: string, timeoutMs?: number, allowFailure?: boolean }} [options]
 */
export function runNode(args, { env = {}, cwd, timeoutMs = 600_000, allowFailure = false } = {}) {
  const rusageFile = join(tmpdir(), `rolejudge-bench-rusage-${process.pid}-${++seq}.json`);
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, ['--import', HOOK, ...args], {
      cwd,
      env: { ...process.env, ...env, BENCH_RUSAGE_FILE: rusageFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - start;
      let usage = null;
      try {
        usage = JSON.parse(readFileSync(rusageFile, 'utf8'));
        rmSync(rusageFile, { force: true });
      } catch {
        // killed before its exit handler ran
      }
      // allowFailure: a tool that exits non-zero for its own reasons (e.g. failed evals) still gets measured.
      if ((code !== 0 && !allowFailure) || !usage) {
        reject(new Error(`node ${args.join(' ')} exited with ${signal ?? code}\n${stderr.slice(-2000)}`));
        return;
      }
      resolve({
        wallMs,
        cpuMs: usage.userMs + usage.systemMs,
        userMs: usage.userMs,
        systemMs: usage.systemMs,
        maxRssMb: usage.maxRssKb / 1024,
        firstRequestMemory: usage.firstRequestMemory ?? null,
        firstRequestRssMb: usage.firstRequestRssKb == null ? null : usage.firstRequestRssKb / 1024,
        // CPU before the first HTTP request (start-up), and between the first request and the last response.
        startupCpuMs: usage.firstRequestCpuMs,
        callingCpuMs: usage.firstRequestCpuMs === null || usage.lastResponseCpuMs === null ? null : usage.lastResponseCpuMs - usage.firstRequestCpuMs,
        stdout,
        stderr,
        code,
      });
    });
  });
}

/** The fake OpenAI server in its own process. */
export async function startServer(latencyMs) {
  const path = fileURLToPath(new URL('./server.mjs', import.meta.url));
  const child = fork(path, [], { env: { ...process.env, BENCH_LATENCY_MS: String(latencyMs) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waitFor = (type) =>
    new Promise((resolve, reject) => {
      const onMsg = (m) => {
        if (m.type === type) {
          child.off('message', onMsg);
          child.off('exit', onExit);
          resolve(m);
        }
      };
      const onExit = (code) => reject(new Error(`bench server exited (${code})`));
      child.on('message', onMsg);
      child.once('exit', onExit);
    });
  const ready = await waitFor('ready');
  return {
    port: ready.port,
    baseUrl: `http://127.0.0.1:${ready.port}/v1`,
    async reset() {
      child.send({ cmd: 'reset' });
      await waitFor('reset');
    },
    async stats() {
      child.send({ cmd: 'stats' });
      return waitFor('stats');
    },
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ cmd: 'stop' });
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Linux only: the machine's description for the results file. */
export function machine() {
  let cpu = 'unknown';
  try {
    cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {
    // not Linux
  }
  return cpu;
}

/**
 * The command line every bench shares: `--name value` flags, `--keep`, and
 * `--cli` (another build to measure), checked to be built.
 */
export function benchArgs() {
  const argv = process.argv.slice(2);
  const flag = (name, dflt) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : dflt;
  };
  const root = fileURLToPath(new URL('../..', import.meta.url));
  // A comma-separated list measures several builds (bench/score-quick.mjs); each must be built.
  const clis = flag('cli', join(root, 'bin', 'rolejudge.js'))
    .split(',')
    .map((c) => resolve(c));
  for (const c of clis) {
    // dist/main.js since the re-layout; dist/cli.js in builds before it (--cli <old build>).
    const dist = join(dirname(dirname(c)), 'dist');
    if (!existsSync(join(dist, 'main.js')) && !existsSync(join(dist, 'cli.js'))) {
      console.error(`${dist} is missing: run \`npm run build\` first (the bench measures the built CLI).`);
      process.exit(2);
    }
  }
  const cli = clis.join(',');
  return { root, cli, flag, keep: argv.includes('--keep') };
}
