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
  /** The same mean with clusters as the independent unit; absent when the report has no clusters. */
  clustered?: ClusteredInterval | null;
}

/** An interval that resamples whole clusters (sessions, videos, characters). */
export interface ClusteredInterval {
  /** What formed the clusters: 'session', 'video' or 'character'. */
  by: string;
  clusters: number;
  /** Cluster bootstrap percentile interval (95%). */
  ci95: [number, number];
  /** Cluster-robust variance over the i.i.d. variance of the mean; null when all values are equal. */
  designEffect: number | null;
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
  /** Sign test with clusters as the unit (each cluster's net wins give it a sign), Holm over the judge's rows. */
  clustered?: {
    by: string;
    clusters: number;
    positive: number;
    negative: number;
    tied: number;
    p: number;
    log10p: number;
    pHolm: number;
    log10pHolm: number;
  } | null;
}

export interface PositionBias {
  judge: string;
  metric: string;
  /** Pairs judged in both orders. */
  pairs: number;
  /** Share (0–1) of pairs whose verdict survives the swap. */
  consistency: number | null;
  /** Share (0–1) of decisive single-order verdicts won by the answer shown as A (ties excluded; 0.5 = neutral). */
  firstPositionWinRate: number | null;
  /** Share (0–1) of single-order verdicts that were ties. */
  tieShare?: number | null;
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
  /** Sample sd of the per-sample differences; null when n < 2. */
  sd?: number | null;
  /** Minimum detectable difference (t-based, α 0.05, power 0.8); null = not estimable (sd 0 or n < 2). */
  mdd?: number | null;
  /** Cluster bootstrap interval of the difference; absent when the report has no clusters. */
  clustered?: ClusteredInterval | null;
}

export interface Ranking {
  metric: string;
  systems: { model: string; strength: number; ci95: [number, number] }[];
  /** 'davidson' (ties modelled, Wald intervals) when there were ties, else 'bradley-terry' (bootstrap intervals). */
  model?: 'davidson' | 'bradley-terry';
  /** Davidson's tie parameter ν (P(tie) between equals = ν/(2+ν)). */
  tieParameter?: number;
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
  /** Samples dropped because their clip or frames were missing or could not be decoded (runs/<id>/drops.jsonl). */
  mediaDrops?: number;
  /** HTTP requests really sent (retries and re-asks included), each counted once. */
  calls: number;
  promptTokens: number;
  completionTokens: number;
  /** Replies replayed from the response cache: nothing sent, counted apart. */
  callsFromCache: number;
  promptTokensFromCache: number;
  completionTokensFromCache: number;
  /** Judgments without a value because their response was missing or failed. */
  missingResponses: number;
  /** Judgments whose replies could not be trusted (cut off, filtered, refused). */
  truncatedReplies: number;
  filteredReplies: number;
  refusedReplies: number;
  /** Of promptTokens, those the providers served from their prefix cache (usage.prompt_tokens_details.cached_tokens). */
  cachedPromptTokens?: number;
  /** Of calls, those whose question was cut off by a stop and so has no record (runs/<id>/unrecorded-spend.jsonl). */
  unrecordedCalls?: number;
  /** Price of a cached prompt token relative to an uncached one, used for savedPromptTokens (report.cachedTokenPrice). */
  cachedTokenPrice?: number;
  /** Per judge: network calls, prompt tokens, the provider-cached part, its share and the implied saving. */
  byJudge?: JudgeSpendRow[];
}

/** One judge's network spend (see stages/report/judge-spend.ts for the saving convention). */
export interface JudgeSpendRow {
  judge: string;
  calls: number;
  promptTokens: number;
  cachedPromptTokens: number;
  /** cachedPromptTokens / promptTokens; null when no prompt token was sent. */
  cachedShare: number | null;
  /** cachedPromptTokens × (1 − cachedTokenPrice), in prompt-token equivalents. */
  savedPromptTokens: number;
}

/** Output format per model: the kind's own check and EBM-RL's strict format_pass. */
export interface FormatRow {
  model: string;
  kind: string;
  /** Responses with an output (errors excluded). */
  responses: number;
  /** Valid for the model's kind (plain, answer-tag, cot, ebm). */
  valid: number;
  /** EBM-RL's format_pass: a closed <answer>…</answer> is present. */
  formatPass: number;
  /** Flag → how many responses carry it (missing-think, unclosed-answer…). */
  flags: Record<string, number>;
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
  /** Per-model output format (absent in reports of older versions). */
  formats?: FormatRow[];
  /** How samples were clustered for the clustered figures ('none': no clustered figures). */
  clustering?: { by: string; clusters: number };
  /** 'rubric': Avg is the plain mean (all metrics share one scale); 'rescaled-0-100': each mean mapped to 0–100 first. */
  avgScale?: 'rubric' | 'rescaled-0-100';
  /** Judge figures corrected by human labels (written by `rolejudge calibrate`; absent otherwise). */
  calibration?: ReportCalibration;
  /** Present when judging ran with --until-decided (runs/<id>/until-decided.json). */
  untilDecided?: UntilDecidedSection;
  /** Present when a stage (of a shard) stopped at its budget: the figures cover part of the run (runs/<id>/status.json). */
  incomplete?: { budgetStops: BudgetStop[] };
}

/** A stage that stopped at the budget (--max-calls/--max-tokens, exit 5) and what it left undone. */
export interface BudgetStop {
  stage: 'generate' | 'score' | 'compare';
  /** Records the stage had to make in all, and those still missing; null: the stage never started (an earlier stage of `run` stopped). */
  planned: number | null;
  notDone: number | null;
  /** 'responses', 'judgments' or 'comparisons'. */
  unit: string;
  /** The shard it happened in (a merged run: `k/n`, or the shard's directory when it had no --shard). */
  shard?: string;
}

/** A prediction-powered estimate: judge figure plus the human − judge correction, with its normal interval. */
export interface CalibratedFigure {
  estimate: number;
  se: number;
  ci95: [number, number];
  /** estimate − the judge's figure on the unlabelled samples. */
  correction: number | null;
  /** The humans' own figure on the labelled samples (null: none estimable). */
  humanOnly: number | null;
}

export interface ReportCalibration {
  /** The human label file. */
  labels: string;
  /** Hashes of the judges and rubric templates behind the calibrated judgments and comparisons. */
  judgeHashes: string[];
  rubricHashes: string[];
  /** Pins that differ from those hashes, unmatched labels: said in every format. */
  warnings: string[];
  means: {
    model: string;
    metric: string;
    judgeMean: number | null;
    judgeSamples: number;
    labelled: number;
    unmatched: number;
    /** Null: fewer than 2 labelled or 2 unlabelled samples. */
    corrected: CalibratedFigure | null;
  }[];
  winRates: {
    candidate: string;
    baseline: string;
    metric: string;
    judge: string;
    /** The judge's decisive win rate (0–1) over all its comparisons, as in `pairwise`. */
    judgeDecisive: number | null;
    judgeComparisons: number;
    labelled: number;
    unmatched: number;
    corrected: CalibratedFigure | null;
  }[];
}

/** How one stage's --until-decided judging went. */
export interface UntilDecidedStage {
  stoppedEarly: boolean;
  /** Samples with records (the decided prefix, plus samples in flight when it stopped). */
  samplesJudged: number;
  samplesInSplit: number;
  /** Length of the seeded-order prefix at which every needed test was decided; null if never. */
  stoppingPrefix: number | null;
  /** Judge calls one sample costs (pairs × metrics × judges × rounds × orders). */
  callsPerSample: number;
  /** (samplesInSplit − samplesJudged) × callsPerSample. */
  callsSaved: number;
  /** Family-wise level the stopping rule was run at. */
  alpha: number;
  seed: number;
}

export interface UntilDecidedComparison {
  candidate: string;
  baseline: string;
  metric: string;
  judge: string;
  wins: number;
  losses: number;
  ties: number;
  /** Running-maximum mixture e-value at the end. */
  eValue: number;
  /** min(1, 1/eValue): valid at any stopping time. */
  pAnytime: number;
  /** Holm over the family of needed comparisons. */
  pAnytimeHolm: number;
  /** Prefix length at which this comparison was decided; null if never. */
  decidedAfter: number | null;
  winner: 'candidate' | 'baseline' | null;
}

export interface UntilDecidedScorePair {
  candidate: string;
  baseline: string;
  metric: string;
  judge: string;
  /** Samples with a score for both in the prefix. */
  n: number;
  /** Plain mean of those paired differences (score units); null with none. */
  mean: number | null;
  /** The confidence sequence of the mean paired difference, in the rubric's score units, at the end. */
  lower: number;
  upper: number;
  /** Each pair's miscoverage: the family α split by Bonferroni. */
  alpha: number;
  margin: number;
  decidedAfter: number | null;
  decision: 'regression' | 'no-regression' | null;
}

export interface UntilDecidedSection {
  compare?: UntilDecidedStage & { comparisons: UntilDecidedComparison[] };
  score?: UntilDecidedStage & { pairs: UntilDecidedScorePair[] };
  /** Set when a stage stopped early: the fixed-n figures elsewhere are not valid under optional stopping. */
  note?: string;
}

/** The report's layout, final before its bootstrap intervals are: what the explorer reads, built while the intervals are computed. */
export type ReportLayout = Pick<Report, 'models' | 'metrics' | 'judges'>;
