// What the report says about an --until-decided run: whether and where it
// stopped, the calls saved, and the anytime-valid figures. The fixed-n
// p-values and t intervals elsewhere in the report are computed on the
// stopped sample as if its size had been fixed in advance; under optional
// stopping they are not valid, and this text says so (the gate uses the
// anytime-valid figures below instead).
import type { Report, UntilDecidedStage } from '../../../core/report.js';

export const OPTIONAL_STOPPING_NOTE =
  'the fixed-n p-values and intervals in this report are not valid under optional stopping; use the anytime-valid figures (the gate does)';

function stageText(stage: string, r: UntilDecidedStage): string {
  const stop = r.stoppedEarly
    ? `stopped early: decided after the first ${r.stoppingPrefix} samples of the seeded order (seed ${r.seed}); ${r.samplesJudged} of ${r.samplesInSplit} samples judged (those past ${r.stoppingPrefix} were in flight), up to ${r.callsSaved} judge calls saved`
    : r.stoppingPrefix !== null
      ? `decided after ${r.stoppingPrefix} samples, with all ${r.samplesJudged} already judged or in flight`
      : `not decided: all ${r.samplesJudged} samples of the split judged`;
  return `${stage} — ${stop} (α ${r.alpha})`;
}

/** One line per stage run until decided, then one per test; empty when none was. */
export function untilDecidedLines(report: Report): string[] {
  const u = report.untilDecided;
  if (!u) return [];
  const lines: string[] = [];
  if (u.score) {
    lines.push(stageText('score', u.score));
    for (const p of u.score.pairs)
      lines.push(
        `${p.candidate} − ${p.baseline}, ${p.metric} (${p.judge}): anytime ${(100 * (1 - p.alpha)).toFixed(1)}% interval [${p.lower.toFixed(2)}, ${p.upper.toFixed(2)}] over ${p.n} samples, margin ${p.margin}: ${p.decision ?? 'undecided'}`,
      );
  }
  if (u.compare) {
    lines.push(stageText('compare', u.compare));
    for (const c of u.compare.comparisons)
      lines.push(
        `${c.candidate} vs ${c.baseline}, ${c.metric} (${c.judge}): ${c.wins}/${c.losses}/${c.ties} W/L/T, e-value ${c.eValue.toPrecision(3)}, anytime p ${c.pAnytime.toPrecision(3)} (Holm ${c.pAnytimeHolm.toPrecision(3)}): ${c.winner ? `${c.winner} better` : 'undecided'}`,
      );
  }
  if (u.score?.stoppedEarly || u.compare?.stoppedEarly) lines.push(`Note: ${OPTIONAL_STOPPING_NOTE}.`);
  return lines;
}

/** The markdown paragraph. */
export function untilDecidedMarkdown(report: Report, esc: (s: string) => string): string {
  const lines = untilDecidedLines(report);
  return lines.length ? `## Judged until decided\n\n${lines.map((l) => `- ${esc(l)}`).join('\n')}` : '';
}
