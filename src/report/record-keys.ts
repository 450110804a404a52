// An exact set of record keys for duplicate detection over millions of
// records. A string key per judgment (4.2 million in a full Video2Roleplay
// reproduction) cost more memory than every accumulator of the report
// together; here each key component is interned to a small integer and the
// components are packed into one safe integer, 8 bytes a key. A record whose
// components do not fit the bit budget falls back to its string key, so the
// set stays exact whatever the run holds.

// V8 caps a Set at 2^24 entries; spreading keys over shards lifts the cap.
const SHARDS = 16;

export class RecordKeys {
  private readonly interned: Map<string, number>[];
  private readonly packed: Set<number>[] = Array.from({ length: SHARDS }, () => new Set<number>());
  private readonly spilled = new Set<string>();

  private readonly bits: number[];

  /**
   * One entry per key component: `id` components are strings, interned in
   * order of first sight; `int` ones are non-negative integers used as they
   * are. A component of the other type (a damaged record) spills. The bit
   * budgets must sum to at most 53 (the safe-integer range).
   */
  constructor(private readonly spec: ReadonlyArray<{ kind: 'id' | 'int'; bits: number }>) {
    this.bits = spec.map((c) => c.bits);
    if (this.bits.reduce((a, b) => a + b, 0) > 53) throw new RangeError('RecordKeys: more than 53 bits');
    this.interned = spec.map(() => new Map<string, number>());
  }

  /** Adds the key; false when it was already present. */
  add(parts: ReadonlyArray<string | number>): boolean {
    const key = this.pack(parts);
    if (key === null) {
      const s = parts.join('\u0000');
      if (this.spilled.has(s)) return false;
      this.spilled.add(s);
      return true;
    }
    const shard = this.packed[key % SHARDS]!;
    if (shard.has(key)) return false;
    shard.add(key);
    return true;
  }

  get size(): number {
    return this.packed.reduce((n, s) => n + s.size, 0) + this.spilled.size;
  }

  private pack(parts: ReadonlyArray<string | number>): number | null {
    if (parts.length !== this.bits.length) throw new RangeError(`RecordKeys: expected ${this.bits.length} parts, got ${parts.length}`);
    let key = 0;
    for (let i = 0; i < parts.length; i++) {
      const limit = 2 ** this.bits[i]!;
      const p = parts[i]!;
      let v: number;
      if (this.spec[i]!.kind === 'int') {
        if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p >= limit) return null;
        v = p;
      } else if (typeof p !== 'string') {
        return null;
      } else {
        const ids = this.interned[i]!;
        let id = ids.get(p);
        if (id === undefined) {
          if (ids.size >= limit) return null;
          ids.set(p, (id = ids.size));
        }
        v = id;
      }
      // Multiplication, not shifts: shifts wrap at 32 bits.
      key = key * limit + v;
    }
    return key;
  }
}
