// The pointwise jobs of a run: one per (sample, model, metric, judge, round),
// generated lazily so a large run never holds them all at once.
import type { PointJob } from '../../judge/jobs.js';
import type { ResponseRecord, Sample } from '../../core/records.js';
import type { JudgingPlan } from '../../pipeline/plan.js';

export type { PointJob };

export function* pointJobs(samples: Sample[], models: string[], plan: JudgingPlan, responses: Map<string, Map<string, ResponseRecord>>): Generator<PointJob> {
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

/** Identity of one pointwise job, enough to tell whether it is already recorded. */
export interface JobId {
  sampleId: string;
  model: string;
  metric: string;
  judge: string;
  round: number;
}

/** Every job's identity from sample ids alone: counting needs no sample or response. */
export function* pointJobIds(ids: Iterable<string>, models: string[], plan: JudgingPlan): Generator<JobId> {
  for (const sampleId of ids) {
    for (const model of models) {
      for (const rubric of plan.rubrics) {
        for (const judge of plan.judges) {
          const rounds = plan.rounds.get(judge.name) ?? 1;
          for (let round = 1; round <= rounds; round++) yield { sampleId, model, metric: rubric.id, judge: judge.name, round };
        }
      }
    }
  }
}

/**
 * The wanted jobs of a streamed split, in the same order as pointJobs. A
 * response is read only when its sample is reached and some job on it is
 * still wanted, and dropped once its jobs are handed out.
 */
export async function* streamPointJobs(
  samples: Iterable<Sample> | AsyncIterable<Sample>,
  models: string[],
  plan: JudgingPlan,
  responses: { get(sampleId: string, model: string): Promise<ResponseRecord | undefined> },
  wanted: (j: JobId) => boolean,
): AsyncGenerator<PointJob> {
  for await (const sample of samples) {
    for (const model of models) {
      let response: ResponseRecord | undefined;
      let read = false;
      for (const rubric of plan.rubrics) {
        for (const judge of plan.judges) {
          const rounds = plan.rounds.get(judge.name) ?? 1;
          for (let round = 1; round <= rounds; round++) {
            if (!wanted({ sampleId: sample.id, model, metric: rubric.id, judge: judge.name, round })) continue;
            if (!read) {
              response = await responses.get(sample.id, model);
              read = true;
            }
            yield { sample, model, response, rubric, judge, round };
          }
        }
      }
    }
  }
}
