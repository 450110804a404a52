// Which samples a run covers. Applied in a fixed order — ids filter, then shard,
// then limit — and sharding hashes the id instead of using file position, so a
// sample lands in the same shard whatever --ids/--limit or record order is used:
// shards stay disjoint and together cover the split.

export interface Shard {
  /** 1-based shard number, 1 ≤ index ≤ count (like Playwright's --shard=k/n). */
  index: number;
  count: number;
}

export interface Selection {
  ids?: readonly string[];
  shard?: Shard;
  limit?: number;
}

/** 32-bit FNV-1a over the UTF-8 bytes: tiny, stable across platforms and versions. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The 1-based shard an id belongs to. */
export function shardOf(id: string, count: number): number {
  return (fnv1a32(id) % count) + 1;
}

export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) {
    throw new Error(`--shard expects k/n with 1 <= k <= n (e.g. 2/4), got ${JSON.stringify(text)}`);
  }
  return { index, count };
}

export function parseIds(text: string): string[] {
  const ids = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (ids.length === 0) throw new Error(`--ids expects a comma-separated list of sample ids, got ${JSON.stringify(text)}`);
  return ids;
}

export function parseLimit(text: string | number): number {
  const n = typeof text === 'number' ? text : Number(String(text).trim());
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--limit expects a whole number >= 0, got ${JSON.stringify(text)}`);
  return n;
}

/** Stateful filter for one pass over a split. */
export class Selector {
  private readonly ids: Set<string> | null;
  private readonly found = new Set<string>();
  private taken = 0;

  constructor(private readonly sel: Selection = {}) {
    this.ids = sel.ids ? new Set(sel.ids) : null;
    if (sel.shard) parseShard(`${sel.shard.index}/${sel.shard.count}`);
    if (sel.limit !== undefined) parseLimit(sel.limit);
  }

  /** Whether the id passes the ids filter and the shard (ignores the limit). */
  matches(id: string): boolean {
    if (this.ids && !this.ids.has(id)) return false;
    const shard = this.sel.shard;
    return !shard || shardOf(id, shard.count) === shard.index;
  }

  /** Decides for the next record in file order; counts it towards the limit. */
  take(id: string): boolean {
    if (this.done()) return false;
    // Seen even if another shard owns it: "missing" means absent from the file.
    if (this.ids?.has(id)) this.found.add(id);
    if (!this.matches(id)) return false;
    this.taken++;
    return true;
  }

  /** True once nothing later in the file can be selected. */
  done(): boolean {
    if (this.sel.limit !== undefined && this.taken >= this.sel.limit) return true;
    return this.ids !== null && this.found.size === this.ids.size;
  }

  /** Requested ids not (yet) seen in the file. */
  missingIds(): string[] {
    return this.ids ? [...this.ids].filter((id) => !this.found.has(id)) : [];
  }
}
