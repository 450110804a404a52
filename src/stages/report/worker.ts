// Worker thread of the report stage (see parallel.ts): folds one byte range
// of a judgment log, hashes an index segment's bytes, or computes one
// bootstrap interval.
import { parentPort } from 'node:worker_threads';
import { bootstrapMeanCi } from '../../stats/index.js';
import type { ByteRange } from '../../store/jsonl.js';
import { emptyCollected } from './collect.js';
import { foldJson } from './indexed.js';
import { hashRange } from '../../store/judgment-index/segment.js';
import { toPartial } from './partial.js';

export type WorkerTask =
  | { id: number; kind: 'fold'; file: string; range: ByteRange }
  | { id: number; kind: 'bootstrap'; values: Float64Array; seed: string; resamples: number }
  | { id: number; kind: 'hash'; file: string; start: number; end: number };

parentPort?.on('message', (task: WorkerTask) => {
  run(task).then(
    (result) => parentPort!.postMessage({ id: task.id, result }),
    (err: unknown) => parentPort!.postMessage({ id: task.id, error: err instanceof Error ? err.message : String(err) }),
  );
});

async function run(task: WorkerTask): Promise<unknown> {
  if (task.kind === 'bootstrap') return bootstrapMeanCi(task.values, { seed: task.seed, resamples: task.resamples });
  // An index segment's bytes, checked while the main thread folds its rows.
  if (task.kind === 'hash') return hashRange(task.file, task.start, task.end);
  const c = emptyCollected({ keepScores: true });
  // The range is indexed as it is folded: the next report folds it from columns.
  await foldJson(c, task.file, task.range);
  return toPartial(c);
}
