// Outputs made elsewhere enter the run through the same parsing as live ones.
import { loadOutputs } from '../../dataset/outputs.js';

export async function readOutputsMap(file: string, warn: (msg: string) => void = () => {}): Promise<Map<string, string>> {
  const report = await loadOutputs(file);
  for (const d of report.duplicates) warn(`${file}: id ${d.id} appears at lines ${d.lines.join(', ')}; the first is used`);
  return new Map([...report.outputs].map(([id, o]) => [id, o.output]));
}
