// report.md: GitHub-flavoured Markdown shaped like the papers' tables, ready
// to paste into a pull-request comment. Model, judge and metric names come
// from configs and datasets, so every cell is escaped: a `|` would split the
// row, a newline would end the table, and `<script>` or `*` would be markup.
import { untilDecidedMarkdown } from './until-decided.js';
import { incompleteMarkdown } from './incomplete.js';
import type { Report } from '../../../core/report.js';
import { conventionRows, fmtScale, countRows, pairwiseView, positionBiasView, scoreView } from './view.js';
import { diagnosticsSections } from './diagnostics-md.js';
import { uncertaintySections } from './uncertainty-md.js';
import { fmtInt } from '../../../core/format.js';
import { calibrationSections } from './calibration-md.js';

/** Escape text for a GFM table cell (or any inline Markdown). */
export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(/\r\n|\r|\n/g, ' ')
      // Only characters that are markup inside a table row; `#`, `+`, `-` and
      // `1.` are markup only at the start of a line, which a cell never is.
      .replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`)
  );
}

function table(header: string[], align: ('l' | 'r')[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const rule = align.map((a) => (a === 'r' ? '---:' : '---'));
  return [line(header), line(rule), ...rows.map(line)].join('\n');
}

const bold = (s: string, on: boolean): string => (on ? `**${s}**` : s);

function scoresSection(report: Report): string {
  const rescaled = report.avgScale === 'rescaled-0-100';
  const header = ['Model', ...report.metrics.map((m) => escapeMarkdown(m.abbr)), rescaled ? 'Avg (0–100)' : 'Avg', 'n'];
  const align: ('l' | 'r')[] = ['l', ...report.metrics.map((): 'r' => 'r'), 'r', 'r'];
  const rows = scoreView(report).map((r) => [escapeMarkdown(r.model), ...r.cells.map((c) => bold(c.text, c.best)), bold(r.avg.text, r.avg.best), String(r.n)]);
  const legend = report.metrics.map((m) => `${escapeMarkdown(m.abbr)} = ${escapeMarkdown(m.name)} (${fmtScale(m.scale)})`).join('; ');
  const avgNote = rescaled ? ' The metrics have different scales, so Avg maps each mean to 0–100 on its own scale before averaging.' : '';
  return `## Scores\n\n${table(header, align, rows)}\n\nBest per column in **bold**. ${legend}.${avgNote}`;
}

function pairwiseSection(report: Report): string {
  if (report.pairwise.length === 0) return '';
  const header = ['Candidate vs Baseline', 'Metric', 'Judge', 'n', 'W/L/T (%)', 'Net', 'Decisive', 'p', 'p (Holm)'];
  const rows = report.pairwise.map((row) => {
    const v = pairwiseView(report, row);
    return [
      `${escapeMarkdown(v.candidate)} vs ${escapeMarkdown(v.baseline)}`,
      escapeMarkdown(v.metric),
      escapeMarkdown(v.judge),
      String(v.n),
      v.wlt,
      v.net,
      v.decisive,
      v.p,
      v.pHolm,
    ];
  });
  return (
    `## Pairwise\n\n${table(header, ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'], rows)}\n\n` +
    'Net = win% − loss%. Decisive = wins / (wins + losses), in %. ' +
    'p: exact two-sided sign test on wins vs losses; p (Holm): Holm-adjusted over all rows of the same judge.'
  );
}

function positionSection(report: Report): string {
  if (report.positionBias.length === 0) return '';
  const rows = report.positionBias.map((row) => {
    const v = positionBiasView(report, row);
    return [escapeMarkdown(v.judge), escapeMarkdown(v.metric), String(v.pairs), v.consistency, v.firstPositionWinRate, tieShare(row.tieShare)];
  });
  const header = ['Judge', 'Metric', 'Pairs', 'Consistency (%)', 'First position wins (%)', 'Ties (%)'];
  return `## Position bias\n\n${table(header, ['l', 'l', 'r', 'r', 'r', 'r'], rows)}\n\nFirst position wins: share of decisive single-order verdicts won by the answer shown first (ties left out; 50% = no bias).`;
}

const tieShare = (x: number | null | undefined) => (x === null || x === undefined ? '–' : (100 * x).toFixed(1));

function countsSection(report: Report): string {
  const rows = countRows(report).map((c) => [c.label, c.text]);
  return `## Counts\n\n${table(['', 'Count'], ['l', 'r'], rows)}${judgeSpendSection(report)}`;
}

/** Per-judge network spend with the provider-cached prompt share (absent in older reports). */
function judgeSpendSection(report: Report): string {
  const rows = report.counts.byJudge ?? [];
  if (!rows.length) return '';
  const body = rows.map((r) => [
    escapeMarkdown(r.judge),
    fmtInt(r.calls),
    fmtInt(r.promptTokens),
    fmtInt(r.cachedPromptTokens),
    r.cachedShare === null ? '–' : (100 * r.cachedShare).toFixed(1),
    fmtInt(Math.round(r.savedPromptTokens)),
  ]);
  const header = ['Judge', 'Calls', 'Prompt tokens', 'Cached prompt tokens', 'Cached (%)', 'Saved (prompt-token equiv.)'];
  const price = report.counts.cachedTokenPrice ?? 0.5;
  return `\n\n${table(header, ['l', 'r', 'r', 'r', 'r', 'r'], body)}\n\nCached prompt tokens are those the provider served from its prefix cache; the saving prices them at ${price} × an uncached token (report.cachedTokenPrice).`;
}

function conventionsSection(report: Report): string {
  const items = conventionRows(report).map((c) => `- **${c.label}:** ${escapeMarkdown(c.text)}`);
  return `## Conventions\n\n${items.join('\n')}`;
}

export function renderMarkdown(report: Report): string {
  const head =
    `# rolejudge report: ${escapeMarkdown(report.runId)}\n\n` +
    `rolejudge ${escapeMarkdown(report.rolejudgeVersion)} · config ${escapeMarkdown(report.configHash)} · ` +
    `judges: ${report.judges.map(escapeMarkdown).join(', ') || '–'} · ` +
    `${report.models.length} models, ${report.metrics.length} metrics`;
  const sections = [
    head,
    incompleteMarkdown(report, escapeMarkdown),
    scoresSection(report),
    pairwiseSection(report),
    positionSection(report),
    ...diagnosticsSections(report, escapeMarkdown, table),
    ...uncertaintySections(report, escapeMarkdown, table),
    ...calibrationSections(report.calibration, escapeMarkdown, table),
    untilDecidedMarkdown(report, escapeMarkdown),
    countsSection(report),
    conventionsSection(report),
  ];
  return `${sections.filter((s) => s !== '').join('\n\n')}\n`;
}
