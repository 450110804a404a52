// A small, hand-made Report for the writer tests: 3 models, 3 metrics,
// 2 pairwise rows (one ordinary p, one that underflows a double and only
// survives as log10p). Values are chosen so each column has a different best
// model and CN has a tie at the printed precision (3.121 vs 3.124).
import type { LeaderboardRow, Report, ScoreCell } from '../../../src/core/report.js';

export const METRIC_IDS = ['veg', 'spc', 'cn'] as const;

/** Names that try to inject markup into the HTML report. */
export const HOSTILE_NAMES: [string, string, string] = [
  '<script>window.__pwned=1</script>Ours "quotes"',
  '<img src=x onerror="window.__pwned=1">Baseline',
  '<script>alert(1)</script>',
];

function cell(mean: number | null, n: number, halfWidth: number, failures = 0): ScoreCell {
  return {
    mean,
    n,
    sd: mean === null ? null : 1.1,
    ci95: mean === null ? null : [mean - halfWidth, mean + halfWidth],
    failures,
  };
}

function row(model: string, veg: number, spc: number, cn: number, n: number): LeaderboardRow {
  return {
    model,
    scores: { veg: cell(veg, n, 0.21), spc: cell(spc, n, 0.18, 2), cn: cell(cn, n, 0.25) },
    avg: (veg + spc + cn) / 3,
    n,
  };
}

export function sampleReport(models: [string, string, string] = ['Ours_v2 & co', 'Baseline-7B', 'Video LLaMA']): Report {
  const [a, b, c] = models;
  const p1 = 4.9612e-10;
  return {
    rolejudgeVersion: '0.1.0',
    runId: 'run_2024-01-01',
    configHash: 'c0ffee1234',
    generatedFrom: 'runs/run_2024-01-01',
    judges: ['judge-a', 'judge-b'],
    models: [a, b, c],
    metrics: [
      { id: 'veg', name: 'Video-grounded Engagement', abbr: 'VEG', scale: { min: 1, max: 10 } },
      { id: 'spc', name: 'Persona Consistency', abbr: 'SPC', scale: { min: 1, max: 10 } },
      { id: 'cn', name: 'Conversational Naturalness', abbr: 'CN', scale: { min: 1, max: 10 } },
    ],
    conventions: {
      rounds: 'mean of 3 rounds per judge',
      ensemble: 'mean of judges per sample',
      ties: 'excluded from the sign test',
      combine: 'samples weigh equally',
      signTest: 'exact two-sided binomial, p = 0.5',
      bootstrap: 'percentile, 1000 resamples, seed 1',
      failures: 'excluded and counted',
    },
    leaderboard: [row(a, 7.456, 6.2, 3.121, 120), row(b, 6.9, 6.81, 3.124, 118), row(c, 5.004, 5.5, 2.9, 120)],
    pairwise: [
      {
        candidate: a,
        baseline: b,
        metric: 'veg',
        judge: 'judge-a',
        n: 500,
        win: 257,
        loss: 134,
        tie: 109,
        winPct: 51.4,
        lossPct: 26.8,
        tiePct: 21.8,
        net: 24.6,
        decisive: 257 / 391,
        decisiveCi95: [0.608, 0.703],
        p: p1,
        log10p: Math.log10(p1),
        pHolm: 2 * p1,
        log10pHolm: Math.log10(2 * p1),
        failures: 3,
        lengthControlled: { winRate: 0.61, lengthCoef: 0.12 },
      },
      {
        candidate: a,
        baseline: c,
        metric: 'spc',
        judge: 'judge-b',
        n: 2000,
        win: 1990,
        loss: 0,
        tie: 10,
        winPct: 99.5,
        lossPct: 0,
        tiePct: 0.5,
        net: 99.5,
        decisive: 1,
        decisiveCi95: [0.998, 1],
        p: 0,
        log10p: -602.3,
        pHolm: 0,
        log10pHolm: -602.3 + Math.log10(2),
        failures: 0,
        lengthControlled: null,
      },
    ],
    pairedDiffs: [],
    positionBias: [
      { judge: 'judge-a', metric: 'veg', pairs: 250, consistency: 0.824, firstPositionWinRate: 0.5731 },
      { judge: 'judge-b', metric: 'spc', pairs: 0, consistency: null, firstPositionWinRate: null },
    ],
    lengthBias: [],
    rankings: [],
    agreement: [{ metric: 'veg', betweenJudges: 0.71, betweenRounds: 0.88 }],
    counts: {
      responses: 360,
      responseErrors: 1,
      invalidFormat: 2,
      anonymityHits: 0,
      judgments: 6480,
      judgmentFailures: 14,
      parseFailures: 9,
      judgeErrors: 5,
      emptyAnswers: 0,
      comparisons: 2500,
      comparisonFailures: 3,
      selfIdFlags: 1,
      calls: 9341,
      promptTokens: 12345678,
      completionTokens: 234567,
      callsFromCache: 0,
      promptTokensFromCache: 0,
      completionTokensFromCache: 0,
      missingResponses: 0,
      truncatedReplies: 0,
      filteredReplies: 0,
      refusedReplies: 0,
    },
  };
}
