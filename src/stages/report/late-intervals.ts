// Bootstrap intervals that arrive after the report is built. On a large run
// the resampling (billions of draws) runs on the report's worker threads for
// seconds; meanwhile this thread builds the rest of the report and the
// explorer. buildReport is handed one placeholder interval per job seed and
// places each by reference where the figure goes (a score cell's ci95, a
// paired difference's ci95); when the workers answer, the placeholders are
// filled in place. buildReport only places intervals, never reads them, so
// the report is the one an eager map would give — test/stages/report/
// late-intervals.test.ts holds it to the same bytes.
import type { Interval } from '../../stats/index.js';

export class LateIntervals {
  private readonly slots = new Map<string, Interval>();

  constructor(seeds: Iterable<string>) {
    for (const seed of seeds) this.slots.set(seed, [Number.NaN, Number.NaN]);
  }

  has(seed: string): boolean {
    return this.slots.has(seed);
  }

  /** The placeholder for `seed`: never null, since a job exists only for a non-empty cell. */
  get(seed: string): Interval | undefined {
    return this.slots.get(seed);
  }

  /**
   * Fills every placeholder from the computed intervals. False, with nothing
   * filled, when one is missing or null (the caller then builds the report
   * again from the computed map: a placeholder must never stand for a null).
   */
  fill(intervals: ReadonlyMap<string, Interval | null>): boolean {
    for (const seed of this.slots.keys()) if (!intervals.get(seed)) return false;
    for (const [seed, slot] of this.slots) {
      const ci = intervals.get(seed)!;
      slot[0] = ci[0];
      slot[1] = ci[1];
    }
    return true;
  }
}
