// Where a comparison asked again starts: the record it redoes with the orders
// a kill cut off laid over it. A verdict on the same answers is kept whole; a
// failed order, or one asked on answers since replaced, carries only its spend
// into the re-ask; every attempt's spend adds up once.
import { describe, expect, it } from 'vitest';
import type { Comparison, OrderedVerdict } from '../../../src/core/records.js';
import type { PairJob } from '../../../src/judge/jobs.js';
import { inheritOrderSpends, resumeFrom } from '../../../src/stages/compare/resume.js';
import type { OrderEntry } from '../../../src/store/order-log.js';

const spend = (requests: number) => ({
  callId: 'c',
  requests,
  fromCache: 0,
  promptTokens: requests,
  completionTokens: 0,
  promptTokensFromCache: 0,
  completionTokensFromCache: 0,
});
const ok = (o: 'AB' | 'BA', requests: number): OrderedVerdict => ({
  order: o,
  verdict: 'A',
  outcome: 'win',
  raw: ['A'],
  attempts: 1,
  usage: null,
  latencyMs: 1,
  sent: null,
  templateHash: 't',
  spend: spend(requests),
});
const bad = (o: 'AB' | 'BA', requests: number): OrderedVerdict => ({
  ...ok(o, requests),
  verdict: null,
  outcome: null,
  failure: { kind: 'parse', message: 'x' },
});
const job = { sample: { id: 's1' }, candidate: 'c', baseline: 'b', rubric: { id: 'm', version: '1' }, judge: { name: 'j' }, round: 1 } as unknown as PairJob;
const old = (orders: OrderedVerdict[], responseHash = 'r'): Comparison => ({
  type: 'comparison',
  sampleId: 's1',
  candidate: 'c',
  baseline: 'b',
  metric: 'm',
  judge: 'j',
  round: 1,
  orders,
  rule: 'strict',
  outcome: null,
  credit: null,
  provenance: { judgeHash: 'h', templateHash: 't', rubricVersion: '1', responseHash, framesHash: null, round: 1 },
  candidateChars: 1,
  baselineChars: 1,
});
const cut = (o: OrderedVerdict, responseHash = 'r'): OrderEntry => ({ key: 'k', judge: 'j', replaces: null, responseHash, order: o });
const requests = (c: Comparison) => c.orders.map((o) => [o.order, o.verdict, o.spend?.requests]);

describe('resumeFrom', () => {
  it('without cut-off orders starts from the record redone (or nothing)', () => {
    const r = old([ok('AB', 1)]);
    expect(resumeFrom(job, r, [])).toBe(r);
    expect(resumeFrom(job, undefined, [])).toBeUndefined();
  });

  it('a cut-off verdict replaces the failed order it redid, carrying both spends', () => {
    const start = resumeFrom(job, old([ok('AB', 1), bad('BA', 2)]), [cut(ok('BA', 1))])!;
    expect(requests(start)).toEqual([
      ['AB', 'A', 1],
      ['BA', 'A', 3],
    ]);
    // Kept as they are, the new record carries exactly those spends, once.
    expect(requests(inheritOrderSpends(start, { ...start }))).toEqual(requests(start));
  });

  it('with no record: the cut-off orders are the start; a failed one is asked again and its spend inherited', () => {
    const start = resumeFrom(job, undefined, [cut(ok('AB', 1)), cut(bad('BA', 1))])!;
    expect(start.provenance.responseHash).toBe('r');
    expect(requests(start)).toEqual([
      ['AB', 'A', 1],
      ['BA', null, 1],
    ]);
    const next = { ...start, orders: [start.orders[0]!, ok('BA', 1)] };
    expect(requests(inheritOrderSpends(start, next))).toEqual([
      ['AB', 'A', 1],
      ['BA', 'A', 2],
    ]);
  });

  it('a verdict on answers since replaced is not kept, only its spend carried', () => {
    const start = resumeFrom(job, old([ok('AB', 1)], 'old-answers'), [cut(bad('BA', 1), 'new-answers')])!;
    expect(start.provenance.responseHash).toBe('new-answers');
    expect(requests(start)).toEqual([
      ['AB', null, 1],
      ['BA', null, 1],
    ]);
  });
});
