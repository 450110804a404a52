import { describe, expect, it } from 'vitest';
import { RecordKeys } from '../../src/report/record-keys.js';

const id = (bits: number) => ({ kind: 'id' as const, bits });
const int = (bits: number) => ({ kind: 'int' as const, bits });

describe('RecordKeys', () => {
  it('tells a new key from one seen before', () => {
    const keys = new RecordKeys([id(8), id(4), int(4)]);
    expect(keys.add(['s1', 'gpt', 1])).toBe(true);
    expect(keys.add(['s1', 'gpt', 2])).toBe(true);
    expect(keys.add(['s2', 'gpt', 1])).toBe(true);
    expect(keys.add(['s1', 'o3', 1])).toBe(true);
    expect(keys.add(['s1', 'gpt', 1])).toBe(false);
    expect(keys.size).toBe(4);
  });

  it('stays exact when a component outgrows its bits (falls back to string keys)', () => {
    const keys = new RecordKeys([id(2), int(2)]);
    // Only 4 ids fit in 2 bits; the fifth spills, and so does round 4.
    for (const s of ['a', 'b', 'c', 'd', 'e']) expect(keys.add([s, 0])).toBe(true);
    expect(keys.add(['e', 0])).toBe(false);
    expect(keys.add(['a', 4])).toBe(true);
    expect(keys.add(['a', 4])).toBe(false);
    expect(keys.add(['a', 0])).toBe(false);
    expect(keys.size).toBe(6);
  });

  it('never confuses a string with a number in the same place', () => {
    const keys = new RecordKeys([id(4), int(4)]);
    expect(keys.add(['a', 0])).toBe(true);
    // A damaged record carrying round "0" is a different key, not a duplicate.
    expect(keys.add(['a', '0'])).toBe(true);
    expect(keys.add(['a', '0'])).toBe(false);
  });

  it('refuses a layout wider than a safe integer', () => {
    expect(() => new RecordKeys([id(30), int(24)])).toThrow(RangeError);
  });
});
