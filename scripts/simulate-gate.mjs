#!/usr/bin/env node
// Simulation of the gate's decision (src/stages/gate/decide.ts) on runs whose
// truth is known: how often does it say "regression" when the two systems are
// identical (false alarms; must be <= alpha), and how often when the candidate
// really is worse (power)?
//
// How it runs: `npm run simulate:gate` compiles src/ to dist/ and runs this
// file with plain Node 20, calling the compiled decide() — the same code the
// CLI runs — on Reports and evidence built from simulated judge scores.
//
// The simulated run (one per replicate):
// - N samples in sessions of 1–5 records (like EBM-RL: 36 records in 29
//   sessions), two metrics on the 1–10 scale, and a pairwise comparison of
//   candidate and baseline on both (one judge, so a Holm family of 2).
// - Each sample has a latent quality q ~ N(6, 1.2²) shared by both systems
//   (the scene is the same); each system's answers in a session share a style
//   effect u ~ N(0, 0.5²) (the dependence that clustering must respect); the
//   judge adds noise e ~ N(0, 1.5²) per score and rounds to an integer in 1–10.
// - The pairwise judge sees the latent score difference plus noise N(0, 1²):
//   above +0.5 a win, below −0.5 a loss, else a tie.
// - "Drop": the candidate's latent quality on metric 1 is lower by DROP.
//
// Options: --sims N (default 4000), --n N samples (default 100), --drop D
// (default 0.75), --seed S (default 14).
import { decide } from '../dist/stages/gate/decide.js';
import { pairwiseFigures } from '../dist/stages/report/aggregate.js';
import { clusterSignTest, createRng, holmAdjust, pairwiseSummary } from '../dist/stats/index.js';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = process.argv[i + 1];
  if (v === undefined) throw new Error(`--${name} needs a value`);
  return v;
}
const sims = Number(arg('sims', '4000'));
const N = Number(arg('n', '100'));
const DROP = Number(arg('drop', '0.75'));
const seed = arg('seed', '14');
if (!Number.isInteger(sims) || sims < 1) throw new Error(`--sims must be a positive integer, got ${sims}`);
if (!Number.isInteger(N) || N < 4) throw new Error(`--n must be an integer >= 4, got ${N}`);

const METRICS = [
  { id: 'veg', name: 'Video-grounded Engagement', abbr: 'VEG', scale: { min: 1, max: 10 } },
  { id: 'spc', name: 'Persona Consistency', abbr: 'SPC', scale: { min: 1, max: 10 } },
];

function normal(rng) {
  // Box–Muller; 1 − next() keeps the log argument in (0, 1].
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
const judgeScore = (x) => Math.min(10, Math.max(1, Math.round(x)));

function sessionsOf(rng) {
  const ids = [];
  let s = 0;
  while (ids.length < N) {
    const size = 1 + rng.int(5);
    for (let k = 0; k < size && ids.length < N; k++) ids.push(`s${s}`);
    s++;
  }
  return ids;
}

// The report's cluster-level sign test row (src/stages/report/clustered.ts does the same).
function clusteredSign(signs, sessions) {
  const t = clusterSignTest(signs, sessions);
  return {
    by: 'session',
    clusters: t.clusters,
    positive: t.positiveClusters,
    negative: t.negativeClusters,
    tied: t.tiedClusters,
    p: t.p,
    log10p: t.log10p,
    pHolm: t.p,
    log10pHolm: t.log10p,
  };
}

/**
 * One simulated run → the Report and evidence decide() reads.
 * @returns {{ report: any, evidence: any }}
 */
function simulateRun(rng, drop) {
  const sessions = sessionsOf(rng);
  const style = new Map();
  const styleOf = (model, metric, session) => {
    const k = `${model}:${metric}:${session}`;
    if (!style.has(k)) style.set(k, 0.5 * normal(rng));
    return style.get(k);
  };
  const scores = { new: {}, old: {} };
  const paired = {};
  const pairwise = [];
  for (const [m, metric] of METRICS.entries()) {
    const cand = [];
    const base = [];
    const counts = { win: 0, loss: 0, tie: 0 };
    const signs = [];
    for (let i = 0; i < N; i++) {
      const q = 6 + 1.2 * normal(rng);
      const lc = q - (m === 0 ? drop : 0) + styleOf('new', metric.id, sessions[i]);
      const lb = q + styleOf('old', metric.id, sessions[i]);
      cand.push(judgeScore(lc + 1.5 * normal(rng)));
      base.push(judgeScore(lb + 1.5 * normal(rng)));
      const seen = lc - lb + normal(rng);
      const o = seen > 0.5 ? 'win' : seen < -0.5 ? 'loss' : 'tie';
      counts[o]++;
      signs.push(o === 'win' ? 1 : o === 'loss' ? -1 : 0);
    }
    const diffs = cand.map((c, i) => c - base[i]);
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const md = mean(diffs);
    const sd = Math.sqrt(diffs.reduce((a, d) => a + (d - md) ** 2, 0) / (N - 1));
    paired[metric.id] = { n: N, sd, diffs, clusters: sessions, clusterBy: 'session' };
    scores.new[metric.id] = mean(cand);
    scores.old[metric.id] = mean(base);
    const s = pairwiseSummary(counts);
    pairwise.push({
      candidate: 'new',
      baseline: 'old',
      metric: metric.id,
      judge: 'judge',
      ...pairwiseFigures(s),
      failures: 0,
      lengthControlled: null,
      clustered: clusteredSign(signs, sessions),
    });
  }
  // Holm over the judge's family, item- and cluster-level, as the report does.
  holmAdjust(pairwise.map((r) => ({ p: r.p, log10p: r.log10p }))).forEach((a, i) => {
    pairwise[i].pHolm = a.p;
    pairwise[i].log10pHolm = a.log10p;
  });
  holmAdjust(pairwise.map((r) => ({ p: r.clustered.p, log10p: r.clustered.log10p }))).forEach((a, i) => {
    pairwise[i].clustered.pHolm = a.p;
    pairwise[i].clustered.log10pHolm = a.log10p;
  });
  const row = (model) => ({
    model,
    scores: Object.fromEntries(METRICS.map((m) => [m.id, { mean: scores[model][m.id], n: N, sd: null, ci95: null, failures: 0 }])),
    avg: null,
    n: N,
  });
  /** @type {any} */
  const report = {
    rolejudgeVersion: 'sim',
    runId: 'sim',
    configHash: '',
    generatedFrom: '',
    judges: ['judge'],
    models: ['new', 'old'],
    metrics: METRICS,
    conventions: {},
    leaderboard: [row('new'), row('old')],
    pairwise,
    pairedDiffs: [],
    positionBias: [],
    lengthBias: [],
    rankings: [],
    agreement: [],
    counts: { judgments: 4 * N, comparisons: 2 * N, parseFailures: 0, judgeErrors: 0, comparisonFailures: 0 },
  };
  return { report, evidence: { records: 6 * N, judgeFailures: 0, paired } };
}

const CONFIGS = [
  { label: 'default (margin 0, α 0.05)', margin: 0, alpha: 0.05 },
  { label: 'starter templates/init.yaml (margin 0.2, α 0.05)', margin: 0.2, alpha: 0.05 },
];

function settings(c) {
  return {
    candidate: 'new',
    baseline: 'old',
    margin: c.margin,
    alpha: c.alpha,
    power: 0.8,
    nonInferiorityFloor: null,
    nonInferiority: false,
    maxFailureShare: 0.05,
    junit: null,
  };
}

/** Share of runs the gate calls a regression, with its 95% Wilson simulation interval. */
function rate(k, n) {
  const z = 1.959964;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return { p, lo: Math.max(0, c - h), hi: Math.min(1, c + h) };
}
const pct = (x) => `${(100 * x).toFixed(1)}%`;

let failed = false;
console.log(`Gate simulation: ${sims} runs per cell, ${N} samples in sessions of 1–5, seed ${seed}, real drop ${DROP} on VEG`);
for (const c of CONFIGS) {
  const s = settings(c);
  const out = {};
  for (const [name, drop] of [
    ['identical', 0],
    ['drop', DROP],
  ]) {
    const rng = createRng(`${seed}:${c.label}:${name}`);
    let gate = 0;
    let pointRule = 0;
    for (let r = 0; r < sims; r++) {
      const { report, evidence } = simulateRun(rng, drop);
      if (decide(report, s, evidence).status === 'regression') gate++;
      // The rule the gate used before: any metric mean lower by more than the margin.
      if (METRICS.some((m) => report.leaderboard[0].scores[m.id].mean - report.leaderboard[1].scores[m.id].mean < -c.margin - 1e-9)) pointRule++;
    }
    out[name] = { gate: rate(gate, sims), point: rate(pointRule, sims) };
  }
  const fa = out.identical.gate;
  // Within simulation error: the 95% simulation interval must reach down to α.
  const ok = fa.lo <= c.alpha;
  if (!ok) failed = true;
  console.log(`\n${c.label}`);
  console.log(`  false alarms, identical systems: ${pct(fa.p)} [${pct(fa.lo)}, ${pct(fa.hi)}]  ${ok ? `≤ α = ${c.alpha} ✓` : `ABOVE α = ${c.alpha} ✗`}`);
  console.log(`  power, candidate ${DROP} lower on VEG: ${pct(out.drop.gate.p)} [${pct(out.drop.gate.lo)}, ${pct(out.drop.gate.hi)}]`);
  console.log(`  old point rule (Δ of means < −margin): false alarms ${pct(out.identical.point.p)}, "power" ${pct(out.drop.point.p)}`);
}
if (failed) {
  console.error('\nsimulate:gate: a false-alarm rate is above α beyond simulation error');
  process.exit(1);
}
