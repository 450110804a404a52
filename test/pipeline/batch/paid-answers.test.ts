// Batch answers are paid for by the run that submitted them: the counts must
// say so after a kill between ingest and the records, an untrustworthy answer
// must not be cached (the online rule), and the terminal stats must show batch
// answers as calls, as report.json does.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBatch } from '../../../src/pipeline/batch/run-batch.js';
import { expectOwedAnswers } from '../../../src/pipeline/batch/owed.js';
import { readUnrecorded } from '../../../src/pipeline/unrecorded.js';
import { echoHandler, type FakeHandler } from '../../helpers/fake-server.js';
import type { FakeBatchOptions } from '../../helpers/fake-batch.js';
import { chatReq, FAST_POLL, makeRig, type Rig } from './setup.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function open(opts: FakeBatchOptions = {}): Promise<Rig> {
  rig = await makeRig(opts);
  return rig;
}

const texts = (n: number) => Array.from({ length: n }, (_, i) => `question number ${i}`);

describe('paid batch answers', () => {
  it('after a kill between ingest and the records, the rerun counts the unrecorded answers as calls, once each', async () => {
    const r = await open();
    const reqs = texts(4).map((t) => chatReq(r.ep(), t));
    // First process: ingests all four, records one, then dies (its in-memory set is lost).
    const first = r.provider();
    const sum1 = await runBatch(r.ctx(first), reqs, { stage: 'score', ...FAST_POLL });
    expect(sum1).toMatchObject({ submitted: 4, ingested: 4 });
    expect((await first.chat(reqs[0]!)).batch).toBe(true);
    await first.close();

    // Rerun: the collection pass hands in the three unrecorded requests.
    const second = r.provider();
    const sum2 = await runBatch(r.ctx(second), reqs.slice(1), { stage: 'score', ...FAST_POLL });
    expect(sum2).toMatchObject({ requests: 3, cached: 3, submitted: 0, paidUnread: 3 });
    const results = await Promise.all(reqs.slice(1).map((q) => second.chat(q)));
    expect(results.map((x) => x.batch)).toEqual([true, true, true]);
    expect(second.stats()).toMatchObject({ calls: 3, cacheHits: 0 });
    await second.close();
    // Four batch lines answered, four calls counted, none online.
    expect(r.chatCalls()).toBe(0);

    // A later rerun (a twin job with the request of a recorded one) replays it: already counted.
    const third = r.provider();
    const sum3 = await runBatch(r.ctx(third), [reqs[0]!, reqs[2]!], { stage: 'score', ...FAST_POLL });
    expect(sum3).toMatchObject({ cached: 2, paidUnread: 0 });
    const again = await Promise.all([third.chat(reqs[0]!), third.chat(reqs[2]!)]);
    expect(again.map((x) => x.batch)).toEqual([undefined, undefined]);
    expect(third.stats()).toMatchObject({ calls: 0, cacheHits: 2 });
    await third.close();
  });

  it('after a kill, a rerun with no batch pass (online) still counts the unrecorded answers as calls, once each', async () => {
    const r = await open();
    const reqs = texts(3).map((t) => chatReq(r.ep(), t));
    const first = r.provider();
    await runBatch(r.ctx(first), reqs, { stage: 'score', ...FAST_POLL });
    expect((await first.chat(reqs[0]!)).batch).toBe(true);
    await first.close();

    // What every stage context does when it opens (pipeline/context.ts): no collection pass needed.
    const second = r.provider();
    expect([...expectOwedAnswers(second, r.runDir)].sort()).toEqual(
      reqs
        .slice(1)
        .map((q) => second.requestHash(q))
        .sort(),
    );
    const results = await Promise.all(reqs.map((q) => second.chat(q)));
    expect(results.map((x) => x.batch)).toEqual([undefined, true, true]);
    expect(second.stats()).toMatchObject({ calls: 2, cacheHits: 1 });
    await second.close();
    expect(r.chatCalls()).toBe(0);
    // Counted now, so a third process owes nothing.
    expect(expectOwedAnswers(r.provider(), r.runDir).size).toBe(0);
  });

  it('two jobs with one request are one paid call, also after a kill', async () => {
    const r = await open();
    const q = chatReq(r.ep(), 'the same question');
    const first = r.provider();
    await runBatch(r.ctx(first), [q, q], { stage: 'score', ...FAST_POLL });
    await first.close();
    const second = r.provider();
    const sum = await runBatch(r.ctx(second), [q, q], { stage: 'score', ...FAST_POLL });
    expect(sum).toMatchObject({ requests: 1, paidUnread: 1 });
    const [a, b] = [await second.chat(q), await second.chat(q)];
    expect([a.batch, b.batch]).toEqual([true, undefined]);
    expect(second.stats()).toMatchObject({ calls: 1, cacheHits: 1 });
    await second.close();
  });

  it('does not cache a cut-off, filtered or refused batch answer: it is asked online, and the paid line is counted once', async () => {
    const bad: Record<string, { content: string; finishReason?: string; refusal?: string }> = {
      'question number 0': { content: 'cut o', finishReason: 'length' },
      'question number 1': { content: '', finishReason: 'content_filter' },
      'question number 2': { content: '', refusal: 'I cannot help with that.' },
    };
    let online = false;
    const handler: FakeHandler = (body, ctx) => {
      const text = String(body?.messages?.[0]?.content ?? '');
      // Online (the re-ask) the judge answers normally.
      if (!online && bad[text]) return bad[text]!;
      return echoHandler(body, ctx);
    };
    const r = await open({ handler });
    const reqs = texts(4).map((t) => chatReq(r.ep(), t));
    const p = r.provider();
    const sum = await runBatch(r.ctx(p), reqs, { stage: 'score', ...FAST_POLL });
    expect(sum).toMatchObject({ submitted: 4, ingested: 1, untrusted: 3, leftOnline: 3 });
    for (const q of reqs.slice(0, 3)) expect(await p.isCached(q)).toBe(false);
    expect(await p.isCached(reqs[3]!)).toBe(true);

    // The three paid lines no record will carry are in the run's ledger, once each.
    const ledger = () => readUnrecorded(r.runDir);
    expect(ledger().map((u) => u.spend.requests)).toEqual([1, 1, 1]);
    expect(ledger().every((u) => u.judge === 'ep:fake-model' && u.spend.promptTokens > 0)).toBe(true);

    online = true;
    const before = r.chatCalls();
    const results = await Promise.all(reqs.map((q) => p.chat(q)));
    expect(r.chatCalls() - before).toBe(3);
    expect(results.slice(0, 3).every((x) => !x.cached && x.finishReason === 'stop')).toBe(true);
    await p.close();
    expect(ledger()).toHaveLength(3);
  });

  it('counts a batch answer’s first read as a call with its tokens in the provider stats, not as a cache hit', async () => {
    const r = await open();
    const reqs = texts(2).map((t) => chatReq(r.ep(), t));
    const p = r.provider();
    await runBatch(r.ctx(p), reqs, { stage: 'score', ...FAST_POLL });
    const results = await Promise.all(reqs.map((q) => p.chat(q)));
    const tokens = results.reduce((n, x) => n + (x.usage?.prompt ?? 0) + (x.usage?.completion ?? 0), 0);
    expect(tokens).toBeGreaterThan(0);
    const s = p.stats();
    expect({ calls: s.calls, cacheHits: s.cacheHits, tokens: s.promptTokens + s.completionTokens }).toEqual({ calls: 2, cacheHits: 0, tokens });
    // A second read is a replay.
    await p.chat(reqs[0]!);
    expect(p.stats()).toMatchObject({ calls: 2, cacheHits: 1 });
    await p.close();
    expect(existsSync(join(r.runDir, 'batch-reads.txt'))).toBe(true);
    expect(readFileSync(join(r.runDir, 'batch-reads.txt'), 'utf8').trim().split('\n')).toHaveLength(2);
  });
});
