// What a comparison starts from when it is asked again: the logged record it
// redoes (if any), overlaid with the orders a killed run answered for it and
// no record holds (store/order-log.ts). compareOne keeps the orders of this
// starting point that gave a verdict on the same answers and asks the others;
// every spend of the starting point reaches the new record (inheritOrderSpends),
// so each paid request is counted once, and none is asked twice.
import type { Comparison, OrderedVerdict } from '../../core/records.js';
import type { PairJob } from '../../judge/jobs.js';
import { comparisonRecord } from '../../judge/pairwise.js';
import { mergeSpend } from '../../pipeline/sink.js';
import type { OrderEntry } from '../../store/order-log.js';

/** An order asked on other answers than the pair's now: asked again, only its spend carried. */
const spendOnly = (o: OrderedVerdict): OrderedVerdict => ({
  ...o,
  verdict: null,
  outcome: null,
  failure: { kind: 'parse', message: 'asked on answers since replaced' },
});

/** A record-shaped starting point for a comparison that has no logged record. */
function blank(job: PairJob, responseHash: string): Comparison {
  const provenance = { judgeHash: '', templateHash: '', rubricVersion: job.rubric.version, responseHash, framesHash: null, round: job.round };
  return comparisonRecord(job, 'strict', provenance, [0, 0]);
}

/** The starting point of `job`: `old` (the record redone, if any) with the cut-off orders `cut` laid over it, in answer order. */
export function resumeFrom(job: PairJob, old: Comparison | undefined, cut: OrderEntry[]): Comparison | undefined {
  if (!cut.length) return old;
  // The pair's answers as of the last order answered: a verdict on other answers is not kept.
  const hash = cut[cut.length - 1]!.responseHash;
  const orders = new Map<OrderedVerdict['order'], OrderedVerdict>();
  const layer = (o: OrderedVerdict, sameAnswers: boolean) => {
    const was = orders.get(o.order);
    const next = sameAnswers ? o : spendOnly(o);
    // The later answer stands; what every attempt of this order cost adds up.
    orders.set(o.order, was ? { ...next, spend: mergeSpend(was.spend, next.spend) } : next);
  };
  for (const o of old?.orders ?? []) layer(o, old!.provenance.responseHash === hash);
  for (const e of cut) layer(e.order, e.responseHash === hash);
  const base = old ?? blank(job, hash);
  return { ...base, provenance: { ...base.provenance, responseHash: hash }, orders: [...orders.values()] };
}

/** A redone comparison carries what its starting point's replaced order attempts cost (kept orders already carry theirs). */
export function inheritOrderSpends(old: Comparison, next: Comparison): Comparison {
  const orders = next.orders.map((o) => {
    const was = old.orders.find((x) => x.order === o.order);
    // An order kept from the starting point is the same order again: its spend is already in it.
    const kept = was !== undefined && JSON.stringify(was) === JSON.stringify(o);
    return was?.spend && !kept ? { ...o, spend: mergeSpend(was.spend, o.spend) } : o;
  });
  return { ...next, orders };
}
