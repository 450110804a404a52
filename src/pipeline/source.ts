// The samples a judging stage walks. An array suits tests and small splits; a
// streamed split is surveyed once (ids and the inputs every sample carries)
// and then re-read record by record as the stage goes, so memory does not
// grow with the split: ids are a few bytes a sample, samples are kilobytes.
import type { Sample } from '../core/records.js';
import { availableInputs } from '../judge/rubrics/rubric.js';
import type { Input } from '../judge/rubrics/schema.js';

export interface SampleSource {
  /** The selected samples' ids, in split order. */
  ids: string[];
  /** Inputs that every selected sample carries (what planJudging checks templates against). */
  inputs: Input[];
  /** The samples themselves, in the order of `ids`; may be called more than once. */
  samples(): Iterable<Sample> | AsyncIterable<Sample>;
}

export function isSampleSource(x: Sample[] | SampleSource): x is SampleSource {
  return !Array.isArray(x);
}

export function arraySource(samples: Sample[]): SampleSource {
  return { ids: samples.map((s) => s.id), inputs: availableInputs(samples), samples: () => samples };
}

/** One pass over a re-iterable stream for its ids and common inputs. */
export async function surveySamples(stream: AsyncIterable<Sample>): Promise<SampleSource> {
  const ids: string[] = [];
  let inputs: Input[] | null = null;
  for await (const s of stream) {
    ids.push(s.id);
    const has = availableInputs([s]);
    inputs = inputs === null ? has : inputs.filter((i) => has.includes(i));
  }
  return { ids, inputs: inputs ?? availableInputs([]), samples: () => stream };
}

/** The samples as an array (for the stages that need them all at once). */
export async function allSamples(source: Sample[] | SampleSource): Promise<Sample[]> {
  if (!isSampleSource(source)) return source;
  const out: Sample[] = [];
  for await (const s of source.samples()) out.push(s);
  return out;
}
