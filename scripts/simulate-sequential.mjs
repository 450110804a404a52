#!/usr/bin/env node
// Simulation of the anytime-valid sequential sign test (src/stats/sequential.ts)
// against the naive "stop as soon as the exact sign test gives p < 0.05" rule.
//
// How it runs: `npm run simulate:sequential` compiles src/ to dist/ with
// `tsc -p tsconfig.build.json` and then runs this file with plain Node 20,
// importing the compiled statistics from dist/stats/. (Node 20 cannot run
// TypeScript itself and no TS runner such as tsx is installed, so the build is
// the simplest route that exercises the real code.)
//
// Options: --sims N (default 20000), --seed S (default 14), --max N (default 500),
// --inflight N (default 8; samples in flight in the --until-decided path).
//
// What it prints, for 500 comparisons at most, checked after every verdict:
// (a) the anytime-valid test's false-positive rate under H0 (win = loss =
//     0.391, tie = 0.218, the VEG tie share): Monte Carlo with its 95%
//     simulation interval, and the exact value from dynamic programming;
// (b) the same for the naive peeking rule;
// (c) the stopping point under the published VEG effect (257 wins, 134
//     losses, 109 ties in 500: p_win 0.514, p_loss 0.268, p_tie 0.218);
// (d) the --until-decided stopping path itself: the same PrefixFeed (samples
//     enter the test in seeded order only), SignFamilyStream (compare) and
//     MarginTest (score) the run uses, with judging simulated at --inflight
//     samples in flight (default 8) finishing in random order and launching
//     stopped at the decision: type-I error, and the median decision prefix
//     and samples judged (prefix + in flight), for compare under H0 and the
//     VEG effect, and for score (1–10 scale, margin 0) under identical systems
//     and a drop of about one point.
import os from 'node:os';
import { createRng, logMixtureEValue, signRuleCrossing, signTestCriticalWins, logBinomPmf, SignFamilyStream, MarginTest } from '../dist/stats/index.js';
import { PrefixFeed } from '../dist/run/until-decided.js';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = process.argv[i + 1];
  if (v === undefined) throw new Error(`--${name} needs a value`);
  return v;
}
const sims = Number(arg('sims', '20000'));
const seed = arg('seed', '14');
const maxN = Number(arg('max', '500'));
const inflight = Number(arg('inflight', '8'));
if (!Number.isInteger(sims) || sims < 1) throw new Error(`--sims must be a positive integer, got ${sims}`);
if (!Number.isInteger(maxN) || maxN < 1) throw new Error(`--max must be a positive integer, got ${maxN}`);
const ALPHA = 0.05;
const TIE = 0.218;

// Rejection tables indexed [decisive count][wins], filled once from the real
// functions: the mixture test rejects when e >= 1/alpha; the naive rule when
// the exact two-sided sign test's p <= 0.05 at the current counts.
const lnThreshold = -Math.log(ALPHA);
const mixtureRejects = [];
const naiveRejects = [];
for (let m = 0; m <= maxN; m++) {
  const c = m === 0 ? null : signTestCriticalWins(m, ALPHA);
  const mix = new Uint8Array(m + 1);
  const nai = new Uint8Array(m + 1);
  for (let w = 0; w <= m; w++) {
    mix[w] = m > 0 && logMixtureEValue(w, m - w) >= lnThreshold - 1e-12 ? 1 : 0;
    nai[w] = c !== null && (w >= c || m - w >= c) ? 1 : 0;
  }
  mixtureRejects.push(mix);
  naiveRejects.push(nai);
}

/**
 * One simulated run: the 1-based comparison at which each rule first rejects
 * (0 = never), and whether the mixture test decided for the baseline.
 * @returns {[number, number, boolean]}
 */
function simulate(rng, pWin, pLoss) {
  let w = 0;
  let m = 0;
  let mixAt = 0;
  let naiveAt = 0;
  let mixForBaseline = false;
  for (let t = 1; t <= maxN; t++) {
    const u = rng.next();
    if (u < pWin) w++;
    else if (u >= pWin + pLoss) continue;
    m++;
    if (mixAt === 0 && mixtureRejects[m][w]) {
      mixAt = t;
      mixForBaseline = 2 * w < m;
    }
    if (naiveAt === 0 && naiveRejects[m][w]) naiveAt = t;
    if (mixAt && naiveAt) break;
  }
  return [mixAt, naiveAt, mixForBaseline];
}

/** Exact P(rule rejects within maxN comparisons) when ties have probability TIE. */
function exactRejection(table, pWinDecisive) {
  const cross = signRuleCrossing(maxN, (w, l) => table[w + l][w] === 1, pWinDecisive);
  let p = 0;
  for (let m = 0; m <= maxN; m++) p += Math.exp(logBinomPmf(m, maxN, 1 - TIE)) * cross[m];
  return p;
}

function rate(hits) {
  const p = hits / sims;
  const half = 1.96 * Math.sqrt((p * (1 - p)) / sims);
  return `${(100 * p).toFixed(2)} % ± ${(100 * half).toFixed(2)}`;
}

function median(sorted) {
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

const started = Date.now();
const h0 = createRng(`${seed}/h0`);
let mixFp = 0;
let naiveFp = 0;
for (let s = 0; s < sims; s++) {
  const [a, b] = simulate(h0, (1 - TIE) / 2, (1 - TIE) / 2);
  if (a) mixFp++;
  if (b) naiveFp++;
}
const veg = createRng(`${seed}/veg`);
/** @type {number[]} */
const mixStops = [];
/** @type {number[]} */
const naiveStops = [];
let mixDecided = 0;
let mixWrong = 0;
for (let s = 0; s < sims; s++) {
  const [a, b, wrong] = simulate(veg, 0.514, 0.268);
  if (a) mixDecided++;
  if (wrong) mixWrong++;
  mixStops.push(a || maxN);
  naiveStops.push(b || maxN);
}
mixStops.sort((x, y) => x - y);
naiveStops.sort((x, y) => x - y);
const pct = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

console.log(`simulate:sequential  sims=${sims} seed=${seed} max=${maxN} alpha=${ALPHA} ties=${TIE}`);
console.log(
  `cpu: ${os.cpus()[0]?.model ?? 'unknown'} x${os.cpus().length}, load average ${os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
console.log('');
const exactMixFp = exactRejection(mixtureRejects, 0.5);
console.log('| rule (checked after every verdict) | H0 false positives (Monte Carlo, 95% sim. interval) | H0 exact (DP) |');
console.log('|---|---|---|');
console.log(`| anytime-valid mixture e-test (e >= 20) | ${rate(mixFp)} | ${(100 * exactMixFp).toFixed(2)} % |`);
console.log(`| naive: stop at exact sign test p < 0.05 | ${rate(naiveFp)} | ${(100 * exactRejection(naiveRejects, 0.5)).toFixed(2)} % |`);
console.log('');
console.log('VEG effect (p_win 0.514, p_loss 0.268, p_tie 0.218); stop = comparisons judged, 500 when never decided');
console.log('| rule | median stop | 10th–90th pct | decided by 500 | exact P(decided by 500) |');
console.log('|---|---|---|---|---|');
const exactPower = (t) => exactRejection(t, 0.514 / (0.514 + 0.268));
console.log(
  `| anytime-valid mixture e-test | ${median(mixStops)} | ${pct(mixStops, 0.1)}–${pct(mixStops, 0.9)} | ${rate(mixDecided)} | ${(100 * exactPower(mixtureRejects)).toFixed(2)} % |`,
);
console.log(
  `| naive peeking (not valid; for scale) | ${median(naiveStops)} | ${pct(naiveStops, 0.1)}–${pct(naiveStops, 0.9)} | – | ${(100 * exactPower(naiveRejects)).toFixed(2)} % |`,
);
console.log('');
console.log(`the anytime-valid test decided for the baseline in ${mixWrong} of ${mixDecided} decided VEG runs`);
// The claim checked: the false-positive rate is <= alpha within simulation
// error (the Monte Carlo interval reaches below alpha) and exactly (DP).
const mcLow = mixFp / sims - 1.96 * Math.sqrt(((mixFp / sims) * (1 - mixFp / sims)) / sims);
const ok = mcLow <= ALPHA && exactMixFp <= ALPHA;
console.log(`type-I error <= ${ALPHA}: ${ok ? 'yes' : 'NO'} (Monte Carlo lower bound ${(100 * mcLow).toFixed(2)} %, exact ${(100 * exactMixFp).toFixed(2)} %)`);

// (d) The --until-decided path. `draw(rng)` gives one sample's observation;
// `test` is fed observations in seeded order through the run's PrefixFeed, and
// `decided()` says when launching stops.
function untilDecided(rng, draw, makeTest) {
  const ids = Array.from({ length: maxN }, (_, i) => `s${i}`);
  const t = makeTest();
  let prefixAtDecision = null;
  const feed = new PrefixFeed(ids, 1, (i, [x]) => {
    t.push(x, i + 1);
    if (prefixAtDecision === null && t.decided()) prefixAtDecision = i + 1;
  });
  const flying = [];
  let launched = 0;
  // As the run's LaunchWindow: at most `inflight` samples past the prefix are ever launched.
  const launch = () => {
    while (flying.length < inflight && launched < maxN && launched < feed.prefix + inflight && prefixAtDecision === null)
      flying.push([ids[launched++], draw(rng)]);
  };
  launch();
  while (flying.length) {
    // Any in-flight sample may finish next: completion order is not the seeded order.
    const [id, x] = flying.splice(rng.int(flying.length), 1)[0];
    feed.add(id, x);
    launch();
  }
  return { prefix: prefixAtDecision, judged: launched, test: t };
}

const signTest = () => {
  const f = new SignFamilyStream(1, { alpha: ALPHA });
  return { push: (x) => f.push([x]), decided: () => f.allDecidedAfter !== null, winner: () => f.members[0].winner };
};
const sign = (pWin, pLoss) => (rng) => {
  const u = rng.next();
  return u < pWin ? 1 : u < pWin + pLoss ? -1 : 0;
};
const clamp = (x) => Math.min(10, Math.max(1, Math.round(x)));
// A normal draw (Box–Muller) from the seeded stream.
const normal = (rng) => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
// Per sample: a shared difficulty, then each model's 1–10 score; identical systems share the law exactly.
const scores = (drop) => (rng) => {
  const d = normal(rng);
  return clamp(6 - drop + d + 1.5 * normal(rng)) - clamp(6 + d + 1.5 * normal(rng));
};
const marginTest = () => {
  const m = new MarginTest(9, 0, ALPHA);
  return { push: (x, at) => m.push(x, at), decided: () => m.decision !== null, decision: () => m.decision };
};

function pathRows(label, draw, makeTest, wrong) {
  const rng = createRng(`${seed}/${label}`);
  let decided = 0;
  let bad = 0;
  const prefixes = [];
  const judged = [];
  for (let s = 0; s < sims; s++) {
    const r = untilDecided(rng, draw, makeTest);
    if (r.prefix !== null) decided++;
    if (wrong(r.test)) bad++;
    prefixes.push(r.prefix ?? maxN);
    judged.push(r.judged);
  }
  prefixes.sort((x, y) => x - y);
  judged.sort((x, y) => x - y);
  return { decided, bad, prefix: median(prefixes), judged: median(judged), p10: pct(judged, 0.1), p90: pct(judged, 0.9) };
}

console.log('');
console.log(`--until-decided path (PrefixFeed + the run's tests), ${inflight} samples in flight, launching stopped at the decision`);
console.log('| scenario | false decisions (95% sim. interval) | decided by 500 | median decision prefix | median samples judged (10th–90th) |');
console.log('|---|---|---|---|---|');
const rows = [
  ['compare, H0 (win = loss = 0.391, tie 0.218)', sign(0.391, 0.391), signTest, (t) => t.winner() !== null],
  ['compare, VEG effect (0.514 / 0.268 / 0.218)', sign(0.514, 0.268), signTest, (t) => t.winner() === 'baseline'],
  ['score, identical systems (margin 0)', scores(0), marginTest, (t) => t.decision() === 'regression'],
  ['score, a drop of 1 point (margin 0)', scores(1), marginTest, (t) => t.decision() === 'no-regression'],
];
const pathOk = [];
for (const [label, draw, make, wrong] of rows) {
  const r = pathRows(label, draw, make, wrong);
  console.log(`| ${label} | ${rate(r.bad)} | ${rate(r.decided)} | ${r.prefix} | ${r.judged} (${r.p10}–${r.p90}) |`);
  pathOk.push(r.bad / sims - 1.96 * Math.sqrt(((r.bad / sims) * (1 - r.bad / sims)) / sims) <= ALPHA);
}
const allOk = ok && pathOk.every(Boolean);
console.log(`--until-decided type-I error <= ${ALPHA} (within simulation error): ${pathOk.every(Boolean) ? 'yes' : 'NO'}`);
console.log(`took ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (!allOk) process.exitCode = 1;
