// The diagnostic tables of report.md: paired score differences, length
// effects, agreement and rankings — the figures a reader checks before
// trusting a headline number.
import type { Report } from '../../../core/report.js';
import { fmtFixed, fmtP, fmtScore, fmtShare, fmtSigned } from '../../../core/format.js';
import { metricAbbr } from './view.js';

type Esc = (s: string) => string;
type Table = (header: string[], align: ('l' | 'r')[], rows: string[][]) => string;

export function diagnosticsSections(report: Report, esc: Esc, table: Table): string[] {
  const out: string[] = [];
  if (report.pairedDiffs.length) {
    const rows = report.pairedDiffs.map((d) => [
      `${esc(d.candidate)} − ${esc(d.baseline)}`,
      esc(metricAbbr(report, d.metric)),
      String(d.n),
      fmtSigned(d.meanDiff, 2),
      `${fmtScore(d.ci95[0])}, ${fmtScore(d.ci95[1])}`,
      fmtP(d.p, Math.log10(d.p)),
      d.pWilcoxon === null ? '–' : fmtP(d.pWilcoxon, Math.log10(d.pWilcoxon)),
    ]);
    out.push(
      `## Paired score differences\n\n${table(['Pair', 'Metric', 'n', 'Mean diff', '95% CI (paired bootstrap)', 'p (t)', 'p (Wilcoxon)'], ['l', 'l', 'r', 'r', 'r', 'r', 'r'], rows)}`,
    );
  }
  const lc = report.pairwise.filter((r) => r.lengthControlled);
  const lb = report.lengthBias.filter((r) => r.r !== null);
  if (lc.length || lb.length) {
    const parts = ['## Length effects'];
    if (lb.length) {
      parts.push(
        table(
          ['Model', 'Metric', 'n', 'r (length, score)'],
          ['l', 'l', 'r', 'r'],
          lb.map((r) => [esc(r.model), esc(metricAbbr(report, r.metric)), String(r.n), fmtFixed(r.r, 3)]),
        ),
      );
    }
    if (lc.length) {
      parts.push(
        table(
          ['Candidate vs Baseline', 'Metric', 'Judge', 'Decisive', 'Length-controlled', 'Length coef.'],
          ['l', 'l', 'l', 'r', 'r', 'r'],
          lc.map((r) => [
            `${esc(r.candidate)} vs ${esc(r.baseline)}`,
            esc(metricAbbr(report, r.metric)),
            esc(r.judge),
            fmtShare(r.decisive),
            fmtShare(r.lengthControlled!.winRate),
            fmtFixed(r.lengthControlled!.lengthCoef, 3),
          ]),
        ),
      );
      parts.push('Length-controlled: predicted decisive win rate at equal answer length (logistic regression on the length difference, in sd units).');
    }
    out.push(parts.join('\n\n'));
  }
  const ag = report.agreement.filter((a) => a.betweenJudges !== null || a.betweenRounds !== null);
  if (ag.length) {
    out.push(
      `## Judge agreement\n\n${table(
        ['Metric', 'α between judges', 'α between rounds'],
        ['l', 'r', 'r'],
        ag.map((a) => [esc(metricAbbr(report, a.metric)), fmtFixed(a.betweenJudges, 3), fmtFixed(a.betweenRounds, 3)]),
      )}\n\nKrippendorff's alpha (interval).`,
    );
  }
  for (const r of report.rankings) {
    out.push(
      `## Ranking: ${esc(metricAbbr(report, r.metric))} (Bradley–Terry)\n\n${table(
        ['Model', 'Strength', '95% CI'],
        ['l', 'r', 'r'],
        r.systems.map((s) => [esc(s.model), fmtFixed(s.strength, 3), `${fmtFixed(s.ci95[0], 3)}, ${fmtFixed(s.ci95[1], 3)}`]),
      )}`,
    );
  }
  return out;
}
