// Bytes allocated by function from a V8 sampling .heapprofile (node --heap-prof):
//   node bench/lib/heap-summary.mjs file.heapprofile [--top 40] [--calls N]
// The sampler charges each sampled allocation to the function that made it;
// with --calls, bytes per call (the profile's total ÷ N).
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const opt = (n, d) => (args.includes(`--${n}`) ? Number(args[args.indexOf(`--${n}`) + 1]) : d);
const top = opt('top', 40);
const calls = opt('calls', 0);
const p = JSON.parse(readFileSync(args[0], 'utf8'));
const byFn = new Map();
let total = 0;
// Each node carries the bytes sampled in its own frame (selfSize), already scaled by the sampling interval.
const walk = (n) => {
  const cf = n.callFrame;
  const url = (cf.url || '(native)')
    .replace(/^file:\/\//, '')
    .replace(/.*node_modules\//, 'nm/')
    .replace(/.*\/dist\//, 'dist/');
  const key = `${cf.functionName || '(anon)'} ${url}:${cf.lineNumber + 1}`;
  const selfBytes = n.selfSize ?? 0;
  if (selfBytes) {
    byFn.set(key, (byFn.get(key) ?? 0) + selfBytes);
    total += selfBytes;
  }
  for (const c of n.children ?? []) walk(c);
};
walk(p.head);
const fmt = (b) =>
  `${(b / 1048576).toFixed(1).padStart(8)} MB ${((100 * b) / total).toFixed(1).padStart(5)}%${calls ? ` ${(b / calls).toFixed(0).padStart(7)} B/call` : ''}`;
console.log(`sampled live-at-exit-or-collected allocations: ${(total / 1048576).toFixed(1)} MB`);
for (const [k, b] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${fmt(b)}  ${k}`);
