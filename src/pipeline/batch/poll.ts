// Waiting for batches: retrieve each unfinished one, report, back off.
import type { Batch } from './submit.js';
import { isTerminal } from './state.js';

export interface PollOptions {
  /** First wait between rounds (default 1 s). */
  initialMs: number;
  /** Longest wait between rounds (default 60 s). */
  maxMs: number;
}

export const DEFAULT_POLL: PollOptions = { initialMs: 1000, maxMs: 60_000 };

export interface Polled {
  batchId: string;
  retrieve: () => Promise<Batch>;
  /** Called after every retrieve; a terminal batch is not retrieved again. */
  onUpdate: (b: Batch) => void | Promise<void>;
}

/** Poll until every batch is terminal; waits double from initialMs up to maxMs. */
export async function pollAll(items: Polled[], opts: PollOptions, sleep = defaultSleep): Promise<void> {
  let open = [...items];
  let wait = Math.max(0, opts.initialMs);
  for (;;) {
    const still: Polled[] = [];
    for (const item of open) {
      const b = await item.retrieve();
      await item.onUpdate(b);
      if (!isTerminal(b.status)) still.push(item);
    }
    open = still;
    if (!open.length) return;
    await sleep(wait);
    wait = Math.min(Math.max(1, wait * 2), Math.max(opts.initialMs, opts.maxMs));
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** One progress line; null when nothing changed since `last`. */
export function progressLine(label: string, b: Batch, last: string | null): string | null {
  const c = b.request_counts;
  const line = `batch ${b.id} (${label}): ${b.status}` + (c ? `, ${c.completed}/${c.total} done, ${c.failed} failed` : '');
  return line === last ? null : line;
}
