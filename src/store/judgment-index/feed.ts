// The judgment index kept as the score stage goes: every line the log's writer
// appends becomes a row; every 64k rows (segmentRows), once the log's bytes up to
// there are written, a segment is written beside the log (and the rest at
// close). A killed run loses at most the rows of its unwritten segment: the
// next writer or report indexes that stretch again from the JSON.
//
// The index is a cache of the log: failing to write it (full disk, read-only
// run directory) never fails the run — the report then reads the JSON.
import type { Judgment } from '../../core/records.js';
import type { AppendObserver } from '../jsonl.js';
import { indexFromJson, SegmentBuilder, stampQuietly, writeSealed, type Sealed } from './build.js';
import { logIdentity, stampHolds, stampPath } from './stamp.js';
import { chainOf, indexDirOf, pruneIndex } from './segment.js';

export class IndexFeed implements AppendObserver {
  private builder: SegmentBuilder | null = null;
  /** Where the next appended line starts. */
  private at = 0;
  private sealed: Sealed[] = [];
  private writtenUpTo = 0;
  /** Whether the index reaches the log's size at open (after indexing what it lacked); null while that runs. */
  private caughtUp: boolean | null = null;
  private ready: Promise<void> = Promise.resolve();
  /** Whether the index matched the log when it was opened (empty, or stamped): then it is stamped again at close. */
  private trusted = false;

  constructor(readonly log: string) {}

  open(size: number): void {
    this.at = size;
    this.writtenUpTo = size;
    this.builder = new SegmentBuilder(size);
    const dir = indexDirOf(this.log);
    let end = 0;
    try {
      const chain = chainOf(dir, size);
      end = chain.at(-1)?.[1] ?? 0;
      this.trusted = end === size && (size === 0 || stampHolds(this.log, chain));
      // Segments past the log's end (it was cut or rewritten) and a killed writer's temp files; the stamp stays if it holds.
      pruneIndex(dir, new Set([...chain.map((c) => c[2]), ...(this.trusted ? [stampPath(this.log)] : [])]));
    } catch {
      this.caughtUp = false;
      return;
    }
    if (end === size) {
      this.caughtUp = true;
      return;
    }
    // Lines the index lacks (a killed run's last rows, a log from before the index): indexed from the JSON first, so segments chain.
    this.ready = indexFromJson(this.log, end, size).then(
      (reached) => {
        this.caughtUp = reached === size;
        this.drain();
      },
      () => {
        this.caughtUp = false;
      },
    );
  }

  line(record: unknown, text: string): void {
    const start = this.at;
    const end = start + Buffer.byteLength(text);
    this.at = end + 1;
    const b = this.builder;
    if (!b || b.dead) return;
    if (!b.add(record as Judgment, start, end)) {
      const s = b.stop(start);
      if (s) this.sealed.push(s);
    } else if (b.pending >= b.limit) {
      const s = b.seal(this.at);
      if (s) this.sealed.push(s);
    }
  }

  written(upTo: number): void {
    this.writtenUpTo = upTo;
    this.drain();
  }

  async close(failed: boolean): Promise<void> {
    await this.ready;
    if (failed) this.sealed = [];
    else {
      const s = this.builder?.seal(this.at);
      if (s) this.sealed.push(s);
      this.writtenUpTo = this.at;
    }
    this.drain();
    // Every line of the log is this writer's or was already checked: the next report need not hash it.
    if (!failed && this.trusted && this.caughtUp === true && !this.builder?.dead) {
      const id = logIdentity(this.log);
      stampQuietly(this.log, id, chainOf(indexDirOf(this.log), Number(id?.size ?? 0)));
    }
  }

  /** Writes the sealed segments whose bytes are in the log, in order. */
  private drain(): void {
    if (this.caughtUp !== true) {
      if (this.caughtUp === false) this.sealed = [];
      return;
    }
    while (this.sealed.length && this.sealed[0]!.upTo <= this.writtenUpTo) {
      const s = this.sealed.shift()!;
      try {
        if (!writeSealed(this.log, s)) throw new Error('log shorter than written');
      } catch {
        // Later segments would not chain: stop indexing this log for this run.
        this.caughtUp = false;
        this.sealed = [];
        if (this.builder) this.builder.dead = true;
      }
    }
  }
}
