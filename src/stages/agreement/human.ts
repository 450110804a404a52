// Human scores: a CSV with a header naming sample_id, model, metric and score
// (any order, any extra columns). Several rows for one (sample, model,
// metric) are several raters and are averaged, like a judge's rounds.
import { readFileSync } from 'node:fs';
import { UsageError } from '../../core/errors.js';
import { CsvError, parseCsv } from './csv.js';

export const HUMAN_COLUMNS = ['sample_id', 'model', 'metric', 'score'] as const;

export interface HumanRating {
  sampleId: string;
  model: string;
  metric: string;
  score: number;
  line: number;
}

export interface HumanScores {
  ratings: HumanRating[];
  /** Rows with an empty score cell: a gap in the rating, not an error. */
  blank: number;
}

export function parseHumanCsv(text: string, file: string): HumanScores {
  const records = parseCsv(text, file);
  const head = records[0];
  if (!head) throw new CsvError(file, 1, null, `empty file; expected a header row ${HUMAN_COLUMNS.join(',')}`);
  const names = head.fields.map((f) => f.toLowerCase());
  const col: Record<string, number> = {};
  for (const c of HUMAN_COLUMNS) {
    const idx = names.indexOf(c);
    if (idx < 0) throw new CsvError(file, head.line, c, `missing from the header row (found: ${head.fields.join(', ')}; need ${HUMAN_COLUMNS.join(', ')})`);
    if (names.indexOf(c, idx + 1) >= 0) throw new CsvError(file, head.line, c, 'appears twice in the header row');
    col[c] = idx;
  }
  const ratings: HumanRating[] = [];
  let blank = 0;
  for (const r of records.slice(1)) {
    if (r.fields.length !== head.fields.length) {
      throw new CsvError(file, r.line, null, `expected ${head.fields.length} fields like the header, got ${r.fields.length}`);
    }
    const get = (c: (typeof HUMAN_COLUMNS)[number]) => r.fields[col[c]!]!;
    for (const c of ['sample_id', 'model', 'metric'] as const) {
      if (!get(c)) throw new CsvError(file, r.line, c, 'is empty');
    }
    const raw = get('score');
    if (raw === '') {
      blank++;
      continue;
    }
    const score = Number(raw);
    if (!Number.isFinite(score)) throw new CsvError(file, r.line, 'score', `expected a number, got ${JSON.stringify(raw)}`);
    ratings.push({ sampleId: get('sample_id'), model: get('model'), metric: get('metric'), score, line: r.line });
  }
  return { ratings, blank };
}

export function readHumanCsv(file: string): HumanScores {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--human: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseHumanCsv(text, file);
}
