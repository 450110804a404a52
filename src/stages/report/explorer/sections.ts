// The report.md sections beyond scores and pairwise — paired differences,
// length effects, judge agreement, Bradley–Terry rankings — as plain tables
// for the HTML template, formatted exactly as report.md formats them
// (diagnostics-md.ts), so the two files cannot show different figures.
import { fmtFixed, fmtP, fmtScore, fmtShare, fmtSigned } from '../../../core/format.js';
import type { Report } from '../../../core/report.js';
import { metricAbbr } from '../writers/view.js';

export interface HtmlTable {
  id: string;
  title: string;
  /** First `left` columns are left-aligned text. */
  header: { text: string; l: boolean }[];
  rows: { cells: { text: string; l: boolean }[] }[];
  note: string;
}

function table(id: string, title: string, header: string[], left: number, rows: string[][], note = ''): HtmlTable {
  const cell = (text: string, i: number) => ({ text, l: i < left });
  return { id, title, header: header.map(cell), rows: rows.map((r) => ({ cells: r.map(cell) })), note };
}

export function diagnosticTables(report: Report): HtmlTable[] {
  const out: HtmlTable[] = [];
  const abbr = (m: string) => metricAbbr(report, m);
  if (report.pairedDiffs.length) {
    out.push(
      table(
        'paired-diffs',
        'Paired score differences',
        ['Pair', 'Metric', 'n', 'Mean diff', '95% CI (paired bootstrap)', 'p (t)', 'p (Wilcoxon)'],
        2,
        report.pairedDiffs.map((d) => [
          `${d.candidate} \u2212 ${d.baseline}`,
          abbr(d.metric),
          String(d.n),
          fmtSigned(d.meanDiff, 2),
          `${fmtScore(d.ci95[0])}, ${fmtScore(d.ci95[1])}`,
          fmtP(d.p, Math.log10(d.p)),
          d.pWilcoxon === null ? '\u2013' : fmtP(d.pWilcoxon, Math.log10(d.pWilcoxon)),
        ]),
        'Per-sample score differences between two models on the samples both were scored on.',
      ),
    );
  }
  const lb = report.lengthBias.filter((r) => r.r !== null);
  if (lb.length) {
    out.push(
      table(
        'length-bias',
        'Length effects: answer length and score',
        ['Model', 'Metric', 'n', 'r (length, score)'],
        2,
        lb.map((r) => [r.model, abbr(r.metric), String(r.n), fmtFixed(r.r, 3)]),
        'Pearson correlation between answer length in characters and score.',
      ),
    );
  }
  const lc = report.pairwise.filter((r) => r.lengthControlled);
  if (lc.length) {
    out.push(
      table(
        'length-controlled',
        'Length effects: length-controlled win rates',
        ['Candidate vs Baseline', 'Metric', 'Judge', 'Decisive', 'Length-controlled', 'Length coef.'],
        3,
        lc.map((r) => [
          `${r.candidate} vs ${r.baseline}`,
          abbr(r.metric),
          r.judge,
          fmtShare(r.decisive),
          fmtShare(r.lengthControlled!.winRate),
          fmtFixed(r.lengthControlled!.lengthCoef, 3),
        ]),
        'Length-controlled: predicted decisive win rate at equal answer length (logistic regression on the length difference, in sd units).',
      ),
    );
  }
  const ag = report.agreement.filter((a) => a.betweenJudges !== null || a.betweenRounds !== null);
  if (ag.length) {
    out.push(
      table(
        'agreement',
        'Judge agreement',
        ['Metric', '\u03b1 between judges', '\u03b1 between rounds'],
        1,
        ag.map((a) => [abbr(a.metric), fmtFixed(a.betweenJudges, 3), fmtFixed(a.betweenRounds, 3)]),
        "Krippendorff's alpha (interval).",
      ),
    );
  }
  for (const r of report.rankings) {
    out.push(
      table(
        `ranking-${r.metric}`,
        `Ranking: ${abbr(r.metric)} (Bradley\u2013Terry)`,
        ['Model', 'Strength', '95% CI'],
        1,
        r.systems.map((s) => [s.model, fmtFixed(s.strength, 3), `${fmtFixed(s.ci95[0], 3)}, ${fmtFixed(s.ci95[1], 3)}`]),
      ),
    );
  }
  return out;
}
