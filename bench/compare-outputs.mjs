// Runs `rolejudge score` of two or more builds on the same synthetic split
// against the bench server and checks that they write the same records (run
// directory files, JSON lines compared with their timing fields dropped:
// latencyMs and wall-clock stamps). Exit 1 and the first difference when not.
//
//   node bench/compare-outputs.mjs --cli a/bin/rolejudge.js,b/bin/rolejudge.js [--samples 300]
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { benchArgs, runNode, startServer } from './lib/measure.mjs';
import { writeConfig, writeJudge, writeSplit } from './lib/synthetic.mjs';

const { cli: CLI, flag } = benchArgs();
const N = Number(flag('samples', 300));
const CLIS = CLI.split(',');
// Timing fields, and where the build keeps its rubrics (each build its own checkout).
const VOLATILE = new Set(['latencyMs', 'createdAt', 'startedAt', 'finishedAt', 'at', 'time', 'elapsedMs', 'durationMs', 'wallMs', 'rubricsDir']);

const dir = mkdtempSync(join(tmpdir(), 'rolejudge-cmp-'));
const server = await startServer(1);
const env = { BENCH_JUDGE_KEY: 'sk-bench', CI: '1' };
const strip = (v) => {
  if (Array.isArray(v)) return v.map(strip);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !VOLATILE.has(k))
        .map(([k, x]) => [k, strip(x)]),
    );
  return v;
};
const files = (root) =>
  readdirSync(root, { recursive: true })
    .map(String)
    .filter((f) => statSync(join(root, f)).isFile() && /\.jsonl?$/.test(f))
    .sort();
try {
  const judgesDir = writeJudge(dir, server.baseUrl);
  const split = await writeSplit(join(dir, 'data'), N);
  const gen = writeConfig(dir, 'gen', { data: split, judgesDir, cacheDir: join(dir, 'cache-unused'), concurrency: 16 });
  await runNode([CLIS[0], 'generate', '-c', gen, '--no-cache', '--quiet'], { env, cwd: dir });
  const outs = [];
  for (const cli of CLIS) {
    // One run id for every build: each run directory is read, then removed.
    const name = 'cmp';
    const cfg = writeConfig(dir, name, { data: split, judgesDir, cacheDir: join(dir, 'cache-unused'), concurrency: 16 });
    cpSync(join(dir, 'runs', 'gen', 'responses'), join(dir, 'runs', name, 'responses'), { recursive: true });
    await server.reset();
    await runNode([cli, 'score', '-c', cfg, '--no-cache', '--quiet'], { env, cwd: dir });
    const root = join(dir, 'runs', name);
    const rec = {};
    for (const f of files(root)) {
      const text = readFileSync(join(root, f), 'utf8');
      const lines = f.endsWith('.jsonl') ? text.split('\n').filter(Boolean) : [text];
      // Records are written as calls finish: order them by content.
      rec[relative(root, join(root, f))] = lines.map((l) => JSON.stringify(strip(JSON.parse(l)))).sort();
    }
    outs.push(rec);
    rmSync(root, { recursive: true, force: true });
  }
  const [a, ...rest] = outs;
  let same = true;
  for (const [j, b] of rest.entries()) {
    for (const f of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const x = a[f] ?? [];
      const y = b[f] ?? [];
      const k = x.findIndex((l, i) => l !== y[i]);
      if (x.length !== y.length || k >= 0) {
        same = false;
        process.stdout.write(`${CLIS[j + 1]} differs from ${CLIS[0]} in ${f} (${x.length} vs ${y.length} records)\n  ${x[k] ?? ''}\n  ${y[k] ?? ''}\n`);
      }
    }
  }
  const n = Object.values(a).reduce((s, l) => s + l.length, 0);
  const list = Object.entries(a)
    .map(([f, l]) => `${f} ${l.length}`)
    .join(', ');
  process.stdout.write(same ? `same records: ${n} in ${list}; ${CLIS.length} builds\n` : 'records differ\n');
  process.exitCode = same ? 0 : 1;
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
