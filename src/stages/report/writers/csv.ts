// CSV writers: the leaderboard and the pairwise table, for spreadsheets and
// scripts. Figures use the report's rounding; an empty cell means "no value",
// which every CSV reader understands, unlike a dash.
import { stringify } from 'csv-stringify/sync';
import { fmtP, fmtPct, fmtScore, fmtShare } from '../../../core/format.js';
import type { Report } from '../../../core/report.js';
import { metricAbbr } from './view.js';

type Cell = string | number;

function toCsv(rows: Cell[][]): string {
  // Header written by hand as the first row: metric abbreviations are not
  // guaranteed unique, and csv-stringify's `columns` are keyed by name.
  return stringify(rows, { record_delimiter: 'unix', eof: true });
}

export function renderLeaderboardCsv(report: Report): string {
  const header: Cell[] = ['model', ...report.metrics.map((m) => m.abbr), 'Avg', 'n'];
  const rows = report.leaderboard.map((row): Cell[] => [
    row.model,
    ...report.metrics.map((m) => fmtScore(row.scores[m.id]?.mean, '')),
    fmtScore(row.avg, ''),
    row.n,
  ]);
  return toCsv([header, ...rows]);
}

export function renderPairwiseCsv(report: Report): string {
  const header: Cell[] = [
    'candidate',
    'baseline',
    'metric',
    'judge',
    'n',
    'win',
    'loss',
    'tie',
    'win_pct',
    'loss_pct',
    'tie_pct',
    'net',
    'decisive',
    'decisive_ci95_low',
    'decisive_ci95_high',
    'p',
    'p_holm',
    'failures',
  ];
  const rows = report.pairwise.map((r): Cell[] => [
    r.candidate,
    r.baseline,
    metricAbbr(report, r.metric),
    r.judge,
    r.n,
    r.win,
    r.loss,
    r.tie,
    fmtPct(r.winPct, ''),
    fmtPct(r.lossPct, ''),
    fmtPct(r.tiePct, ''),
    fmtPct(r.net, ''),
    fmtShare(r.decisive, ''),
    fmtShare(r.decisiveCi95?.[0], ''),
    fmtShare(r.decisiveCi95?.[1], ''),
    fmtP(r.p, r.log10p, ''),
    fmtP(r.pHolm, r.log10pHolm, ''),
    r.failures,
  ]);
  return toCsv([header, ...rows]);
}
