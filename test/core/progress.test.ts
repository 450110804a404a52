// The progress line: drawn from the first second, queued / in flight / done,
// an ETA that moves between completions, empty answers apart from errors.
// A hand-driven clock and vitest's fake timers: nothing here waits.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Progress } from '../../src/core/progress.js';

function fakeTty() {
  const writes: string[] = [];
  const stream = { isTTY: true, write: (s: string) => (writes.push(s), true) } as unknown as NodeJS.WriteStream;
  return { stream, writes, last: () => writes.at(-1) ?? '' };
}

describe('Progress', () => {
  let clock = 0;
  const now = () => clock;
  const ci = process.env.CI;
  beforeEach(() => {
    clock = 1_000_000;
    vi.useFakeTimers();
    delete process.env.CI;
  });
  afterEach(() => {
    vi.useRealTimers();
    if (ci !== undefined) process.env.CI = ci;
  });

  it('shows the line at once, before anything completes: queued, in flight, done', () => {
    const t = fakeTty();
    const p = new Progress({ label: 'score', total: 10, stream: t.stream, now });
    expect(t.writes.length).toBe(1);
    expect(t.last()).toContain('score 0/10 (0%) queued 10 · in flight 0 · done 0');
    expect(t.last()).toContain('eta ?');
    p.begin(4);
    clock += 1000;
    vi.advanceTimersByTime(1000);
    expect(t.last()).toContain('queued 6 · in flight 4 · done 0');
    p.finish();
  });

  it('moves the ETA between completions', () => {
    const t = fakeTty();
    const p = new Progress({ label: 'compare', total: 10, stream: t.stream, now });
    p.begin(2);
    clock += 10_000;
    p.tick();
    // 1 done in 10 s, 9 left: 90 s.
    expect(p.eta()).toBeCloseTo(90, 6);
    expect(p.line()).toContain('queued 8 · in flight 1 · done 1');
    clock += 5000;
    vi.advanceTimersByTime(5000);
    expect(p.eta()).toBeCloseTo(85, 6);
    expect(t.last()).toContain('eta 1m25s');
    // Long past the estimate with nothing done: the rate estimate (9 × 200 s / 1) takes over, never 0.
    clock += 185_000;
    expect(p.eta()).toBeCloseTo(1800, 6);
    p.finish();
  });

  it('counts empty answers apart from errors', () => {
    const t = fakeTty();
    const p = new Progress({ label: 'score', total: 3, stream: t.stream, now });
    p.tick({ empty: true });
    p.tick({ error: true });
    p.tick({ cached: true, tokens: 12 });
    p.finish();
    expect(t.last()).toContain('errors 1 · empty answers 1 · cached 1 · tokens 12');
    expect(t.last().endsWith('\n')).toBe(true);
  });

  it('writes nothing when quiet, and leaves no timer behind', () => {
    const t = fakeTty();
    const p = new Progress({ label: 'score', total: 3, stream: t.stream, now, quiet: true });
    p.begin();
    vi.advanceTimersByTime(10_000);
    p.finish();
    expect(t.writes).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
