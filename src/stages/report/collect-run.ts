// The report's one pass over a run directory: responses, then each judgment
// log (from its columnar index where it verifies, see indexed.ts), then the
// comparisons — each record read once.
import type { RunStore } from '../../store/run.js';
import { collectComparisons, collectResponses, emptyCollected, type Collected } from './collect.js';
import { foldLog } from './indexed.js';

export async function collect(store: RunStore): Promise<Collected> {
  const c = emptyCollected();
  await collectResponses(store, c);
  // A log holds one record per key; a key seen twice means a damaged or
  // hand-merged run, and counting it twice would bias every figure.
  // Each log from its columnar index as far as it verifies, the rest from its JSON (indexed.ts).
  for (const file of store.listFiles(store.judgmentsDir)) await foldLog(c, file);
  await collectComparisons(store, c);
  return c;
}
