// Human-label correction of decisive win rates (prediction-powered inference
// on verdicts, see stats/ppi.ts ppiDecisiveWinRate). The judge's per-sample
// verdict of a pair is the sign of its mean credit over rounds and orders, the
// same rule the report's W/L/T counts use, so the judge rate shown beside the
// corrected one is the report's own decisive win rate.
import { ppiDecisiveWinRate, type PpiEstimate } from '../../stats/index.js';
import type { HumanVerdict } from './calibration.js';

export type Verdict = 1 | -1 | 0;

/** One judge's pairwise cell: sample id → its verdict for the candidate. */
export interface JudgePairCell {
  candidate: string;
  baseline: string;
  metric: string;
  judge: string;
  verdicts: ReadonlyMap<string, Verdict>;
}

export interface CalibratedWinRate {
  candidate: string;
  baseline: string;
  metric: string;
  judge: string;
  /** wins / (wins + losses) of the judge over all its comparisons (the report's figure); null with none decisive. */
  judgeDecisive: number | null;
  judgeComparisons: number;
  /** Human verdicts matched to a judge verdict on the same sample. */
  labelled: number;
  /** Human verdicts of this pair and metric with no judge verdict (not used, counted). */
  unmatched: number;
  /** Null with fewer than 2 labelled or 2 unlabelled comparisons, or no decisive verdict at all. */
  ppi: PpiEstimate | null;
}

/** A credit (1 win, ½ tie, 0 loss, averaged over rounds) as a verdict for the candidate. */
export const verdictOfCredit = (meanCredit: number): Verdict => (meanCredit > 0.5 ? 1 : meanCredit < 0.5 ? -1 : 0);

/**
 * One row per judge cell that humans labelled: its decisive win rate over
 * all comparisons, and the PPI estimate (judge verdicts on the unlabelled
 * comparisons, judge and human verdicts on the labelled ones; disjoint). A
 * human row naming the pair the other way round is flipped to the cell's
 * orientation.
 */
export function calibrateWinRates(cells: readonly JudgePairCell[], labels: readonly HumanVerdict[], level = 0.95): CalibratedWinRate[] {
  const out: CalibratedWinRate[] = [];
  const sorted = [...cells].sort((a, b) => key(a).localeCompare(key(b)));
  for (const cell of sorted) {
    const human = new Map<string, Verdict>();
    let unmatched = 0;
    let any = false;
    for (const l of labels) {
      if (l.metric !== cell.metric) continue;
      const same = l.candidate === cell.candidate && l.baseline === cell.baseline;
      const flipped = l.candidate === cell.baseline && l.baseline === cell.candidate;
      if (!same && !flipped) continue;
      any = true;
      if (!cell.verdicts.has(l.sampleId)) unmatched++;
      else human.set(l.sampleId, same ? l.verdict : (-l.verdict as Verdict));
    }
    if (!any) continue;
    const ids = [...cell.verdicts.keys()].sort();
    const judgeOf = (id: string) => cell.verdicts.get(id)!;
    const all = ids.map(judgeOf);
    const wins = all.filter((v) => v === 1).length;
    const losses = all.filter((v) => v === -1).length;
    const labelledIds = ids.filter((id) => human.has(id));
    out.push({
      candidate: cell.candidate,
      baseline: cell.baseline,
      metric: cell.metric,
      judge: cell.judge,
      judgeDecisive: wins + losses ? wins / (wins + losses) : null,
      judgeComparisons: all.length,
      labelled: labelledIds.length,
      unmatched,
      ppi: ppiDecisiveWinRate(
        ids.filter((id) => !human.has(id)).map(judgeOf),
        labelledIds.map(judgeOf),
        labelledIds.map((id) => human.get(id)!),
        level,
      ),
    });
  }
  return out;
}

/** Human verdict rows that match no judged pair and metric of the run (either orientation). */
export function unmatchedPairs(cells: readonly JudgePairCell[], labels: readonly HumanVerdict[]): string[] {
  const known = new Set(cells.flatMap((c) => [`${c.candidate} vs ${c.baseline} (${c.metric})`, `${c.baseline} vs ${c.candidate} (${c.metric})`]));
  return [...new Set(labels.map((l) => `${l.candidate} vs ${l.baseline} (${l.metric})`))].filter((k) => !known.has(k)).sort();
}

const key = (c: JudgePairCell) => [c.candidate, c.baseline, c.metric, c.judge].join('\u0000');
