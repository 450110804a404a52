// The cluster-aware figures as table cells, for the HTML and LaTeX writers:
// each mean and paired difference with its i.i.d. interval beside the one
// that resamples whole clusters, the clusters it rests on and the design
// effect; and each pairwise row's cluster-level sign test beside the
// item-level one. One view, so the formats show the same cells as report.md.
import { fmtP, fmtScore, fmtSigned } from '../../../core/format.js';
import type { ClusteredInterval, Report } from '../../../core/report.js';
import { metricAbbr } from './view.js';

export interface ClusteredIntervalView {
  kind: 'mean' | 'diff';
  /** The model, or "candidate − baseline". */
  label: string;
  metric: string;
  estimate: string;
  /** "lo, hi" treating every record as independent. */
  iid: string;
  /** "lo, hi" resampling whole clusters. */
  clustered: string;
  clusters: string;
  designEffect: string;
}

export interface ClusteredSignView {
  candidate: string;
  baseline: string;
  metric: string;
  judge: string;
  pItems: string;
  pHolmItems: string;
  /** "+/−/0" counts of clusters. */
  signs: string;
  pClusters: string;
  pHolmClusters: string;
}

export interface ClusteredView {
  /** What formed the clusters ('session', 'video', 'character'). */
  by: string;
  clusters: number;
  intervals: ClusteredIntervalView[];
  signs: ClusteredSignView[];
}

const ci = (x: [number, number] | null | undefined, missing: string) => (x ? `${fmtScore(x[0])}, ${fmtScore(x[1])}` : missing);
const deff = (x: number | null | undefined, missing: string) => (x === null || x === undefined ? missing : x.toFixed(2));

function cells(iid: [number, number] | null, c: ClusteredInterval | null | undefined, missing: string) {
  return { iid: ci(iid, missing), clustered: ci(c?.ci95, missing), clusters: c ? String(c.clusters) : missing, designEffect: deff(c?.designEffect, missing) };
}

/** Null when the report has no clusters (every sample its own): nothing clustered to show. */
export function clusteredView(report: Report, missing = '–'): ClusteredView | null {
  const cl = report.clustering;
  if (!cl || cl.by === 'none') return null;
  const intervals: ClusteredIntervalView[] = [];
  for (const row of report.leaderboard)
    for (const m of report.metrics) {
      const c = row.scores[m.id];
      if (!c || c.mean === null) continue;
      intervals.push({ kind: 'mean', label: row.model, metric: m.abbr, estimate: fmtScore(c.mean), ...cells(c.ci95, c.clustered, missing) });
    }
  for (const d of report.pairedDiffs)
    intervals.push({
      kind: 'diff',
      label: `${d.candidate} \u2212 ${d.baseline}`,
      metric: metricAbbr(report, d.metric),
      estimate: fmtSigned(d.meanDiff, 2),
      ...cells(d.ci95, d.clustered, missing),
    });
  const signs = report.pairwise.flatMap((r): ClusteredSignView[] => {
    const c = r.clustered;
    if (!c) return [];
    return [
      {
        candidate: r.candidate,
        baseline: r.baseline,
        metric: metricAbbr(report, r.metric),
        judge: r.judge,
        pItems: fmtP(r.p, r.log10p),
        pHolmItems: fmtP(r.pHolm, r.log10pHolm),
        signs: `${c.positive}/${c.negative}/${c.tied}`,
        pClusters: fmtP(c.p, c.log10p),
        pHolmClusters: fmtP(c.pHolm, c.log10pHolm),
      },
    ];
  });
  return { by: cl.by, clusters: cl.clusters, intervals, signs };
}
