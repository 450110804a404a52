// The pointwise jobs of a run: one per (sample, model, metric, judge, round),
// generated lazily so a large run never holds them all at once.
import type { Judge } from '../judge/judge.js';
import type { Rubric } from '../judge/rubric.js';
import type { ResponseRecord, Sample } from '../types.js';
import type { JudgingPlan } from '../judging/setup.js';

export interface PointJob {
  sample: Sample;
  model: string;
  response: ResponseRecord | undefined;
  rubric: Rubric;
  judge: Judge;
  round: number;
}

export function* pointJobs(
  samples: Sample[],
  models: string[],
  plan: JudgingPlan,
  responses: Map<string, Map<string, ResponseRecord>>,
): Generator<PointJob> {
  for (const sample of samples) {
    const bySample = responses.get(sample.id);
    for (const model of models) {
      const response = bySample?.get(model);
      for (const rubric of plan.rubrics) {
        for (const judge of plan.judges) {
          const rounds = plan.rounds.get(judge.name) ?? 1;
          for (let round = 1; round <= rounds; round++) yield { sample, model, response, rubric, judge, round };
        }
      }
    }
  }
}
