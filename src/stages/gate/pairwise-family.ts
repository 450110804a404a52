// The family the gate's pairwise checks are corrected over. The report's Holm
// runs within one judge's rows; the gate tests the candidate–baseline rows of
// every judge, and an ensemble's members each have rows of their own, so with
// J judges a per-judge correction lets the pairwise part false-alarm at up to
// J·α/2. Holm over all the rows the gate tests keeps it within α/2 however
// many judges there are (decide.ts reads the larger of this and the report's).
import type { PairwiseRow, Report } from '../../core/report.js';
import { holmAdjust } from '../../stats/multiple.js';
import type { PValue } from '../../stats/binomial.js';
import { sequentialPairwise } from './sequential.js';

export interface GatePValues {
  /** Holm-adjusted p of each fixed-n row over the gate's family (cluster-level when clustered). */
  adjusted: Map<PairwiseRow, PValue>;
  /** Rows in the family. */
  size: number;
}

/** The raw p the gate reads for a row: the cluster-level test when the report has clusters. */
function rawP(row: PairwiseRow): PValue {
  const cl = row.clustered;
  return cl ? { p: cl.p, log10p: cl.log10p } : { p: row.p, log10p: row.log10p };
}

export function gateFamily(report: Report, rows: readonly PairwiseRow[], candidate: string, baseline: string): GatePValues {
  // Rows of a stopped --until-decided compare are decided by their own anytime-valid family.
  const fixed = rows.filter((r) => !sequentialPairwise(report, candidate, baseline, r.metric, r.judge));
  const adj = holmAdjust(fixed.map(rawP));
  return { adjusted: new Map(fixed.map((r, i) => [r, adj[i] as PValue])), size: fixed.length };
}
