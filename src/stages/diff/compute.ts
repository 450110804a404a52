// What changed between run A and run B of one split, computed only over the
// samples both runs scored: a change of mean over different samples would mix
// the checkpoint's effect with which samples happened to be judged.
// Conventions: every difference is B − A; a sample's score is the mean of its
// valid scores over judges and rounds; intervals are the seeded paired
// bootstrap of src/stats (samples resampled with both runs' scores together).
import { loadRubric } from '../../judge/rubrics/rubric.js';
import { pairedComparison } from '../../stats/paired.js';
import type { RunSide } from './read.js';
import { key, unkey } from './read.js';

export interface ScoreChange {
  model: string;
  metric: string;
  /** Shared samples scored in both runs. */
  n: number;
  meanA: number | null;
  meanB: number | null;
  /** Mean over shared samples of (B − A). */
  delta: number | null;
  ci95: [number, number] | null;
  /** Paired t-test p of delta = 0. */
  p: number | null;
  /** Samples scored for this model and metric in one run only. */
  onlyA: number;
  onlyB: number;
}

export interface PairSide {
  n: number;
  winPct: number;
  lossPct: number;
  tiePct: number;
  /** win% − loss% */
  net: number;
}

export interface PairwiseChange {
  candidate: string;
  baseline: string;
  metric: string;
  judge: string;
  /** Over the samples compared in both runs. */
  a: PairSide | null;
  b: PairSide | null;
  deltaNet: number | null;
}

export interface Mover {
  sampleId: string;
  model: string;
  metric: string;
  a: number;
  b: number;
  delta: number;
  /** delta over the width of the metric's scale (what "moved most" ranks by). */
  share: number;
}

export interface RunDiff {
  runA: { dir: string; runId: string; configHash: string; samples: number };
  runB: { dir: string; runId: string; configHash: string; samples: number };
  split: string;
  sharedSamples: number;
  onlyA: number;
  onlyB: number;
  scores: ScoreChange[];
  pairwise: PairwiseChange[];
  movers: Mover[];
  conventions: string[];
}

export interface DiffOptions {
  seed?: number;
  resamples?: number;
  /** How many samples "moved most" lists. */
  top?: number;
}

function scaleWidth(rubricsDir: string | null, metric: string, fallback: number): number {
  if (rubricsDir) {
    try {
      const r = loadRubric(rubricsDir, metric);
      if (r.scale.max > r.scale.min) return r.scale.max - r.scale.min;
    } catch {
      // a run can outlive its rubric files; fall back to the observed range
    }
  }
  return fallback > 0 ? fallback : 1;
}

const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);

function pairSide(credits: number[]): PairSide | null {
  if (!credits.length) return null;
  const n = credits.length;
  const win = credits.filter((c) => c > 0.5).length;
  const loss = credits.filter((c) => c < 0.5).length;
  const pct = (k: number) => (100 * k) / n;
  return { n, winPct: pct(win), lossPct: pct(loss), tiePct: pct(n - win - loss), net: pct(win) - pct(loss) };
}

export function diffRuns(A: RunSide, B: RunSide, opts: DiffOptions = {}): RunDiff {
  const shared = new Set([...A.samples].filter((s) => B.samples.has(s)));
  const scores: ScoreChange[] = [];
  const movers: Mover[] = [];
  const cells = [...new Set([...A.scores.keys(), ...B.scores.keys()])].sort();
  for (const cell of cells) {
    const [model, metric] = unkey(cell) as [string, string];
    const a = A.scores.get(cell) ?? new Map<string, number>();
    const b = B.scores.get(cell) ?? new Map<string, number>();
    const both = (m: Map<string, number>, other: Map<string, number>) => new Map([...m].filter(([id]) => other.has(id) && shared.has(id)));
    const a2 = both(a, b);
    const b2 = both(b, a);
    const cmp = pairedComparison(b2, a2, { seed: opts.seed ?? 1, resamples: opts.resamples ?? 2000 });
    scores.push({
      model,
      metric,
      n: cmp.n,
      meanA: mean([...a2.values()]),
      meanB: mean([...b2.values()]),
      delta: cmp.meanDiff,
      ci95: cmp.ci95,
      p: cmp.tTest?.p ?? null,
      onlyA: [...a.keys()].filter((id) => !b.has(id)).length,
      onlyB: [...b.keys()].filter((id) => !a.has(id)).length,
    });
    const values = [...a2.values(), ...b2.values()];
    const width = scaleWidth(B.rubricsDir ?? A.rubricsDir, metric, values.length ? Math.max(...values) - Math.min(...values) : 1);
    for (const [id, va] of a2) {
      const vb = b2.get(id)!;
      if (vb !== va) movers.push({ sampleId: id, model, metric, a: va, b: vb, delta: vb - va, share: (vb - va) / width });
    }
  }
  const pairwise: PairwiseChange[] = [];
  for (const cell of [...new Set([...A.credits.keys(), ...B.credits.keys()])].sort()) {
    const [candidate, baseline, metric, judge] = unkey(cell) as [string, string, string, string];
    const a = A.credits.get(cell) ?? new Map<string, number>();
    const b = B.credits.get(cell) ?? new Map<string, number>();
    const ids = [...a.keys()].filter((id) => b.has(id) && shared.has(id));
    const sa = pairSide(ids.map((id) => a.get(id)!));
    const sb = pairSide(ids.map((id) => b.get(id)!));
    pairwise.push({ candidate, baseline, metric, judge, a: sa, b: sb, deltaNet: sa && sb ? sb.net - sa.net : null });
  }
  movers.sort(
    (x, y) =>
      Math.abs(y.share) - Math.abs(x.share) ||
      (x.sampleId < y.sampleId ? -1 : x.sampleId > y.sampleId ? 1 : 0) ||
      key(x.model, x.metric).localeCompare(key(y.model, y.metric)),
  );
  const side = (r: RunSide) => ({ dir: r.dir, runId: r.manifest.runId, configHash: r.manifest.configHash, samples: r.samples.size });
  return {
    runA: side(A),
    runB: side(B),
    split: A.split.path,
    sharedSamples: shared.size,
    onlyA: A.samples.size - shared.size,
    onlyB: B.samples.size - shared.size,
    scores,
    pairwise,
    movers: movers.slice(0, opts.top ?? 20),
    conventions: [
      'Differences are run B − run A, over the samples both runs scored (shared samples).',
      "A sample's score is the mean of its valid scores over judges and rounds; failed judgments are left out.",
      `95% intervals: paired bootstrap of the per-sample differences (${opts.resamples ?? 2000} resamples, seed ${opts.seed ?? 1}); p: paired t-test.`,
      'Pairwise: a sample counts as a win when its mean credit over rounds is above ½, a loss below ½; rates over the samples compared in both runs.',
      'Moved most: the largest per-sample changes as a share of the metric\u2019s scale.',
    ],
  };
}
