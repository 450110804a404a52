// report.md's uncertainty section: for each figure whose samples are
// clustered (several records per session, video or character), the i.i.d.
// interval beside the one that resamples whole clusters, the number of
// clusters and the design effect; the cluster-level sign test beside the
// item-level one; and the smallest paired difference the run could detect.
import type { Report } from '../../../core/report.js';
import { fmtP, fmtScore, fmtSigned } from '../../../core/format.js';
import { metricAbbr } from './view.js';

type Esc = (s: string) => string;
type Table = (header: string[], align: ('l' | 'r')[], rows: string[][]) => string;

const ci = (x: [number, number] | null | undefined) => (x ? `${fmtScore(x[0])}, ${fmtScore(x[1])}` : '–');
const deff = (x: number | null | undefined) => (x === null || x === undefined ? '–' : x.toFixed(2));

export function uncertaintySections(report: Report, esc: Esc, table: Table): string[] {
  const out: string[] = [];
  const cl = report.clustering;
  if (cl && cl.by !== 'none') {
    const rows: string[][] = [];
    for (const row of report.leaderboard)
      for (const m of report.metrics) {
        const c = row.scores[m.id];
        if (!c || c.mean === null) continue;
        rows.push([
          esc(row.model),
          esc(m.abbr),
          fmtScore(c.mean),
          ci(c.ci95),
          ci(c.clustered?.ci95),
          String(c.clustered?.clusters ?? '–'),
          deff(c.clustered?.designEffect),
        ]);
      }
    for (const d of report.pairedDiffs)
      rows.push([
        `${esc(d.candidate)} − ${esc(d.baseline)}`,
        esc(metricAbbr(report, d.metric)),
        fmtSigned(d.meanDiff, 2),
        ci(d.ci95),
        ci(d.clustered?.ci95),
        String(d.clustered?.clusters ?? '–'),
        deff(d.clustered?.designEffect),
      ]);
    const parts = [
      `## Clustered intervals\n\n${cl.clusters} ${esc(cl.by)} clusters. Records of one ${esc(cl.by)} share context, so the clustered interval (whole clusters resampled) is the one to trust; the i.i.d. interval treats every record as independent.`,
      table(
        ['Model / pair', 'Metric', 'Mean', '95% CI (i.i.d.)', `95% CI (by ${esc(cl.by)})`, 'Clusters', 'Design effect'],
        ['l', 'l', 'r', 'r', 'r', 'r', 'r'],
        rows,
      ),
    ];
    const signs = report.pairwise.filter((r) => r.clustered);
    if (signs.length)
      parts.push(
        table(
          [
            'Candidate vs Baseline',
            'Metric',
            'Judge',
            'p (items)',
            'p (Holm, items)',
            `+/−/0 ${esc(cl.by)}s`,
            `p (${esc(cl.by)}s)`,
            `p (Holm, ${esc(cl.by)}s)`,
          ],
          ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r'],
          signs.map((r) => {
            const c = r.clustered!;
            return [
              `${esc(r.candidate)} vs ${esc(r.baseline)}`,
              esc(metricAbbr(report, r.metric)),
              esc(r.judge),
              fmtP(r.p, r.log10p),
              fmtP(r.pHolm, r.log10pHolm),
              `${c.positive}/${c.negative}/${c.tied}`,
              fmtP(c.p, c.log10p),
              fmtP(c.pHolm, c.log10pHolm),
            ];
          }),
        ),
        `Cluster sign test: each ${esc(cl.by)} counts once, signed by its net wins (${esc(cl.by)}s at 0 left out); exact two-sided, Holm over the judge's rows.`,
      );
    out.push(parts.join('\n\n'));
  }
  const mdd = report.pairedDiffs.filter((d) => d.mdd !== undefined);
  if (mdd.length) {
    out.push(
      `## Detectable differences\n\n${table(
        ['Pair', 'Metric', 'n', 'sd of differences', 'Minimum detectable difference'],
        ['l', 'l', 'r', 'r', 'r'],
        mdd.map((d) => [
          `${esc(d.candidate)} − ${esc(d.baseline)}`,
          esc(metricAbbr(report, d.metric)),
          String(d.n),
          d.sd == null ? '–' : fmtScore(d.sd),
          d.mdd === null ? 'not estimable' : fmtScore(d.mdd!),
        ]),
      )}\n\nPaired t-test, two-sided α 0.05, power 80%, Student t quantiles: (t₀.₉₇₅,ₙ₋₁ + t₀.₈,ₙ₋₁) · sd / √n. Not estimable when the sd is 0 or n < 2.`,
    );
  }
  return out;
}
