// agreement.csv, agreement.json and the terminal table, from one result.
import { stringify } from 'csv-stringify/sync';
import { fmtFixed } from '../../core/format.js';
import { textTable } from '../../core/table.js';
import type { AgreementResult } from './compute.js';

export interface AgreementMeta {
  runId: string;
  /** The human-score file as given. */
  human: string;
  ratings: number;
  blank: number;
}

const coef = (x: number | null, missing: string) => fmtFixed(x, 4, missing);

export function renderAgreementJson(result: AgreementResult, meta: AgreementMeta): string {
  return `${JSON.stringify({ ...meta, rows: result.rows, rated: result.rated, unmatched: result.unmatched }, null, 2)}\n`;
}

/** One row per metric × (ensemble | judge); an empty cell is an undefined coefficient. */
export function renderAgreementCsv(result: AgreementResult): string {
  const header = ['metric', 'scope', 'judge', 'n', 'pearson', 'spearman', 'kendall_tau_b'];
  const rows = result.rows.map((r) => [
    r.metric,
    r.judge === null ? 'ensemble' : 'judge',
    r.judge ?? '',
    r.n,
    coef(r.pearson, ''),
    coef(r.spearman, ''),
    coef(r.kendallTauB, ''),
  ]);
  return stringify([header, ...rows], { record_delimiter: 'unix', eof: true });
}

export function agreementTable(result: AgreementResult): string {
  const rows = result.rows.map((r) => [
    r.metric,
    r.judge ?? '(all judges)',
    String(r.n),
    coef(r.pearson, 'n/a'),
    coef(r.spearman, 'n/a'),
    coef(r.kendallTauB, 'n/a'),
  ]);
  return `Agreement with human scores (per (sample, model): judge rounds averaged, then judges)\n${textTable(['Metric', 'Judge', 'n', 'Pearson', 'Spearman', 'Kendall τb'], rows)}\n`;
}
