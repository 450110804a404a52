import { describe, expect, it } from 'vitest';
import { fnv1a32, parseIds, parseLimit, parseShard, Selector, shardOf, type Selection } from '../../src/dataset/selection.js';

const ids = Array.from({ length: 200 }, (_, i) => `id-${i}`);
const pick = (sel: Selection, list = ids) => {
  const s = new Selector(sel);
  const out: string[] = [];
  for (const id of list) {
    if (s.take(id)) out.push(id);
    if (s.done()) break;
  }
  return out;
};

describe('selection', () => {
  it('fnv1a32 matches the published FNV-1a test vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('shards are disjoint and together cover every id', () => {
    for (const n of [1, 2, 3, 7]) {
      const shards = Array.from({ length: n }, (_, k) => pick({ shard: { index: k + 1, count: n } }));
      const all = shards.flat();
      expect(new Set(all).size).toBe(all.length);
      expect([...all].sort()).toEqual([...ids].sort());
      if (n > 1) for (const s of shards) expect(s.length).toBeGreaterThan(0);
    }
  });

  it('shard membership depends on the id, not its position', () => {
    const shard = { index: 2, count: 4 };
    const reversed = pick({ shard }, [...ids].reverse());
    expect(new Set(reversed)).toEqual(new Set(pick({ shard })));
    for (const id of pick({ shard })) expect(shardOf(id, 4)).toBe(2);
  });

  it('applies ids, then shard, then limit', () => {
    const wanted = ids.slice(0, 40);
    const inShard = pick({ ids: wanted, shard: { index: 1, count: 3 } });
    expect(inShard.every((id) => wanted.includes(id) && shardOf(id, 3) === 1)).toBe(true);
    expect(pick({ ids: wanted, shard: { index: 1, count: 3 }, limit: 3 })).toEqual(inShard.slice(0, 3));
    expect(pick({ limit: 5 })).toEqual(ids.slice(0, 5));
    expect(pick({ limit: 0 })).toEqual([]);
    expect(pick({ ids: ['id-9', 'id-3'] })).toEqual(['id-3', 'id-9']);
  });

  it('reports requested ids absent from the split, not ids owned by another shard', () => {
    const s = new Selector({ ids: ['id-1', 'id-2', 'nope'], shard: { index: 1, count: 2 } });
    for (const id of ids) s.take(id);
    expect(s.missingIds()).toEqual(['nope']);
  });

  it('parses CLI values and rejects bad ones', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', 'a/b', '2']) expect(() => parseShard(bad)).toThrow('--shard');
    expect(parseIds(' a, b ,,c')).toEqual(['a', 'b', 'c']);
    expect(() => parseIds(' , ')).toThrow('--ids');
    expect(parseLimit('10')).toBe(10);
    expect(() => parseLimit('-1')).toThrow('--limit');
    expect(() => parseLimit('1.5')).toThrow('--limit');
    expect(() => new Selector({ shard: { index: 3, count: 2 } })).toThrow('--shard');
  });
});
