// `npm run bench:rate`: how close a client runs to a provider's rate limits.
// A local server (own process, bench/lib/rate-server.mjs) enforces a requests
// budget and a tokens budget, refilled steadily over one second instead of
// OpenAI's minute so a run takes seconds, and sends OpenAI's x-ratelimit-*
// headers. rolejudge's Provider on its default settings (pacing on) and
// promptfoo make the same calls against it in the same run, each with 64 as
// its concurrency. Printed per client: achieved ÷ limit of the budget that
// binds, and the share of requests refused with 429.
//
//   node bench/rate-limit-bench.mjs [--promptfoo path/to/promptfoo] [--no-promptfoo] [--scale 1]
//
// promptfoo is never a dependency: without --promptfoo it is installed into a
// temporary folder from the npm registry at bench time (pinned, see PROMPTFOO).
import { execFile, fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { achievedShare } from './lib/rate-server.mjs';
import { benchArgs, machine, runNode } from './lib/measure.mjs';
import { recordTargets } from './lib/targets.mjs';

const run = promisify(execFile);
const { root: ROOT, flag } = benchArgs();
const argv = process.argv.slice(2);
const SCALE = Number(flag('scale', 1));
const PROMPTFOO = '0.121.20';
const CEILING = 64;
const LATENCY = 50;

// Two budgets, one binding in each scenario. Prompt sizes are in characters;
// the server counts 3.5 characters a token, plus max_tokens, like OpenAI's estimate.
const SCENARIOS = [
  {
    name: 'requests-bound',
    limits: { requests: 40, tokens: 1_000_000, windowMs: 1000 },
    calls: Math.round(600 * SCALE),
    promptChars: 300,
    maxTokens: 16,
    binds: 'requests',
  },
  {
    name: 'tokens-bound',
    limits: { requests: 1000, tokens: 8000, windowMs: 1000 },
    calls: Math.round(450 * SCALE),
    promptChars: 700,
    maxTokens: 64,
    binds: 'tokens',
  },
];
const TARGET_SHARE = 0.95;
const TARGET_REFUSED = 0.01;

const log = (m) => process.stderr.write(`${m}\n`);

function startRateServer(cfg) {
  const child = fork(fileURLToPath(new URL('./lib/rate-server.mjs', import.meta.url)), [], {
    env: { ...process.env, RATE_SERVER: JSON.stringify(cfg) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waitFor = (type) =>
    new Promise((resolve) =>
      child.on('message', function on(/** @type {any} */ m) {
        if (m.type === type) {
          child.off('message', on);
          resolve(m);
        }
      }),
    );
  return waitFor('ready').then(({ port }) => ({
    port,
    async reset(limits) {
      child.send({ cmd: 'reset', limits });
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
  }));
}

/** A promptfoo binary: the one given, or a pinned install in a temp folder; null with the reason. */
async function findPromptfoo(work) {
  if (argv.includes('--no-promptfoo')) return { bin: null, why: '--no-promptfoo' };
  const given = flag('promptfoo', null);
  if (given) return existsSync(given) ? { bin: given } : { bin: null, why: `${given} does not exist` };
  const prefix = join(work, 'promptfoo');
  log(`promptfoo: installing promptfoo@${PROMPTFOO} into ${prefix} (npm registry)…`);
  try {
    await run('npm', ['install', '--prefix', prefix, `promptfoo@${PROMPTFOO}`, '--no-audit', '--no-fund', '--loglevel=error'], { timeout: 600_000 });
  } catch (err) {
    return { bin: null, why: `npm install failed or took over 10 min (${String(err.message ?? err).split('\n')[0]})` };
  }
  const bin = join(prefix, 'node_modules', '.bin', 'promptfoo');
  return existsSync(bin) ? { bin } : { bin: null, why: 'installed, but no promptfoo binary' };
}

async function rolejudge(sc, port) {
  const r = await runNode([join(ROOT, 'bench', 'lib', 'rate-client.mjs')], {
    env: {
      RATE_BASE_URL: `http://127.0.0.1:${port}/v1`,
      RATE_CALLS: String(sc.calls),
      RATE_CEILING: String(CEILING),
      RATE_PROMPT_CHARS: String(sc.promptChars),
      RATE_MAX_TOKENS: String(sc.maxTokens),
    },
  });
  const out = JSON.parse(r.stdout);
  return { wallMs: r.wallMs, failed: out.failed, cpuMs: r.cpuMs };
}

async function promptfoo(bin, sc, port, work) {
  const dir = mkdtempSync(join(work, `pf-${sc.name}-`));
  const filler = 'x'.repeat(sc.promptChars);
  const tests = Array.from({ length: sc.calls }, (_, i) => `  - vars: { i: "${i}" }`).join('\n');
  writeFileSync(
    join(dir, 'promptfooconfig.yaml'),
    [
      'prompts:',
      `  - "Sample {{i}}. ${filler}"`,
      'providers:',
      '  - id: openai:chat:rate-judge',
      '    config:',
      `      apiBaseUrl: http://127.0.0.1:${port}/v1`,
      '      apiKey: sk-bench',
      '      temperature: 0',
      `      max_tokens: ${sc.maxTokens}`,
      'tests:',
      tests,
      '',
    ].join('\n'),
  );
  const env = {
    PROMPTFOO_DISABLE_TELEMETRY: '1',
    PROMPTFOO_DISABLE_UPDATE: '1',
    PROMPTFOO_DISABLE_REMOTE_GENERATION: 'true',
    PROMPTFOO_DISABLE_SHARING: '1',
    PROMPTFOO_CONFIG_DIR: join(dir, '.promptfoo'),
    PROMPTFOO_CACHE_ENABLED: 'false',
    OPENAI_API_KEY: 'sk-bench',
  };
  // promptfoo exits non-zero when tests fail; only its request figures matter here.
  const args = [
    bin,
    'eval',
    '-c',
    join(dir, 'promptfooconfig.yaml'),
    '--no-cache',
    '--no-write',
    '--no-table',
    '--no-progress-bar',
    '--no-share',
    '-j',
    String(CEILING),
  ];
  const r = await runNode(args, { env, cwd: dir, allowFailure: true }).catch((err) => ({ error: err }));
  return r.error ? { error: String(r.error.message).split('\n')[0] } : { wallMs: r.wallMs, cpuMs: r.cpuMs };
}

const work = mkdtempSync(join(tmpdir(), 'rolejudge-rate-bench-'));
const rows = [];
const loadStart = loadavg()[0];
let pf;
const server = await startRateServer({ ...SCENARIOS[0].limits, latencyMs: LATENCY });
try {
  log(`rate bench: ${availableParallelism()} cores, ${machine()}, node ${process.version}, server latency ${LATENCY} ms, load ${loadStart.toFixed(2)}`);
  pf = await findPromptfoo(work);
  for (const sc of SCENARIOS) {
    /** @type {Array<[string, () => Promise<any>]>} */
    const clients = [['rolejudge (default settings)', () => rolejudge(sc, server.port)]];
    if (pf.bin) clients.push([`promptfoo ${PROMPTFOO} (-j ${CEILING})`, () => promptfoo(pf.bin, sc, server.port, work)]);
    for (const [client, go] of clients) {
      log(`${sc.name}: ${client}, ${sc.calls} calls…`);
      await server.reset({ ...sc.limits, latencyMs: LATENCY });
      const r = await go();
      const s = await server.stats();
      const share = achievedShare(s)[sc.binds];
      const sent = s.accepted + s.refused;
      rows.push({ scenario: sc, client, ...r, accepted: s.accepted, refused: s.refused, share, refusedShare: sent ? s.refused / sent : null });
    }
  }
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}

const f = (v, d) => (v === null || v === undefined || Number.isNaN(v) ? '—' : v.toFixed(d));
const met = (ok) => (ok ? 'met' : 'not met');
const lines = [
  `rolejudge rate-limit bench — ${availableParallelism()} cores (${machine()}), node ${process.version}, server latency ${LATENCY} ms`,
  '',
  '| scenario | limits (per 1 s window) | client | accepted | refused | achieved ÷ limit | refused share | wall s | client CPU s | target (≥ 0.95 of the limit, ≤ 1 % refused) |',
  '|---|---|---|---:|---:|---:|---:|---:|---:|---|',
  ...rows.map((r) => {
    const lim = `${r.scenario.limits.requests} requests, ${r.scenario.limits.tokens.toLocaleString('en')} tokens`;
    if (r.error) return `| ${r.scenario.name} | ${lim} | ${r.client} | — | — | — | — | — | — | failed to run: ${r.error} |`;
    const ok = r.share !== null && r.share >= TARGET_SHARE && r.refusedShare !== null && r.refusedShare <= TARGET_REFUSED;
    return `| ${r.scenario.name} | ${lim} | ${r.client} | ${r.accepted} | ${r.refused} | ${f(r.share, 3)} | ${f(r.refusedShare === null ? null : 100 * r.refusedShare, 2)} % | ${f(r.wallMs / 1000, 1)} | ${f(r.cpuMs / 1000, 2)} | ${r.client.startsWith('rolejudge') ? met(ok) : '(reference)'} |`;
  }),
  '',
  'achieved ÷ limit: for the budget that binds, what the server accepted beyond its opening full bucket, per second, from the',
  "first arrival to the last accepted one, ÷ the budget's refill rate. refused share: 429s ÷ requests that reached the server.",
  `promptfoo: ${pf?.bin ? `promptfoo ${PROMPTFOO}, same server, same calls, same run` : `not run (${pf?.why ?? 'bench failed before it'})`}.`,
  `load average (1 min) at start ${loadStart.toFixed(2)}, at end ${loadavg()[0].toFixed(2)}.`,
];
process.stdout.write(`${lines.join('\n')}\n`);
recordTargets(
  'rate',
  rows
    .filter((r) => r.client.startsWith('rolejudge'))
    .map((r) => {
      const pf = rows.find((x) => x.scenario === r.scenario && x.client.startsWith('promptfoo') && !x.error);
      const pfText = pf ? `; promptfoo ${f(pf.share, 3)}, ${f(100 * (pf.refusedShare ?? 0), 1)} % refused` : '';
      return {
        target: `rate limits, ${r.scenario.name}: ≥ ${TARGET_SHARE} of the limit, ≤ ${100 * TARGET_REFUSED} % refused`,
        figure: r.error ? `failed: ${r.error}` : `${f(r.share, 3)} of the limit, ${f(100 * (r.refusedShare ?? 0), 2)} % refused${pfText}`,
        ratio: r.share ?? null,
        met: r.error ? null : r.share !== null && r.share >= TARGET_SHARE && r.refusedShare !== null && r.refusedShare <= TARGET_REFUSED,
      };
    }),
);
