// Requests that were paid for but that no record holds. A stop in the middle of
// a question — the budget refusing a pairwise comparison's second order or a
// re-ask, an endpoint's breaker opening while a call was between retries —
// leaves the requests already sent without a judgment or comparison to carry
// their spend, so the report would count fewer calls than the server saw.
// Each such question's sent cost is appended here, one line per question, and
// the report adds the lines to its counts. A rerun judges the question afresh
// and records only its own requests, so nothing is counted twice; a line is
// never removed (the requests it names stay sent). A comparison's order that
// was already answered when the stop came is not here: the compare stage keeps
// it in the comparisons' order file (store/order-log.ts), for the rerun to reuse.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rethrowDisk } from '../core/disk.js';
import type { Spend } from '../core/records.js';

export const UNRECORDED_FILE = 'unrecorded-spend.jsonl';

export interface UnrecordedSpend {
  type: 'unrecorded-spend';
  /** The judge whose question it was, or the model whose answer (generate). */
  judge?: string;
  model?: string;
  spend: Spend;
  at: string;
}

/** The JudgeContext hook that appends a cut-off question's cost to the run directory. */
export function unrecordedLedger(runDir: string): (by: { judge?: string; model?: string }, spend: Spend) => void {
  const file = join(runDir, UNRECORDED_FILE);
  return (by, spend) => {
    const line: UnrecordedSpend = { type: 'unrecorded-spend', ...by, spend, at: new Date().toISOString() };
    // Rare (once per stop and question in flight) and must survive the exit that follows: written at once.
    try {
      appendFileSync(file, JSON.stringify(line) + '\n');
    } catch (err) {
      rethrowDisk(err, file);
    }
  };
}

/** Every line of a run's ledger; a torn last line (killed mid-write) is skipped, as in the other logs. */
export function readUnrecorded(runDir: string): UnrecordedSpend[] {
  const file = join(runDir, UNRECORDED_FILE);
  if (!existsSync(file)) return [];
  const out: UnrecordedSpend[] = [];
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    if (!text.trim()) continue;
    try {
      const r = JSON.parse(text) as UnrecordedSpend;
      if (r && r.type === 'unrecorded-spend' && r.spend && typeof r.spend.requests === 'number') out.push(r);
    } catch {
      // A line cut by a kill: its requests cannot be known; nothing else to do.
    }
  }
  return out;
}
