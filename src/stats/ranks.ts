// Ranking with ties, shared by Spearman and Wilcoxon.

/**
 * 1-based ranks with ties given the average of the ranks they span
 * ("fractional" ranking): [10, 20, 20, 30] -> [1, 2.5, 2.5, 4].
 * @example averageRanks([10, 20, 20, 30]) // [1, 2.5, 2.5, 4]
 */
export function averageRanks(values: readonly number[]): number[] {
  const n = values.length;
  const idx = values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
  const ranks = new Array<number>(n);
  let i = 0;
  while (i < n) {
    let j = i;
    const v = values[idx[i] as number];
    while (j + 1 < n && values[idx[j + 1] as number] === v) j++;
    const r = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[idx[k] as number] = r;
    i = j + 1;
  }
  return ranks;
}

/**
 * Sizes of the tie groups (groups of size >= 2) among the values.
 * @example tieGroupSizes([1, 2, 2, 3, 3, 3]) // [2, 3]
 */
export function tieGroupSizes(values: readonly number[]): number[] {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.values()].filter((c) => c > 1);
}
