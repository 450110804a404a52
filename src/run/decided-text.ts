// The log line of an --until-decided stage: both figures the brief asks for —
// the prefix at which the test decided, and the samples really judged (the
// prefix plus those in flight when launching stopped).
import type { UntilDecidedStage } from '../core/report.js';

export function describeDecided(stage: 'compare' | 'score', r: UntilDecidedStage, tests: string[]): string {
  const head = r.stoppedEarly
    ? `${stage} --until-decided: decided after the first ${r.stoppingPrefix} samples of the seeded order; ${r.samplesJudged} of ${r.samplesInSplit} judged ` +
      // An upper bound: samples not judged × calls a sample makes; an empty answer or a
      // request identical to another's would have cost nothing. `run --dry-run` counts exactly.
      `(the rest of those were in flight), up to ${r.callsSaved} judge calls saved (α ${r.alpha})`
    : r.stoppingPrefix !== null
      ? `${stage} --until-decided: decided after ${r.stoppingPrefix} samples, but every sample was already judged or in flight (${r.samplesJudged})`
      : `${stage} --until-decided: the split was exhausted (${r.samplesJudged} samples) before every test was decided`;
  return `${head}\n  ${tests.join('\n  ')}`;
}
