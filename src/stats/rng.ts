// Deterministic pseudo-random numbers. Every resampling routine in src/stats
// takes a seed so that a report regenerated from the same run directory prints
// the same intervals; Math.random is never used.

/** A seed: any number or string. Equal seeds give equal streams. */
export type Seed = number | string;

/** A seeded uniform generator. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n) for 1 <= n <= 2^32. */
  int(n: number): number;
}

/**
 * Hash a string to 32 bits (FNV-1a followed by a murmur3 finalizer, because
 * plain FNV leaves nearby strings like "s1"/"s2" correlated in the low bits).
 * @example hashString('s1') === hashString('s2') // false
 * @example Number.isInteger(hashString('s1')) && hashString('s1') >= 0 && hashString('s1') < 2 ** 32 // true
 */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Map a seed to a 32-bit state. Integers in [0, 2^32) are used as they are;
 * every other seed (strings, negatives, fractions, big numbers) is hashed
 * from its String() form, so 7 and "7" give different streams.
 * @example seedToUint32(7) // 7
 * @example seedToUint32('7') === seedToUint32(7) // false
 */
export function seedToUint32(seed: Seed): number {
  if (typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32) {
    return seed >>> 0;
  }
  return hashString(`${typeof seed}:${String(seed)}`);
}

/**
 * mulberry32: 32-bit state, period 2^32, passes gjrand/PractRand far enough
 * for bootstrap resampling, and is a dozen lines with no dependencies.
 * @example createRng(1).next() === createRng(1).next() // true
 * @example createRng('any seed').int(1) // 0
 */
export function createRng(seed: Seed): Rng {
  let a = seedToUint32(seed);
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int(n: number): number {
      if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) {
        throw new RangeError(`rng.int: n must be an integer in [1, 2^32], got ${n}`);
      }
      return Math.floor(next() * n);
    },
  };
}

/**
 * A seed for an independent sub-stream (e.g. one per model in a report), so
 * adding a model does not shift the random numbers every other model sees.
 * @example deriveSeed(1, 'model-a') === deriveSeed(1, 'model-b') // false
 */
export function deriveSeed(seed: Seed, label: string): number {
  return hashString(`${seedToUint32(seed)}/${label}`);
}
