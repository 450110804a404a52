// table.tex's cluster-aware figures: a table of each mean and paired
// difference with its unclustered (i.i.d.) interval beside the clustered one
// (whole clusters resampled), the clusters behind it and the design effect;
// and, under each pairwise row, the sign test with clusters as the unit.
// Laid out like the pairwise table (a heading line per model or pair, then one
// line per metric) so it fits a 230 pt column.
import { fmtP } from '../../../core/format.js';
import type { PairwiseRow, Report } from '../../../core/report.js';
import { clusteredView } from './clustered-view.js';

export interface LatexKit {
  escape: (s: string) => string;
  breakable: (name: string) => string;
  texNumber: (s: string) => string;
  colsep: string;
  nameColumn: string;
}

/** "lo, hi" with each bound typeset as a number. */
const texInterval = (s: string, tex: (x: string) => string) => (s.includes(', ') ? s.split(', ').map(tex).join(', ') : s);

/** The table, or null when the report has no clusters. */
export function clusteredTable(report: Report, k: LatexKit): string | null {
  const view = clusteredView(report, '--');
  if (!view || view.intervals.length === 0) return null;
  const by = k.escape(view.by);
  const body: string[] = [];
  let group = '';
  for (const r of view.intervals) {
    if (r.label !== group) {
      if (group) body.push('\\addlinespace');
      group = r.label;
      const name = r.kind === 'diff' ? r.label.split(' \u2212 ').map(k.breakable).join(' $-$ ') : k.breakable(r.label);
      body.push(`\\multicolumn{4}{@{}>{\\raggedright\\arraybackslash}p{\\linewidth}@{}}{\\emph{${name}}} \\\\`);
    }
    // Two lines per metric (as in the pairwise table): the intervals, then what the clustered one rests on.
    body.push(`${[k.escape(r.metric), k.texNumber(r.estimate), texInterval(r.iid, k.texNumber), texInterval(r.clustered, k.texNumber)].join(' & ')} \\\\`);
    body.push(`& \\multicolumn{3}{r}{\\footnotesize $k$ = ${r.clusters} ${by}s, Deff ${r.designEffect}} \\\\`);
  }
  return [
    '\\begin{table}[t]',
    '\\centering',
    k.colsep,
    `\\caption{Clustered and unclustered 95\\% intervals: ${view.clusters} ${by} clusters. ` +
      `Est.: mean, or paired difference (candidate $-$ baseline); i.i.d.: unclustered interval (every record independent); ` +
      `by ${by}: cluster bootstrap (whole ${by}s resampled); $k$: ${by}s; Deff: design effect. ` +
      `Under each pairwise row, the sign test with ${by}s as the unit (+/$-$/0: ${by}s won, lost, even).}`,
    '\\label{tab:rolejudge-clustered}',
    '\\footnotesize',
    `\\begin{tabularx}{\\linewidth}{@{}${k.nameColumn}rrr@{}}`,
    '\\toprule',
    `Metric & Est. & i.i.d. & by ${by} \\\\`,
    '\\midrule',
    ...body,
    '\\bottomrule',
    '\\end{tabularx}',
    '\\end{table}',
  ].join('\n');
}

/** The pairwise table's line for a row's cluster sign test, across all five columns (it is wider than the four figures); null without one. */
export function clusteredSignLine(row: PairwiseRow, texNumber: (s: string) => string): string | null {
  const c = row.clustered;
  if (!c) return null;
  return (
    `\\multicolumn{5}{@{}r@{}}{\\footnotesize by ${c.by.replace(/[^A-Za-z0-9 -]/g, '')} (${c.positive}/${c.negative}/${c.tied}): ` +
    `$p$ = ${texNumber(fmtP(c.p, c.log10p))}, Holm ${texNumber(fmtP(c.pHolm, c.log10pHolm))}} \\\\`
  );
}
