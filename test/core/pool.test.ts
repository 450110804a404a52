// runPool: bounded concurrency over a lazy job stream.
import { describe, expect, it } from 'vitest';
import { runPool } from '../../src/core/pool.js';

/** Lets other jobs interleave; delays vary by job so completion order differs from start order. */
const pause = (job: number) => new Promise<void>((res) => setTimeout(res, (job * 7) % 5));

async function* jobs(count: number, pulled?: number[]): AsyncGenerator<number> {
  for (let i = 0; i < count; i++) {
    await Promise.resolve();
    pulled?.push(i);
    yield i;
  }
}

function tracker() {
  const t = {
    current: 0,
    max: 0,
    started: [] as number[],
    finished: [] as number[],
    worker: async (job: number) => {
      t.started.push(job);
      t.current++;
      t.max = Math.max(t.max, t.current);
      await pause(job);
      t.current--;
      t.finished.push(job);
    },
  };
  return t;
}

describe('runPool', () => {
  it.each([1, 3, 8])('never has more than %i jobs in flight, and fills the pool', async (limit) => {
    const t = tracker();
    await runPool(jobs(25), limit, t.worker);
    expect(t.max).toBeLessThanOrEqual(limit);
    expect(t.max).toBe(limit);
    expect(t.current).toBe(0);
  });

  it('processes every job of an async generator exactly once', async () => {
    const t = tracker();
    await runPool(jobs(40), 4, t.worker);
    expect([...t.started].sort((a, b) => a - b)).toEqual([...Array(40).keys()]);
    expect([...t.finished].sort((a, b) => a - b)).toEqual([...Array(40).keys()]);
  });

  it('accepts a plain iterable', async () => {
    const t = tracker();
    await runPool([5, 6, 7], 2, t.worker);
    expect([...t.finished].sort()).toEqual([5, 6, 7]);
  });

  it('stops pulling jobs once shouldStop returns true, and lets started ones finish', async () => {
    const t = tracker();
    const pulled: number[] = [];
    let closed = false;
    async function* stream() {
      try {
        yield* jobs(100, pulled);
      } finally {
        closed = true;
      }
    }
    await runPool(stream(), 2, t.worker, () => t.finished.length >= 5);
    expect(t.finished.length).toBeGreaterThanOrEqual(5);
    // At most the jobs already in flight when the stop was noticed run on.
    expect(t.started.length).toBeLessThan(5 + 2 + 1);
    expect(t.finished).toHaveLength(t.started.length);
    expect(pulled.length).toBeLessThan(100);
    expect(closed).toBe(true);
  });

  it('starts nothing when shouldStop is true from the start', async () => {
    const t = tracker();
    await runPool(jobs(5), 2, t.worker, () => true);
    expect(t.started).toEqual([]);
  });

  it('rejects with the worker error after the in-flight jobs settle, starting no new ones', async () => {
    const boom = new Error('job 3 failed');
    const started: number[] = [];
    const settled: number[] = [];
    let resolveSlow!: () => void;
    const slow = new Promise<void>((res) => (resolveSlow = res));
    const worker = async (job: number) => {
      started.push(job);
      if (job === 1) {
        // Still running when job 3 fails; released only after the failure.
        await slow;
        settled.push(job);
        return;
      }
      await Promise.resolve();
      if (job === 3) {
        setTimeout(resolveSlow, 5);
        throw boom;
      }
      settled.push(job);
    };
    const outcome = await runPool(jobs(50), 3, worker).then(
      () => 'resolved',
      (err: unknown) => err,
    );
    expect(outcome).toBe(boom);
    // Job 1 was in flight when job 3 failed; the pool waited for it.
    expect(settled).toContain(1);
    expect(started).not.toContain(49);
    expect(Math.max(...started)).toBeLessThan(3 + 3 + 1);
  });

  it('reports the first error when several workers fail', async () => {
    const worker = async (job: number) => {
      await pause(job);
      throw new Error(`fail ${job}`);
    };
    await expect(runPool([0, 1, 2], 3, worker)).rejects.toThrow('fail 0');
  });
});
