// The units of judging: one response on one metric by one judge in one round
// (pointwise), or one candidate against one baseline (pairwise). Stages build
// them; the judge package judges them.
import type { ResponseRecord, Sample } from '../core/records.js';
import type { Judge } from './judges.js';
import type { Rubric } from './rubrics/rubric.js';

export interface PointJob {
  sample: Sample;
  model: string;
  response: ResponseRecord | undefined;
  rubric: Rubric;
  judge: Judge;
  round: number;
}

export interface PairJob {
  sample: Sample;
  candidate: string;
  baseline: string;
  rubric: Rubric;
  judge: Judge;
  round: number;
}
