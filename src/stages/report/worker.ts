// Worker thread of the report stage (see parallel.ts): folds one byte range
// of a judgment log, or computes one bootstrap interval.
import { parentPort } from 'node:worker_threads';
import { bootstrapMeanCi } from '../../stats/index.js';
import type { ByteRange } from '../../store/jsonl.js';
import type { Judgment } from '../../core/records.js';
import { emptyCollected, foldLines } from './collect.js';
import { readLineBatches } from '../../store/lines.js';
import { toPartial } from './partial.js';

export type WorkerTask =
  | { id: number; kind: 'fold'; file: string; range: ByteRange }
  | { id: number; kind: 'bootstrap'; values: Float64Array; seed: string; resamples: number };

parentPort?.on('message', (task: WorkerTask) => {
  run(task).then(
    (result) => parentPort!.postMessage({ id: task.id, result }),
    (err: unknown) => parentPort!.postMessage({ id: task.id, error: err instanceof Error ? err.message : String(err) }),
  );
});

async function run(task: WorkerTask): Promise<unknown> {
  if (task.kind === 'bootstrap') return bootstrapMeanCi(task.values, { seed: task.seed, resamples: task.resamples });
  const c = emptyCollected({ keepScores: true });
  for await (const batch of readLineBatches<Judgment>(task.file, task.range)) foldLines(c, task.file, batch);
  return toPartial(c);
}
