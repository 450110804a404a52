// The answered orders of comparisons not recorded yet: an entry is cut off
// while its key's record in the log is the one it was redoing (none, for a
// first attempt); once a record holds the order, the entry is stale. Redone
// records still in the side log count as recorded; compaction keeps only the
// cut-off entries, and the report's spend is theirs.
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Comparison, OrderedVerdict } from '../../src/core/records.js';
import { compactOrders, cutOffOrders, cutOffOrderSpends, OrderLog, orderFileOf, recordDigest, type OrderEntry } from '../../src/store/order-log.js';
import { redoFileOf } from '../../src/store/redo-log.js';
import { comparisonKey } from '../../src/store/run.js';

let dir: string;
let log: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rj-orders-'));
  mkdirSync(join(dir, 'comparisons'));
  log = join(dir, 'comparisons', 'j.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const spend = (requests: number) => ({
  callId: 'c',
  requests,
  fromCache: 0,
  promptTokens: 10 * requests,
  completionTokens: requests,
  promptTokensFromCache: 0,
  completionTokensFromCache: 0,
});
const order = (o: 'AB' | 'BA', requests = 1): OrderedVerdict => ({
  order: o,
  verdict: 'A',
  outcome: o === 'AB' ? 'win' : 'loss',
  raw: ['A'],
  attempts: 1,
  usage: null,
  latencyMs: 1,
  sent: null,
  templateHash: 't',
  spend: spend(requests),
});
const record = (sampleId: string, orders: OrderedVerdict[], outcome: Comparison['outcome'] = 'win'): Comparison => ({
  type: 'comparison',
  sampleId,
  candidate: 'c',
  baseline: 'b',
  metric: 'm',
  judge: 'j',
  round: 1,
  orders,
  rule: 'strict',
  outcome,
  credit: null,
  provenance: { judgeHash: 'h', templateHash: 't', rubricVersion: '1', responseHash: 'r', framesHash: null, round: 1 },
  candidateChars: 1,
  baselineChars: 1,
});
const keyOf = (sampleId: string) => comparisonKey(record(sampleId, []));
const entry = (sampleId: string, o: OrderedVerdict, replaces: string | null = null): OrderEntry => ({
  key: keyOf(sampleId),
  judge: 'j',
  replaces,
  responseHash: 'r',
  order: o,
});
const writeLog = (file: string, recs: Comparison[]) => writeFileSync(file, recs.map((r) => JSON.stringify(r) + '\n').join(''));

describe('order log', () => {
  it('each append is on disk before it returns, a torn line left by a kill cut first', () => {
    appendFileSync(orderFileOf(log), '{"key":"s1","ord');
    new OrderLog(log).append(entry('s1', order('AB')));
    const text = readFileSync(orderFileOf(log), 'utf8');
    expect(
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).key),
    ).toEqual([keyOf('s1')]);
  });

  it('an order is cut off until a record holds it: no record, or still the record being redone', async () => {
    const failed = record('s2', [order('AB'), { ...order('BA'), verdict: null, outcome: null }], null);
    writeLog(log, [record('s1', [order('AB'), order('BA')]), failed]);
    const l = new OrderLog(log);
    // s1's orders came before its record: stale. s3 has no record: cut off.
    l.append(entry('s1', order('AB')));
    l.append(entry('s3', order('AB')));
    // A redo of s2 answered BA and was killed before its record: cut off.
    l.append(entry('s2', order('BA'), recordDigest(failed)));
    // An older attempt of s2 (not the record now in the log): stale.
    l.append(entry('s2', order('AB'), 'someotherrecord'));
    const cut = await cutOffOrders(log);
    expect(cut.map((e) => [e.key, e.order.order])).toEqual([
      [keyOf('s3'), 'AB'],
      [keyOf('s2'), 'BA'],
    ]);
  });

  it('a redone record still in the side log counts as recorded', async () => {
    const failed = record('s2', [order('AB')], null);
    writeLog(log, [failed]);
    new OrderLog(log).append(entry('s2', order('BA'), recordDigest(failed)));
    expect(await cutOffOrders(log)).toHaveLength(1);
    writeLog(redoFileOf(log), [record('s2', [order('AB'), order('BA')])]);
    expect(await cutOffOrders(log)).toEqual([]);
  });

  it('compaction keeps the cut-off entries and removes the file when none is left; the report gets their spend', async () => {
    writeLog(log, [record('s1', [order('AB'), order('BA')])]);
    const l = new OrderLog(log);
    l.append(entry('s1', order('AB')));
    l.append(entry('s3', order('BA', 2)));
    expect((await compactOrders(log)).map((e) => e.key)).toEqual([keyOf('s3')]);
    expect(readFileSync(orderFileOf(log), 'utf8').trim().split('\n')).toHaveLength(1);
    expect((await cutOffOrderSpends(dir)).map((s) => [s.judge, s.spend.requests])).toEqual([['j', 2]]);
    writeLog(log, [record('s1', [order('AB'), order('BA')]), record('s3', [order('AB'), order('BA', 2)])]);
    expect(await compactOrders(log)).toEqual([]);
    expect(existsSync(orderFileOf(log))).toBe(false);
    expect(await cutOffOrderSpends(dir)).toEqual([]);
  });
});
