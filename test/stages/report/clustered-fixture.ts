// The writer fixture with cluster-aware figures, as the report builds them
// when the split has sessions: every mean and one paired difference carry a
// cluster-bootstrap interval (wider than the i.i.d. one), and each pairwise
// row a cluster-level sign test. Values are hand-picked, not computed.
import type { Report } from '../../../src/core/report.js';

export function withClusters(report: Report, by = 'session', clusters = 29): Report {
  const leaderboard = report.leaderboard.map((row, i) => ({
    ...row,
    scores: Object.fromEntries(
      Object.entries(row.scores).map(([id, c], j) => [
        id,
        c.mean === null || !c.ci95
          ? { ...c, clustered: null }
          : {
              ...c,
              clustered: {
                by,
                clusters: clusters - i,
                ci95: [c.ci95[0] - 0.113 * (j + 1), c.ci95[1] + 0.087] as [number, number],
                designEffect: 1.5 + i / 4 + j / 10,
              },
            },
      ]),
    ),
  }));
  const [a, b] = report.models as [string, string];
  const pairedDiffs: Report['pairedDiffs'] = [
    ...report.pairedDiffs,
    {
      candidate: a,
      baseline: b,
      metric: 'veg',
      n: 118,
      meanDiff: -0.456,
      ci95: [-0.71, -0.2],
      p: 0.0011,
      pWilcoxon: 0.0014,
      sd: 1.4,
      mdd: 0.52,
      clustered: { by, clusters: 27, ci95: [-0.93, 0.04], designEffect: 2.37 },
    },
  ];
  const pairwise = report.pairwise.map((r, i) => ({
    ...r,
    clustered: {
      by,
      clusters: clusters - i,
      positive: 20 - i,
      negative: 6 + i,
      tied: 3 - i,
      p: 0.0094 + i / 10,
      log10p: Math.log10(0.0094 + i / 10),
      pHolm: 0.0188 + i / 10,
      log10pHolm: Math.log10(0.0188 + i / 10),
    },
  }));
  return { ...report, leaderboard, pairedDiffs, pairwise, clustering: { by, clusters } };
}
