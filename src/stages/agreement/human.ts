// Human scores: a CSV with a header naming sample_id, model, metric and score
// (any order, any extra columns). Several rows for one (sample, model,
// metric) are several raters and are averaged, like a judge's rounds.
// Given the run's names, every row is checked against them too: a metric or
// model the config does not have, or a score off the rubric's scale, is a
// typo that would silently move a correlation, so the file is refused.
import { readFileSync } from 'node:fs';
import { InputError, UsageError } from '../../core/errors.js';
import { CsvError, parseCsv } from './csv.js';
import { checkHumanScore, type KnownNames } from '../../pipeline/known-names.js';

/** Problems listed in one error; past this many, the rest are counted. */
const MAX_LISTED = 20;

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

/** One problem is thrown as itself; several are listed together, file, line and field each. */
function throwProblems(problems: CsvError[], file: string): void {
  if (problems.length === 1) throw problems[0]!;
  if (!problems.length) return;
  const listed = problems.slice(0, MAX_LISTED).map((p) => `  - ${p.message}`);
  if (problems.length > MAX_LISTED) listed.push(`  - … and ${problems.length - MAX_LISTED} more`);
  throw new InputError(`${problems.length} problems in ${file}; nothing was written:\n${listed.join('\n')}`);
}

/** Problems of one row against the run's names; the metric comes back as the rubric's id. */
function checkAgainstRun(r: HumanRating, raw: string, known: KnownNames, file: string, problems: CsvError[]): HumanRating {
  const checked = checkHumanScore(known, r.model, r.metric, r.score, raw);
  for (const [field, message] of checked.problems) problems.push(new CsvError(file, r.line, field, message));
  return { ...r, metric: checked.metric };
}

/**
 * Every row is read before anything is thrown, so all problems come out
 * together (a broken header still stops at once: no row can be read without it).
 */
export function parseHumanCsv(text: string, file: string, known?: KnownNames): HumanScores {
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
  const problems: CsvError[] = [];
  let blank = 0;
  for (const r of records.slice(1)) {
    if (r.fields.length !== head.fields.length) {
      problems.push(new CsvError(file, r.line, null, `expected ${head.fields.length} fields like the header, got ${r.fields.length}`));
      continue;
    }
    const get = (c: (typeof HUMAN_COLUMNS)[number]) => r.fields[col[c]!]!;
    const empty = (['sample_id', 'model', 'metric'] as const).filter((c) => !get(c));
    for (const c of empty) problems.push(new CsvError(file, r.line, c, 'is empty'));
    const raw = get('score');
    if (raw === '') {
      blank++;
      continue;
    }
    const score = Number(raw);
    if (!Number.isFinite(score)) problems.push(new CsvError(file, r.line, 'score', `expected a number, got ${JSON.stringify(raw)}`));
    if (empty.length || !Number.isFinite(score)) continue;
    const rating = { sampleId: get('sample_id'), model: get('model'), metric: get('metric'), score, line: r.line };
    ratings.push(known ? checkAgainstRun(rating, raw, known, file, problems) : rating);
  }
  throwProblems(problems, file);
  return { ratings, blank };
}

export function readHumanCsv(file: string, known?: KnownNames): HumanScores {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--human: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseHumanCsv(text, file, known);
}
