// The Report: everything `rolejudge report` computes from a run directory,
// before it is written as JSON, CSV, Markdown, LaTeX and HTML. Every writer
// reads only this object, so all formats show the same figures.

export interface MetricInfo {
  id: string;
  name: string;
  abbr: string;
  scale: { min: number; max: number };
}

export interface ScoreCell {
  mean: number | null;
  n: number;
  sd: number | null;
  ci95: [number, number] | null;
  /** Judgments that failed (parse, error, empty answer) for this model and metric. */
  failures: number;
}

export interface LeaderboardRow {
  model: string;
  /** metric id → cell */
  scores: Record<string, ScoreCell>;
  /** Mean of the metric means (the papers' Avg column); null if any metric is missing. */
  avg: number | null;
  /** Samples with at least one valid score. */
  n: number;
}

export interface PairwiseRow {
  candidate: string;
  baseline: string;
  metric: string;
  judge: string;
  n: number;
  win: number;
  loss: number;
  tie: number;
  /** Percent (0–100), like every *Pct field and net below. */
  winPct: number;
  lossPct: number;
  tiePct: number;
  /** win% − loss%, in percentage points */
  net: number;
  /** wins / (wins + losses) as a fraction (0–1), null with no decisive comparison */
  decisive: number | null;
  /** Wilson 95% interval of the decisive rate, as fractions (0–1) */
  decisiveCi95: [number, number] | null;
  p: number;
  /** log10 of p, exact even when p underflows a double */
  log10p: number;
  pHolm: number;
  log10pHolm: number;
  /** Comparisons with no usable verdict (excluded from n). */
  failures: number;
  /** Length-controlled win rate (0–1; logistic regression on length difference). */
  lengthControlled: { winRate: number; lengthCoef: number } | null;
}

export interface PositionBias {
  judge: string;
  metric: string;
  /** Pairs judged in both orders. */
  pairs: number;
  /** Share (0–1) of pairs whose verdict survives the swap. */
  consistency: number | null;
  /** Share (0–1) of single-order verdicts won by the answer shown as A. */
  firstPositionWinRate: number | null;
}

export interface PairedDiff {
  candidate: string;
  baseline: string;
  metric: string;
  n: number;
  meanDiff: number;
  ci95: [number, number];
  /** Paired t-test on the per-sample differences. */
  p: number;
  /** Wilcoxon signed-rank test (exact for n ≤ 50, normal approximation above). */
  pWilcoxon: number | null;
}

export interface Ranking {
  metric: string;
  systems: { model: string; strength: number; ci95: [number, number] }[];
}

export interface LengthBias {
  model: string;
  metric: string;
  n: number;
  /** Pearson correlation between answer length and score. */
  r: number | null;
}

export interface Agreement {
  metric: string;
  /** Krippendorff's alpha (interval) across judges, per-sample means. */
  betweenJudges: number | null;
  /** Krippendorff's alpha (interval) across rounds of one judge. */
  betweenRounds: number | null;
}

export interface Counts {
  responses: number;
  responseErrors: number;
  invalidFormat: number;
  judgments: number;
  judgmentFailures: number;
  parseFailures: number;
  judgeErrors: number;
  emptyAnswers: number;
  comparisons: number;
  comparisonFailures: number;
  selfIdFlags: number;
  /** Judgments and comparisons whose prompt named a model, its outputs file or an output tag (masked or flagged: score.anonymity). */
  anonymityHits: number;
  calls: number;
  promptTokens: number;
  completionTokens: number;
}

export interface Report {
  rolejudgeVersion: string;
  runId: string;
  configHash: string;
  generatedFrom: string;
  judges: string[];
  models: string[];
  metrics: MetricInfo[];
  conventions: {
    rounds: string;
    ensemble: string;
    ties: string;
    combine: string;
    signTest: string;
    bootstrap: string;
    failures: string;
  };
  leaderboard: LeaderboardRow[];
  pairwise: PairwiseRow[];
  pairedDiffs: PairedDiff[];
  positionBias: PositionBias[];
  lengthBias: LengthBias[];
  rankings: Ranking[];
  agreement: Agreement[];
  counts: Counts;
}
