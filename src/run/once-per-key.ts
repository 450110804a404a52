// One record per key over a run's logs, without holding every key: what the
// stage-end failure tally counts, so that its figures (and the exit 3 decided
// from them) are the report's, which reads a key logged twice once. Repeats
// are rare (only a hand-edited log has them: merge refuses overlapping
// shards), and a set of 50,000 key strings would be ~4 MiB at the end of a
// run, so each record's key is kept as a 53-bit hash; only keys whose hash
// repeats are compared as strings, in a second read. The result is exact:
// distinct hashes mean distinct keys, and equal hashes are checked.

/** A record as the tally reads it: its key, and what it adds, as a number (no object per record is kept). */
export interface Keyed {
  key: string;
  value: number;
}

/** FNV-1a on two 32-bit lanes with different bases, folded to 53 bits (a float's exact integers). */
export function hash53(s: string): number {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) >>> 11);
}

/**
 * The values of `read()`'s records, one per key: the first record of a key
 * (`keep: 'first'`, judgments and comparisons) or its last (`'last'`,
 * responses: the one the judges read). `read` is called once, or twice when
 * two records' keys hash alike; it must yield the same records both times.
 */
export async function oncePerKey<T>(
  read: () => AsyncIterable<T>,
  pick: (r: T) => Keyed | null,
  keep: 'first' | 'last',
  hash: (key: string) => number = hash53,
): Promise<Float64Array> {
  let hashes = new Float64Array(1024);
  let values = new Float64Array(1024);
  let n = 0;
  for await (const r of read()) {
    const p = pick(r);
    if (!p) continue;
    if (n === hashes.length) {
      const h = new Float64Array(n * 2);
      h.set(hashes);
      hashes = h;
      const v = new Float64Array(n * 2);
      v.set(values);
      values = v;
    }
    hashes[n] = hash(p.key);
    values[n++] = p.value;
  }
  values = values.subarray(0, n);
  const sorted = hashes.slice(0, n).sort();
  const repeated = new Set<number>();
  for (let i = 1; i < n; i++) if (sorted[i] === sorted[i - 1]) repeated.add(sorted[i]!);
  if (!repeated.size) return values;
  // Some hashes repeat: their records' keys, compared exactly.
  const chosen = new Map<string, number>();
  const dropped = new Uint8Array(n);
  let i = 0;
  for await (const r of read()) {
    const p = pick(r);
    if (!p) continue;
    if (repeated.has(hashes[i]!)) {
      const seen = chosen.get(p.key);
      if (seen === undefined) chosen.set(p.key, i);
      else if (keep === 'first') dropped[i] = 1;
      else {
        dropped[seen] = 1;
        chosen.set(p.key, i);
      }
    }
    i++;
  }
  return values.filter((_, k) => !dropped[k]);
}
