import { afterEach, describe, expect, it } from 'vitest';
import { batchOptionsFromEnv, withBatch } from '../../../src/pipeline/batch/with-batch.js';
import { UsageError } from '../../../src/core/errors.js';
import type { StageContext } from '../../../src/pipeline/context.js';
import type { ChatRequest } from '../../../src/provider/index.js';
import { chatReq, FAST_POLL, makeRig, type Rig } from './setup.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** A stage in miniature: asks its questions (or hands them over) and records the answers. */
function stage(reqs: ChatRequest[], passes: Array<{ collect: boolean; quiet: boolean; answers: string[] }>) {
  return async (c: StageContext) => {
    const pass = { collect: Boolean(c.collect), quiet: c.quiet, answers: [] as string[] };
    passes.push(pass);
    for (const q of reqs) {
      if (c.collect) await c.collect(q);
      else pass.answers.push((await c.provider.chat(q)).content);
    }
    return pass.answers.length;
  };
}

function context(r: Rig, extra: Partial<StageContext> = {}): StageContext {
  const base = r.ctx(r.provider());
  return { ...base, quiet: false, noCache: false, inflight: 4, judgeOverrides: {}, ...extra } as StageContext;
}

describe('withBatch', () => {
  it('collects, batches, then reruns the stage answered from the cache', async () => {
    const r = (rig = await makeRig());
    const reqs = ['a', 'b', 'c'].map((t) => chatReq(r.ep(), t));
    const passes: Array<{ collect: boolean; quiet: boolean; answers: string[] }> = [];
    const ctx = context(r);
    const n = await withBatch(ctx, { batch: true }, 'score', stage(reqs, passes), { stage: 'score', ...FAST_POLL });
    await ctx.provider.close();
    expect(n).toBe(3);
    expect(passes.map((p) => [p.collect, p.quiet])).toEqual([
      [true, true],
      [false, false],
    ]);
    expect(passes[1]!.answers).toEqual(['[fake-model] a', '[fake-model] b', '[fake-model] c']);
    expect(r.chatCalls()).toBe(0);
    expect(r.logs.some((l) => l.startsWith('batch (score): 3 requests, 0 already cached, 3 submitted in 1 new batch(es)'))).toBe(true);
  });

  it('just runs the stage without --batch', async () => {
    const r = (rig = await makeRig());
    const passes: Array<{ collect: boolean; quiet: boolean; answers: string[] }> = [];
    const ctx = context(r);
    await withBatch(ctx, { batch: false }, 'score', stage([chatReq(r.ep(), 'a')], passes));
    await ctx.provider.close();
    expect(passes.map((p) => p.collect)).toEqual([false]);
    expect(r.chatCalls()).toBe(1);
    expect(r.api.counts['POST /v1/batches']).toBeUndefined();
  });

  it('refuses --batch without the cache, before running anything', async () => {
    const r = (rig = await makeRig());
    const passes: Array<{ collect: boolean; quiet: boolean; answers: string[] }> = [];
    await expect(withBatch(context(r, { noCache: true }), { batch: true }, 'score', stage([], passes))).rejects.toThrow(UsageError);
    expect(passes).toEqual([]);
  });

  it('refuses --batch with a call or token budget it could not keep', async () => {
    const r = (rig = await makeRig());
    const passes: Array<{ collect: boolean; quiet: boolean; answers: string[] }> = [];
    await expect(withBatch(context(r), { batch: true, 'max-calls': 5 }, 'score', stage([], passes))).rejects.toThrow(/--max-calls/);
    await expect(withBatch(context(r), { batch: true, 'max-tokens': 5 }, 'score', stage([], passes))).rejects.toThrow(UsageError);
    expect(passes).toEqual([]);
  });
});

describe('batchOptionsFromEnv', () => {
  it('reads poll and limit overrides', () => {
    expect(batchOptionsFromEnv('score', {})).toEqual({ stage: 'score', poll: {}, limits: {} });
    expect(batchOptionsFromEnv('score', { ROLEJUDGE_BATCH_POLL_MS: '20', ROLEJUDGE_BATCH_MAX_REQUESTS: '3' })).toEqual({
      stage: 'score',
      poll: { initialMs: 20, maxMs: 20 },
      limits: { maxRequests: 3 },
    });
    expect(batchOptionsFromEnv('x', { ROLEJUDGE_BATCH_POLL_MS: '5,100', ROLEJUDGE_BATCH_MAX_BYTES: '1000' })).toMatchObject({
      poll: { initialMs: 5, maxMs: 100 },
      limits: { maxBytes: 1000 },
    });
    expect(() => batchOptionsFromEnv('x', { ROLEJUDGE_BATCH_POLL_MS: 'soon' })).toThrow(UsageError);
  });
});
