// Outputs made elsewhere enter the run through the same parsing as live ones.
import type { Sample } from '../../core/records.js';
import { loadOutputs } from '../../dataset/outputs.js';
import { joinByContent } from '../../dataset/join.js';

/** Output text by sample id; with `byContent`, outputs are matched to these samples by session and dialogue. */
export async function readOutputsMap(file: string, warn: (msg: string) => void = () => {}, byContent?: Sample[]): Promise<Map<string, string>> {
  const report = await loadOutputs(file);
  for (const d of report.duplicates) warn(`${file}: id ${d.id} appears at lines ${d.lines.join(', ')}; the first is used`);
  if (byContent) return new Map([...joinByContent(report.outputs.values(), byContent).bySample].map(([id, o]) => [id, o.output]));
  return new Map([...report.outputs].map(([id, o]) => [id, o.output]));
}
