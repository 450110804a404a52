// Hand-built Reports for the gate's decision tests: two models, two metrics,
// figures set per test through the builders below.
import type { Counts, LeaderboardRow, PairwiseRow, Report } from '../../../src/core/report.js';
import type { GateSettings } from '../../../src/stages/gate/settings.js';
import { pairwiseSummary } from '../../../src/stats/index.js';

export function counts(over: Partial<Counts> = {}): Counts {
  return {
    responses: 40,
    responseErrors: 0,
    invalidFormat: 0,
    anonymityHits: 0,
    judgments: 80,
    judgmentFailures: 0,
    parseFailures: 0,
    judgeErrors: 0,
    emptyAnswers: 0,
    comparisons: 40,
    comparisonFailures: 0,
    selfIdFlags: 0,
    calls: 0,
    callsFromCache: 0,
    promptTokensFromCache: 0,
    completionTokensFromCache: 0,
    missingResponses: 0,
    truncatedReplies: 0,
    filteredReplies: 0,
    refusedReplies: 0,
    promptTokens: 0,
    completionTokens: 0,
    ...over,
  };
}

export function lbRow(model: string, means: Record<string, number>, n = 20): LeaderboardRow {
  const scores: LeaderboardRow['scores'] = {};
  for (const [m, mean] of Object.entries(means)) scores[m] = { mean, n, sd: 1, ci95: [mean - 0.4, mean + 0.4], failures: 0 };
  const vals = Object.values(means);
  return { model, scores, avg: vals.reduce((a, b) => a + b, 0) / vals.length, n };
}

/** A pairwise row whose statistics come from the real sign-test code; pHolm given. */
export function pwRow(candidate: string, baseline: string, metric: string, win: number, loss: number, tie: number, pHolm?: number): PairwiseRow {
  const s = pairwiseSummary({ win, loss, tie });
  return {
    candidate,
    baseline,
    metric,
    judge: 'judge-a',
    n: s.n,
    win,
    loss,
    tie,
    winPct: s.winPct ?? 0,
    lossPct: s.lossPct ?? 0,
    tiePct: s.tiePct ?? 0,
    net: s.net ?? 0,
    decisive: s.decisive,
    decisiveCi95: s.decisiveCi95 ? [s.decisiveCi95[0] / 100, s.decisiveCi95[1] / 100] : null,
    p: s.p,
    log10p: s.log10p,
    pHolm: pHolm ?? s.p,
    log10pHolm: Math.log10(pHolm ?? s.p),
    failures: 0,
    lengthControlled: null,
  };
}

export function report(leaderboard: LeaderboardRow[], pairwise: PairwiseRow[], c: Counts = counts()): Report {
  return {
    rolejudgeVersion: '0.1.0',
    runId: 'r1',
    configHash: 'abc',
    generatedFrom: 'runs/r1',
    judges: ['judge-a'],
    models: ['new', 'old'],
    metrics: [
      { id: 'veg', name: 'Video-grounded Engagement', abbr: 'VEG', scale: { min: 1, max: 10 } },
      { id: 'spc', name: 'Persona Consistency', abbr: 'SPC', scale: { min: 1, max: 10 } },
    ],
    conventions: { rounds: '', ensemble: '', ties: '', combine: '', signTest: '', bootstrap: '', failures: '' },
    leaderboard,
    pairwise,
    pairedDiffs: [],
    positionBias: [],
    lengthBias: [],
    rankings: [],
    agreement: [],
    counts: c,
  };
}

export function settings(over: Partial<GateSettings> = {}): GateSettings {
  return {
    candidate: 'new',
    baseline: 'old',
    margin: 0.2,
    alpha: 0.05,
    power: 0.8,
    nonInferiorityFloor: null,
    maxFailureShare: 0.05,
    junit: null,
    ...over,
  };
}
