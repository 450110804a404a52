// Agreement between judges (or between rounds of one judge): how much of the
// score variation is about the answers rather than about who scored them.
// Input convention for both measures: a units × raters matrix, one row per
// scored item (sample × model), one column per judge or round, null = missing.

export type RatingMatrix = ReadonlyArray<ReadonlyArray<number | null | undefined>>;

export type AlphaMetric = 'interval' | 'nominal';

function present(row: ReadonlyArray<number | null | undefined>): number[] {
  const out: number[] = [];
  for (const v of row) {
    if (v === null || v === undefined) continue;
    if (!Number.isFinite(v)) throw new RangeError('agreement: ratings must be finite numbers or null');
    out.push(v);
  }
  return out;
}

/** Σ over ordered pairs i ≠ j of δ(x_i, x_j) for the chosen metric. */
function pairSum(values: readonly number[], metric: AlphaMetric): number {
  const m = values.length;
  if (metric === 'interval') {
    let s = 0;
    let s2 = 0;
    for (const v of values) {
      s += v;
      s2 += v * v;
    }
    // Σ_{i≠j} (x_i − x_j)² = 2mΣx² − 2(Σx)²; max(0) absorbs rounding.
    return Math.max(0, 2 * m * s2 - 2 * s * s);
  }
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let same = 0;
  for (const c of counts.values()) same += c * c;
  return m * m - same;
}

export interface AlphaResult {
  /** Krippendorff's alpha; null when undefined (fewer than 2 pairable values or no variation at all). */
  alpha: number | null;
  /** Pairable values (values in units rated at least twice). */
  n: number;
  /** Units rated at least twice. */
  units: number;
}

/**
 * Krippendorff's alpha = 1 − D_o / D_e with the interval (squared
 * difference) or nominal metric. Units with fewer than two ratings carry no
 * pairing information and are dropped, as Krippendorff prescribes; missing
 * cells are allowed anywhere. 1 = perfect agreement, 0 = chance level.
 * Two raters who always swap 1 and 2: D_o = 1, D_e = 2/3, so α = 1 − 3/2:
 * @example krippendorffAlpha([[1, 1], [2, 2], [3, 3]]).alpha // 1
 * @example krippendorffAlpha([[1, 2], [2, 1]]).alpha // ≈ -0.500
 * @example krippendorffAlpha([[1, 1], [2, 2], [1, null]], 'nominal').units // 2
 */
export function krippendorffAlpha(matrix: RatingMatrix, metric: AlphaMetric = 'interval'): AlphaResult {
  const pooled: number[] = [];
  let observed = 0;
  let units = 0;
  for (const row of matrix) {
    const vals = present(row);
    if (vals.length < 2) continue;
    units++;
    observed += pairSum(vals, metric) / (vals.length - 1);
    for (const v of vals) pooled.push(v);
  }
  const n = pooled.length;
  if (n < 2) return { alpha: null, n, units };
  const dObserved = observed / n;
  const dExpected = pairSum(pooled, metric) / (n * (n - 1));
  if (dExpected === 0) return { alpha: null, n, units };
  return { alpha: 1 - dObserved / dExpected, n, units };
}

export interface IccResult {
  /** ICC(1,1): one-way random, single rater. */
  icc1: number | null;
  /** ICC(2,1): two-way random, absolute agreement, single rater. */
  icc21: number | null;
  /** ICC(3,1): two-way mixed, consistency, single rater. */
  icc31: number | null;
  /** Complete rows used. */
  n: number;
  /** Raters (columns). */
  k: number;
}

/**
 * Intraclass correlations of Shrout & Fleiss (1979) from the two-way ANOVA
 * of a complete targets × raters matrix. Rows with any missing cell are
 * dropped (the ANOVA needs a complete design). ICC(2,1) is the one to report
 * for "would another judge give the same score": it penalises a judge that is
 * systematically harsher. Null values when n < 2, k < 2 or zero variance.
 * The second judge is always one point harsher: perfectly consistent (ICC(3,1) = 1)
 * but not in absolute agreement (ICC(2,1) = 2 / (2 + 2·1.5/3) = 2/3):
 * @example icc([[1, 2], [2, 3], [3, 4]]).icc31 // 1
 * @example icc([[1, 2], [2, 3], [3, 4]]).icc21 // ≈ 0.6667
 */
export function icc(matrix: RatingMatrix): IccResult {
  const k = matrix.reduce((mx, r) => Math.max(mx, r.length), 0);
  const rows: number[][] = [];
  for (const r of matrix) {
    const vals = present(r);
    if (r.length === k && vals.length === k) rows.push(vals);
  }
  const n = rows.length;
  const none: IccResult = { icc1: null, icc21: null, icc31: null, n, k };
  if (n < 2 || k < 2) return none;
  let grand = 0;
  const rowMeans = rows.map((r) => r.reduce((s, v) => s + v, 0) / k);
  const colMeans = new Array<number>(k).fill(0);
  for (const r of rows) r.forEach((v, j) => (colMeans[j] = (colMeans[j] as number) + v / n));
  for (const m of rowMeans) grand += m / n;
  let ssTotal = 0;
  for (const r of rows) for (const v of r) ssTotal += (v - grand) ** 2;
  const ssRows = k * rowMeans.reduce((s, m) => s + (m - grand) ** 2, 0);
  const ssCols = n * colMeans.reduce((s, m) => s + (m - grand) ** 2, 0);
  const ssErr = Math.max(0, ssTotal - ssRows - ssCols);
  const msr = ssRows / (n - 1);
  const msc = ssCols / (k - 1);
  const mse = ssErr / ((n - 1) * (k - 1));
  const msw = (ssCols + ssErr) / (n * (k - 1));
  const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);
  return {
    icc1: ratio(msr - msw, msr + (k - 1) * msw),
    icc21: ratio(msr - mse, msr + (k - 1) * mse + (k * (msc - mse)) / n),
    icc31: ratio(msr - mse, msr + (k - 1) * mse),
    n,
    k,
  };
}
