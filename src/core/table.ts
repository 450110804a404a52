// Plain-text tables for the terminal and CI logs: one padding rule everywhere.

export type Align = 'left' | 'right';

/**
 * Columns padded to their widest cell, a dashed rule under the header.
 * `align` says per column how cells pad (default: every column left-aligned).
 * @example textTable(['a', 'bb'], [['x', '1']]) // 'a  bb\n-  --\nx  1'
 */
export function textTable(header: string[], rows: string[][], align: Align[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    widths
      .map((w, i) => {
        const c = cells[i] ?? '';
        return align[i] === 'right' ? c.padStart(w) : c.padEnd(w);
      })
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Right-aligned numbers after a left-aligned first column (score and count tables). */
export function numericTable(header: string[], rows: string[][]): string {
  return textTable(
    header,
    rows,
    header.map((_, i) => (i === 0 ? 'left' : 'right')),
  );
}
