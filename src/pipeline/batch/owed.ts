// Batch answers a run paid for and has not counted yet. The provider's set of
// paid, unread batch answers lives in memory only; a process killed between
// ingesting a batch and recording its answers leaves them in the response
// cache, where any rerun — with --batch or not, --until-decided included —
// would read them as free replays. So every context of a run hands the
// provider the answers its batches ingested (batches.json ingestedIds) whose
// first read was not counted yet (batch-reads.txt): each one's first read is
// counted as this run's call, and remembered.
import type { Provider } from '../../provider/provider.js';
import { BatchReads, BatchState } from './state.js';

/** Ingested answers of the run in `runDir` whose first read no process has counted. */
export function owedBatchAnswers(runDir: string, reads: BatchReads = new BatchReads(runDir)): Set<string> {
  const owed = new Set<string>();
  for (const entry of BatchState.load(runDir).batches) for (const id of entry.ingested ? (entry.ingestedIds ?? []) : []) if (!reads.has(id)) owed.add(id);
  return owed;
}

/**
 * Tell `provider` of the answers the run owes calls for and remember each first
 * read. `only` narrows them to the requests a batch pass found cached (its
 * summary's count); the rest would never be read anyway. Returns the set handed over.
 */
export function expectOwedAnswers(provider: Provider, runDir: string, only?: (hash: string) => boolean): Set<string> {
  const reads = new BatchReads(runDir);
  provider.onBatchRead((h) => reads.add(h));
  const owed = owedBatchAnswers(runDir, reads);
  if (only) for (const h of owed) if (!only(h)) owed.delete(h);
  provider.expectBatchAnswers(owed);
  return owed;
}
