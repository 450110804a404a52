// Tiny dense linear algebra for the few-parameter models here (logistic
// regression with a handful of covariates). Not meant for large systems.

/**
 * Solve A x = b by Gaussian elimination with partial pivoting.
 * Returns null when A is singular to working precision.
 * @example solve([[2, 0], [0, 4]], [2, 8]) // [1, 2]
 * @example solve([[1, 2], [2, 4]], [1, 2]) // null
 */
export function solve(a: readonly (readonly number[])[], b: readonly number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] as number]);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) {
      if (Math.abs((m[r] as number[])[col] as number) > Math.abs((m[piv] as number[])[col] as number)) piv = r;
    }
    const pivRow = m[piv] as number[];
    const scale = Math.max(...pivRow.slice(0, n).map(Math.abs), 1e-300);
    if (Math.abs(pivRow[col] as number) <= 1e-13 * scale) return null;
    [m[col], m[piv]] = [pivRow, m[col] as number[]];
    const top = m[col] as number[];
    for (let r = col + 1; r < n; r++) {
      const row = m[r] as number[];
      const f = (row[col] as number) / (top[col] as number);
      if (f === 0) continue;
      for (let c = col; c <= n; c++) row[c] = (row[c] as number) - f * (top[c] as number);
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    const row = m[r] as number[];
    let s = row[n] as number;
    for (let c = r + 1; c < n; c++) s -= (row[c] as number) * (x[c] as number);
    x[r] = s / (row[r] as number);
  }
  return x;
}

/**
 * Inverse of a square matrix, column by column; null when singular.
 * @example invert([[2, 0], [0, 4]]) // [[0.5, 0], [0, 0.25]]
 */
export function invert(a: readonly (readonly number[])[]): number[][] | null {
  const n = a.length;
  const cols: number[][] = [];
  for (let j = 0; j < n; j++) {
    const e = new Array<number>(n).fill(0);
    e[j] = 1;
    const col = solve(a, e);
    if (!col) return null;
    cols.push(col);
  }
  return a.map((_, i) => cols.map((col) => col[i] as number));
}
