// Where each sample's lines sit in one log, kept while the report folds it:
// per sample, its byte spans in file order, neighbouring lines of the same
// sample joined into one span (a log written sample by sample then costs one
// span per sample). The explorer reads back only its embedded samples' spans.

/** A worker's spans for one byte range, as flat arrays (cheap to move between threads). */
export interface SpansWire {
  ids: string[];
  /** Spans per id. */
  counts: Uint32Array;
  /** [start, end] pairs, id after id. */
  flat: Float64Array;
}

export class SampleSpans {
  /** sampleId → [start, end, start, end…]: end excludes the line's newline, spans sorted. */
  readonly bySample = new Map<string, number[]>();
  private lastId: unknown = undefined;
  private last: number[] | undefined;

  add(sampleId: string, start: number, end: number): void {
    // Consecutive lines of one sample are the common case: skip the map then.
    let list = sampleId === this.lastId ? this.last : this.bySample.get(sampleId);
    if (!list) this.bySample.set(sampleId, (list = []));
    this.lastId = sampleId;
    this.last = list;
    const n = list.length;
    // Only a newline apart: the same span goes on.
    if (n && list[n - 1]! + 1 >= start) list[n - 1] = end;
    else list.push(start, end);
  }

  toWire(): SpansWire {
    const ids = [...this.bySample.keys()];
    const counts = new Uint32Array(ids.length);
    let total = 0;
    ids.forEach((id, i) => {
      counts[i] = this.bySample.get(id)!.length / 2;
      total += counts[i]!;
    });
    const flat = new Float64Array(total * 2);
    let at = 0;
    for (const id of ids) for (const x of this.bySample.get(id)!) flat[at++] = x;
    return { ids, counts, flat };
  }

  /** Appends a later range's spans (ranges arrive in file order, so lists stay sorted). */
  absorb(w: SpansWire): void {
    let at = 0;
    for (let i = 0; i < w.ids.length; i++) {
      for (let k = 0; k < w.counts[i]!; k++, at += 2) this.add(w.ids[i]!, w.flat[at]!, w.flat[at + 1]!);
    }
    this.lastId = undefined;
    this.last = undefined;
  }

  /** The chosen samples' spans as one sorted list of disjoint spans. */
  spansOf(sampleIds: Iterable<string>): number[] {
    const pairs: Array<[number, number]> = [];
    for (const id of sampleIds) {
      const list = this.bySample.get(id);
      if (list) for (let k = 0; k < list.length; k += 2) pairs.push([list[k]!, list[k + 1]!]);
    }
    pairs.sort((a, b) => a[0] - b[0]);
    const out: number[] = [];
    for (const [s, e] of pairs) {
      const n = out.length;
      // Distinct lines never overlap; adjacent spans stay apart, so no read outgrows the reader's cap.
      if (n && out[n - 1]! > s) out[n - 1] = Math.max(out[n - 1]!, e);
      else out.push(s, e);
    }
    return out;
  }
}
