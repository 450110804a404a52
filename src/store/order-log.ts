// A pairwise comparison is judged in two orders (A/B, then B/A) and recorded
// only when both are in. Killed between the two, the first order's paid
// answer was in no record: the rerun asked it again (or replayed its cached
// reply as a free hit), and the first payment was counted nowhere. So every
// order that cost a request is appended, at once and synchronously, to a side
// file next to the comparisons log (`<log>.orders`, not a `.jsonl`: no reader
// takes it for a log). A rerun reuses the orders no record holds (the stage
// keeps a verdict, and carries a failed order's spend into its re-ask), and the
// report counts them until a record does.
//
// Which entries no record holds is read from the logs themselves, so nothing
// has to be marked when a record is written: each entry names the record its
// comparison was redoing (`replaces`, a digest; null when there was none). An
// entry is cut off while its key's record in the log is still that one; once
// the comparison is recorded, the record is a different one and the entry is
// stale (its order is in that record).
//
// What a kill can still lose is what no local record can know of: the requests
// in flight (sent, no reply yet: at most provider.concurrency at once) and, for
// a question in flight that had been re-asked (unreadable reply, transport
// retry), its earlier attempts, whose replies live only in that question's
// memory. Every answered order, and every recorded comparison, is counted once.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '../core/hash.js';
import type { Comparison, OrderedVerdict, Spend } from '../core/records.js';
import { readJsonl, writeFileAtomic } from './jsonl.js';
import { DurableLines, redoFileOf } from './redo-log.js';
import { comparisonKey } from './run.js';

export const orderFileOf = (log: string) => `${log}.orders`;

export interface OrderEntry {
  /** comparisonKey of the comparison the order belongs to. */
  key: string;
  /** Its judge (whose call the order was). */
  judge: string;
  /** Digest of the logged record the comparison was redoing; null when it had none. */
  replaces: string | null;
  /** The pair's responseHash when the order was asked (a verdict on other answers is not kept). */
  responseHash: string;
  order: OrderedVerdict;
}

/** A record's identity as written in its log. */
export const recordDigest = (c: Comparison): string => sha256(JSON.stringify(c)).slice(0, 16);

/** Whether a question cost anything over the network (replays are free to ask again). */
export const paid = (s: Spend | undefined): s is Spend => s !== undefined && (s.requests > 0 || s.promptTokens > 0 || s.completionTokens > 0);

/** Appends answered orders, each durable before append returns (one write per paid request: a request costs far more). */
export class OrderLog extends DurableLines<OrderEntry> {
  constructor(log: string) {
    super(orderFileOf(log));
  }
}

async function readEntries(log: string): Promise<OrderEntry[]> {
  const out: OrderEntry[] = [];
  // A torn last line (killed mid-append) does not parse and is skipped: that order was in flight.
  for await (const e of readJsonl<OrderEntry>(orderFileOf(log))) if (e && typeof e.key === 'string' && e.order) out.push(e);
  return out;
}

/**
 * The entries of a comparisons log's order file that no record holds, in the
 * order they were answered. Redone records still in the log's side log count
 * as recorded (a reader may run before they are merged).
 */
export async function cutOffOrders(log: string): Promise<OrderEntry[]> {
  if (!existsSync(orderFileOf(log))) return [];
  const entries = await readEntries(log);
  if (!entries.length) return [];
  const keys = new Set(entries.map((e) => e.key));
  const current = new Map<string, string>();
  for (const file of [log, redoFileOf(log)])
    for await (const c of readJsonl<Comparison>(file)) {
      const k = comparisonKey(c);
      if (keys.has(k)) current.set(k, recordDigest(c));
    }
  return entries.filter((e) => (current.get(e.key) ?? null) === e.replaces);
}

/** Rewrites the order file to its cut-off entries (removed when none is left); returns them. Idempotent. */
export async function compactOrders(log: string): Promise<OrderEntry[]> {
  const file = orderFileOf(log);
  if (!existsSync(file)) return [];
  const cut = await cutOffOrders(log);
  if (cut.length) writeFileAtomic(file, cut.map((e) => JSON.stringify(e) + '\n').join(''));
  else rmSync(file, { force: true });
  return cut;
}

/** What the cut-off orders of a run cost, by judge: paid requests no record carries yet (the report adds them). */
export async function cutOffOrderSpends(runDir: string): Promise<{ judge: string; spend: Spend }[]> {
  const dir = join(runDir, 'comparisons');
  if (!existsSync(dir)) return [];
  const out: { judge: string; spend: Spend }[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith(orderFileOf('.jsonl'))) continue;
    const log = join(dir, f.slice(0, -'.orders'.length));
    for (const e of await cutOffOrders(log)) if (paid(e.order.spend)) out.push({ judge: e.judge, spend: e.order.spend });
  }
  return out;
}
