// table.tex: booktabs tables to \input into a paper (needs
// \usepackage{booktabs,tabularx}: texlive-latex-recommended and -base).
// Names are escaped so `qwen2_vl` or `R&D` compile instead of breaking the
// document.
import type { Report } from '../../../core/report.js';
import { pairwiseView, scoreView } from './view.js';
import { clusteredTable, clusteredSignLine } from './latex-clustered.js';

const LATEX_SPECIALS: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '{': '\\{',
  '}': '\\}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  // Not special, but the default OT1 font encoding prints them as ¡ ¿ and |.
  '<': '\\textless{}',
  '>': '\\textgreater{}',
  '|': '\\textbar{}',
};

/** Escape text for LaTeX (one pass, so the replacements are not re-escaped). */
export function escapeLatex(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ').replace(/[\\&%$#_{}~^<>|]/g, (c) => LATEX_SPECIALS[c] ?? c);
}

// A number in text mode: a hyphen is not a minus sign, and "4.96e-10" is
// not how a paper writes a p-value.
export function texNumber(s: string): string {
  const sci = /^(\d\.\d+)e([+-])(\d+)$/.exec(s);
  if (sci) return sci[3] === '0' ? `$${sci[1]}$` : `$${sci[1]}\\times10^{${sci[2] === '-' ? '-' : ''}${sci[3]}}$`;
  if (/^-\d/.test(s)) return `$-$${s.slice(1)}`;
  return s;
}

const bold = (s: string, on: boolean): string => (on ? `\\textbf{${s}}` : s);

// Layout. Both tables are tabularx at \linewidth, so they are exactly as wide as
// the column they sit in — \textwidth in a one-column paper, \columnwidth in a
// two-column one (about 230 pt in `article`). The first column is the X column:
// it takes what the figures leave and wraps a long name instead of pushing the
// table into the margin. Everything else is chosen so the figures alone fit
// 230 pt: score metrics come in panels of a few columns, and a pairwise row
// puts its p-values on a second line.
const COLSEP = '\\setlength{\\tabcolsep}{4pt}';
const NAME_COLUMN = '>{\\raggedright\\arraybackslash}X';

/**
 * A model, judge or run name that may break after - _ . / (common in model
 * ids like Qwen2.5-VL-7B or ebm_rl-ckpt); the leading \hspace{0pt} lets TeX
 * hyphenate even the first word of a cell when no such break point exists.
 */
function breakable(name: string): string {
  return `\\hspace{0pt}${name
    .split(/(?<=[-_./])/)
    .map(escapeLatex)
    .join('\\allowbreak{}')}`;
}

// Printed figures of 5+ characters ("100.00", "32000") are about a third wider
// than "7.46"; a panel holds fewer of them so the name column keeps ~60 pt.
function panelSize(widest: number): number {
  return widest <= 4 ? 5 : 4;
}

/** Split `items` into the fewest panels of at most `size`, as even as possible. */
function panels<T>(items: T[], size: number): T[][] {
  const count = Math.max(1, Math.ceil(items.length / size));
  const out: T[][] = [];
  let from = 0;
  for (let i = 0; i < count; i++) {
    const take = Math.ceil((items.length - from) / (count - i));
    out.push(items.slice(from, from + take));
    from += take;
  }
  return out;
}

const legend = (pairs: [string, string][]): string => pairs.map(([abbr, name]) => `${abbr}: ${name}`).join('; ');

function scoresTable(report: Report): string {
  const view = scoreView(report, '--');
  // One column per metric, then Avg and n, each with its header and per-row cell.
  interface Col {
    head: string;
    cell: (row: (typeof view)[number]) => string;
    widest: number;
  }
  const cols: Col[] = [
    ...report.metrics.map((m, i) => ({
      head: escapeLatex(m.abbr),
      cell: (r: (typeof view)[number]) => bold(texNumber(r.cells[i]!.text), r.cells[i]!.best),
      widest: Math.max(0, ...view.map((r) => r.cells[i]!.text.length)),
    })),
    { head: 'Avg', cell: (r) => bold(texNumber(r.avg.text), r.avg.best), widest: Math.max(0, ...view.map((r) => r.avg.text.length)) },
    { head: '$n$', cell: (r) => String(r.n), widest: Math.max(0, ...view.map((r) => String(r.n).length)) },
  ];
  const groups = panels(cols, panelSize(Math.max(...cols.map((c) => c.widest))));
  const width = Math.max(...groups.map((g) => g.length));
  const pad = (cells: string[]) => [...cells, ...Array<string>(width - cells.length).fill('')];
  const body: string[] = [];
  groups.forEach((group, i) => {
    body.push(i === 0 ? '\\toprule' : '\\midrule');
    body.push(`${['Model', ...pad(group.map((c) => c.head))].join(' & ')} \\\\`);
    body.push('\\midrule');
    for (const r of view) body.push(`${[breakable(r.model), ...pad(group.map((c) => c.cell(r)))].join(' & ')} \\\\`);
  });
  const abbrs = legend(report.metrics.filter((m) => m.abbr !== m.name).map((m) => [escapeLatex(m.abbr), escapeLatex(m.name)]));
  return [
    '\\begin{table}[t]',
    '\\centering',
    COLSEP,
    `\\caption{Scores of run ${escapeLatex(report.runId)} (mean over samples; best per column in bold; $n$: samples).` + `${abbrs ? ` ${abbrs}.` : ''}}`,
    '\\label{tab:rolejudge-scores}',
    `\\begin{tabularx}{\\linewidth}{@{}${NAME_COLUMN}${'r'.repeat(width)}@{}}`,
    ...body,
    '\\bottomrule',
    '\\end{tabularx}',
    '\\end{table}',
  ].join('\n');
}

// A pairwise entry is a heading line per candidate, baseline and judge, then
// two lines per metric: the rates, and under them the sign test's p-values.
function pairwiseTable(report: Report): string {
  const views = report.pairwise.map((row) => pairwiseView(report, row, '--'));
  const body: string[] = [];
  let group = '';
  for (const [i, v] of views.entries()) {
    const key = JSON.stringify([v.candidate, v.baseline, v.judge]);
    if (key !== group) {
      if (group) body.push('\\addlinespace');
      group = key;
      body.push(
        `\\multicolumn{5}{@{}>{\\raggedright\\arraybackslash}p{\\linewidth}@{}}{\\emph{${breakable(v.candidate)}} vs ` +
          `\\emph{${breakable(v.baseline)}}, judge ${breakable(v.judge)}} \\\\`,
      );
    }
    body.push(`${[escapeLatex(v.metric), String(v.n), v.wlt, texNumber(v.net), v.decisive].join(' & ')} \\\\`);
    body.push(`& \\multicolumn{4}{r}{\\footnotesize $p$ = ${texNumber(v.p)}, Holm ${texNumber(v.pHolm)}} \\\\`);
    const signLine = clusteredSignLine(report.pairwise[i]!, texNumber);
    if (signLine) body.push(signLine);
  }
  return [
    '\\begin{table}[t]',
    '\\centering',
    COLSEP,
    '\\caption{Pairwise comparisons. $n$: compared samples; W/L/T: win, loss and tie rates (\\%); ' +
      'Net: win $-$ loss; Dec.: decisive win rate, wins/(wins + losses) (\\%); ' +
      '$p$: exact two-sided sign test (ties excluded), and Holm-adjusted over all rows of the same judge.}',
    '\\label{tab:rolejudge-pairwise}',
    `\\begin{tabularx}{\\linewidth}{@{}${NAME_COLUMN}rrrr@{}}`,
    '\\toprule',
    'Metric & $n$ & W/L/T & Net & Dec. \\\\',
    '\\midrule',
    ...body,
    '\\bottomrule',
    '\\end{tabularx}',
    '\\end{table}',
  ].join('\n');
}

export function renderLatex(report: Report): string {
  const parts = [`% Generated by rolejudge ${escapeLatex(report.rolejudgeVersion)}; needs \\usepackage{booktabs,tabularx}.`, scoresTable(report)];
  if (report.pairwise.length > 0) parts.push(pairwiseTable(report));
  const clustered = clusteredTable(report, { escape: escapeLatex, breakable, texNumber, colsep: COLSEP, nameColumn: NAME_COLUMN });
  if (clustered) parts.push(clustered);
  return `${parts.join('\n\n')}\n`;
}
