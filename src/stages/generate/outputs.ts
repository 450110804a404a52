// Outputs made elsewhere enter the run through the same parsing as live ones.
import type { ModelConfig } from '../../config/schema.js';
import type { Sample } from '../../core/records.js';
import type { SampleSource } from '../../pipeline/source.js';
import { loadOutputs } from '../../dataset/outputs.js';
import { joinByContent } from '../../dataset/join.js';

/** Output text by sample id; with `byContent`, outputs are matched to these samples by session and dialogue. */
export async function readOutputsMap(file: string, warn: (msg: string) => void = () => {}, byContent?: Sample[]): Promise<Map<string, string>> {
  const report = await loadOutputs(file);
  for (const d of report.duplicates) warn(`${file}: id ${d.id} appears at lines ${d.lines.join(', ')}; the first is used`);
  if (byContent) return new Map([...joinByContent(report.outputs.values(), byContent).bySample].map(([id, o]) => [id, o.output]));
  return new Map([...report.outputs].map(([id, o]) => [id, o.output]));
}

/**
 * A model's outputs file by sample id, joined as models[].join says: generate
 * and the dry run's planned responses both read it here, so the dry run counts
 * the answers the real run will judge. A content join matches outputs to
 * samples by session and dialogue, so it needs the samples, not just ids.
 */
export async function modelOutputs(model: ModelConfig, split: SampleSource, ids: string[]): Promise<Map<string, string>> {
  let samples: Sample[] | undefined;
  if (model.join === 'content') {
    samples = [];
    const want = new Set(ids);
    for await (const x of split.samples()) if (want.has(x.id)) samples.push(x);
  }
  return readOutputsMap(model.outputs!, undefined, samples);
}
