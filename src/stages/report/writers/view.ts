// Table views shared by the Markdown, LaTeX and HTML writers: which figure
// goes in which cell, already formatted, and which cell is the best of its
// column. Keeping this in one place means the three formats cannot disagree
// about a number or about what is bold.
import { fmtInt, fmtP, fmtPct, fmtScore, fmtShare, fmtSigned, MISSING } from '../../../core/format.js';
import type { PairwiseRow, PositionBias, Report } from '../../../core/report.js';

export interface ScoreViewCell {
  /** Metric id, or 'avg' for the Avg column. */
  metric: string;
  abbr: string;
  text: string;
  best: boolean;
  ci: string | null;
}

export interface ScoreViewRow {
  model: string;
  cells: ScoreViewCell[];
  avg: ScoreViewCell;
  n: number;
}

/** A metric's scale as "1–10" / "0–100" (no padding zeros: it is a range, not a score). */
export function fmtScale(scale: { min: number; max: number }): string {
  const n = (v: number): string => String(Number(v.toFixed(2)));
  return `${n(scale.min)}\u2013${n(scale.max)}`;
}

/** The abbreviation a metric id is shown as (the id itself when unknown). */
export function metricAbbr(report: Report, metric: string): string {
  return report.metrics.find((m) => m.id === metric)?.abbr ?? metric;
}

// "Best" is judged on the printed value, so two models that both show 3.12
// are both bold — the reader sees a tie, the table should too. Every metric
// in both protocols is higher-is-better.
function bestOf(values: (number | null)[]): number | null {
  let best: number | null = null;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    const shown = Number(fmtScore(v));
    if (best === null || shown > best) best = shown;
  }
  return best;
}

function isBest(v: number | null, best: number | null): boolean {
  return v !== null && best !== null && Number.isFinite(v) && Number(fmtScore(v)) === best;
}

export function scoreView(report: Report, missing = MISSING): ScoreViewRow[] {
  const bestByMetric = report.metrics.map((m) => bestOf(report.leaderboard.map((r) => r.scores[m.id]?.mean ?? null)));
  const bestAvg = bestOf(report.leaderboard.map((r) => r.avg));
  return report.leaderboard.map((row) => ({
    model: row.model,
    cells: report.metrics.map((m, i) => {
      const cell = row.scores[m.id];
      const mean = cell?.mean ?? null;
      const ci = cell?.ci95 ?? null;
      return {
        metric: m.id,
        abbr: m.abbr,
        text: fmtScore(mean, missing),
        best: isBest(mean, bestByMetric[i] ?? null),
        ci: ci ? `${fmtScore(ci[0])}, ${fmtScore(ci[1])}` : null,
      };
    }),
    avg: { metric: 'avg', abbr: 'Avg', text: fmtScore(row.avg, missing), best: isBest(row.avg, bestAvg), ci: null },
    n: row.n,
  }));
}

export interface PairwiseView {
  candidate: string;
  baseline: string;
  metric: string;
  judge: string;
  n: number;
  win: string;
  loss: string;
  tie: string;
  /** "51.4/26.8/21.8" */
  wlt: string;
  net: string;
  decisive: string;
  /** "58.1–72.6" or null */
  decisiveCi: string | null;
  p: string;
  pHolm: string;
  failures: number;
}

export function pairwiseView(report: Report, row: PairwiseRow, missing = MISSING): PairwiseView {
  const win = fmtPct(row.winPct, missing);
  const loss = fmtPct(row.lossPct, missing);
  const tie = fmtPct(row.tiePct, missing);
  const ci = row.decisiveCi95;
  return {
    candidate: row.candidate,
    baseline: row.baseline,
    metric: metricAbbr(report, row.metric),
    judge: row.judge,
    n: row.n,
    win,
    loss,
    tie,
    wlt: `${win}/${loss}/${tie}`,
    net: fmtSigned(row.net, 1, missing),
    decisive: fmtShare(row.decisive, missing),
    decisiveCi: ci ? `${fmtShare(ci[0])}\u2013${fmtShare(ci[1])}` : null,
    p: fmtP(row.p, row.log10p, missing),
    pHolm: fmtP(row.pHolm, row.log10pHolm, missing),
    failures: row.failures,
  };
}

export interface PositionBiasView {
  judge: string;
  metric: string;
  pairs: number;
  consistency: string;
  firstPositionWinRate: string;
}

/** Consistency and first-position win rate are fractions; shown in percent. */
export function positionBiasView(report: Report, row: PositionBias, missing = MISSING): PositionBiasView {
  return {
    judge: row.judge,
    metric: metricAbbr(report, row.metric),
    pairs: row.pairs,
    consistency: fmtShare(row.consistency, missing),
    firstPositionWinRate: fmtShare(row.firstPositionWinRate, missing),
  };
}

/** Counts as label/value pairs in a fixed order (tokens are what cost money). */
export function countRows(report: Report): { key: string; label: string; value: number; text: string }[] {
  const c = report.counts;
  const rows: { key: keyof Report['counts']; label: string; value: number }[] = [
    { key: 'responses', label: 'Responses', value: c.responses },
    { key: 'responseErrors', label: 'Response errors', value: c.responseErrors },
    { key: 'invalidFormat', label: 'Invalid format', value: c.invalidFormat },
    { key: 'judgments', label: 'Judgments', value: c.judgments },
    { key: 'judgmentFailures', label: 'Judgment failures', value: c.judgmentFailures },
    { key: 'parseFailures', label: 'Parse failures', value: c.parseFailures },
    { key: 'judgeErrors', label: 'Judge errors', value: c.judgeErrors },
    { key: 'emptyAnswers', label: 'Empty answers', value: c.emptyAnswers },
    { key: 'comparisons', label: 'Comparisons', value: c.comparisons },
    { key: 'comparisonFailures', label: 'Comparison failures', value: c.comparisonFailures },
    { key: 'selfIdFlags', label: 'Self-identification flags', value: c.selfIdFlags },
    { key: 'anonymityHits', label: 'Prompts naming a model (masked or flagged)', value: c.anonymityHits },
    ...(c.mediaDrops ? [{ key: 'mediaDrops' as const, label: 'Samples dropped for missing or undecodable media', value: c.mediaDrops }] : []),
    { key: 'calls', label: 'API calls', value: c.calls },
    { key: 'promptTokens', label: 'Prompt tokens', value: c.promptTokens },
    { key: 'completionTokens', label: 'Completion tokens', value: c.completionTokens },
  ];
  return rows.map((r) => ({ ...r, text: fmtInt(r.value) }));
}

/** Conventions as label/text pairs, in the order the Report declares them. */
export function conventionRows(report: Report): { label: string; text: string }[] {
  const c = report.conventions;
  return [
    { label: 'Rounds', text: c.rounds },
    { label: 'Judge ensemble', text: c.ensemble },
    { label: 'Ties', text: c.ties },
    { label: 'Combining', text: c.combine },
    { label: 'Sign test', text: c.signTest },
    { label: 'Bootstrap', text: c.bootstrap },
    { label: 'Failures', text: c.failures },
  ];
}
