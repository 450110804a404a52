// Self time by function and by file from a V8 .cpuprofile (node --cpu-prof):
//   node bench/lib/profile-summary.mjs file.cpuprofile [--top 40] [--calls N]
// With --calls, also prints µs per call (the profile's total ÷ N).
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args[0];
const opt = (n, d) => (args.includes(`--${n}`) ? Number(args[args.indexOf(`--${n}`) + 1]) : d);
const top = opt('top', 40);
const calls = opt('calls', 0);
const p = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map();
// timeDeltas[i] is the time before samples[i]: charge it to that sample's node.
for (let i = 0; i < p.samples.length; i++) {
  const id = p.samples[i];
  self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fn = new Map();
const files = new Map();
const shortUrl = (u) =>
  u
    ? u
        .replace(/^file:\/\//, '')
        .replace(/.*node_modules\//, 'nm/')
        .replace(/.*\/dist\//, 'dist/')
    : '(native)';
for (const [id, us] of self) {
  const n = byId.get(id);
  const cf = n.callFrame;
  const url = shortUrl(cf.url);
  const key = `${cf.functionName || '(anon)'} ${url}:${cf.lineNumber + 1}`;
  fn.set(key, (fn.get(key) ?? 0) + us);
  const group = url.startsWith('nm/') ? url.split('/').slice(0, 2).join('/') : url;
  files.set(group, (files.get(group) ?? 0) + us);
}
const fmt = (us) =>
  `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%${calls ? ` ${(us / calls).toFixed(1).padStart(6)} µs/call` : ''}`;
console.log(`total ${(total / 1000).toFixed(0)} ms sampled${calls ? `, ${(total / calls).toFixed(1)} µs/call` : ''}`);
console.log('\n-- by function --');
for (const [k, us] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${fmt(us)}  ${k}`);
console.log('\n-- by file --');
for (const [k, us] of [...files].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${fmt(us)}  ${k}`);

// --callers NAME: where the self time of functions named NAME comes from (up to 6 frames).
const DEPTH = opt('depth', 6);
const who = args.includes('--callers') ? args[args.indexOf('--callers') + 1] : null;
if (who) {
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stacks = new Map();
  for (const [id, us] of self) {
    if (byId.get(id).callFrame.functionName !== who) continue;
    const chain = [];
    let cur = parent.get(id);
    while (cur !== undefined && chain.length < DEPTH) {
      const cf = byId.get(cur).callFrame;
      chain.push(`${cf.functionName || '(anon)'}@${shortUrl(cf.url).split('/').pop()}:${cf.lineNumber + 1}`);
      cur = parent.get(cur);
    }
    const k = chain.join(' < ');
    stacks.set(k, (stacks.get(k) ?? 0) + us);
  }
  console.log(`\n-- callers of ${who} --`);
  for (const [k, us] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`${fmt(us)}  ${k}`);
}

// --inclusive a,b,c: time of samples whose stack holds a function of that name (each once).
const incl = args.includes('--inclusive') ? args[args.indexOf('--inclusive') + 1].split(',') : null;
if (incl) {
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const sums = new Map(incl.map((k) => [k, 0]));
  for (const [id, us] of self) {
    const names = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) names.add(byId.get(cur).callFrame.functionName);
    for (const k of incl) if (names.has(k)) sums.set(k, sums.get(k) + us);
  }
  console.log('\n-- inclusive (synchronous stacks only) --');
  for (const [k, us] of sums) console.log(`${fmt(us)}  ${k}`);
}
