// Human-label correction of judge scores (prediction-powered inference, see
// stats/ppi.ts): with human scores on a random subset of the samples, each
// model's mean is estimated as the judge mean on the unlabelled samples plus
// the mean human − judge difference on the labelled ones, with an interval
// that stays valid whatever the judge's bias. The uncorrected judge mean is
// shown beside it. A calibration is only meaningful for the judge and rubric
// it was made against, so the human file may pin their hashes.
import { InputError } from '../../core/errors.js';
import { ppiMean, type PpiEstimate } from '../../stats/index.js';

export interface HumanLabel {
  sampleId: string;
  model: string;
  metric: string;
  score: number;
  /** Pins (optional columns judge_hash, rubric_hash): the calibration's judge and rubric template. */
  judgeHash?: string;
  rubricHash?: string;
  line: number;
}

const REQUIRED = ['sample_id', 'model', 'metric', 'score'] as const;

/** Split one CSV line; double-quoted fields may hold commas and "" for a quote. */
function cells(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') out.push(cur), (cur = '');
    else cur += ch;
  }
  out.push(cur);
  return out.map((c) => c.trim());
}

/** Every problem (file, line, field) in one InputError; nothing is computed from a bad file. */
export function parseHumanCsv(text: string, file: string): HumanLabel[] {
  const lines = text.split(/\r?\n/);
  const header = cells(lines[0] ?? '').map((h) => h.toLowerCase());
  const problems: string[] = [];
  for (const col of REQUIRED) if (!header.includes(col)) problems.push(`${file}:1: missing column "${col}" (need ${REQUIRED.join(', ')})`);
  if (problems.length) throw new InputError(problems.join('\n'));
  const at = (row: string[], col: string) => (header.includes(col) ? (row[header.indexOf(col)] ?? '') : '');
  const out: HumanLabel[] = [];
  const seen = new Map<string, number>();
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i]!.trim()) continue;
    const row = cells(lines[i]!);
    const line = i + 1;
    const label: HumanLabel = { sampleId: at(row, 'sample_id'), model: at(row, 'model'), metric: at(row, 'metric'), score: Number(at(row, 'score')), line };
    for (const f of ['sample_id', 'model', 'metric'] as const) if (!at(row, f)) problems.push(`${file}:${line}: field "${f}" is empty`);
    if (at(row, 'score') === '' || !Number.isFinite(label.score)) problems.push(`${file}:${line}: field "score" expects a number, got "${at(row, 'score')}"`);
    if (at(row, 'judge_hash')) label.judgeHash = at(row, 'judge_hash');
    if (at(row, 'rubric_hash')) label.rubricHash = at(row, 'rubric_hash');
    const key = `${label.sampleId}\u0000${label.model}\u0000${label.metric}`;
    if (seen.has(key))
      problems.push(`${file}:${line}: sample "${label.sampleId}", model "${label.model}", metric "${label.metric}" already labelled on line ${seen.get(key)}`);
    else seen.set(key, line);
    out.push(label);
  }
  if (problems.length) throw new InputError(problems.slice(0, 20).join('\n'));
  if (!out.length) throw new InputError(`${file}: no human labels (only a header)`);
  return out;
}

export interface CalibratedMean {
  model: string;
  metric: string;
  /** The judge's mean over all its samples (uncorrected). */
  judgeMean: number;
  judgeSamples: number;
  /** Labels matched to a judge score (labels without one are not used, and counted). */
  labelled: number;
  unmatched: number;
  /** Null with fewer than 2 labelled or 2 unlabelled samples. */
  ppi: PpiEstimate | null;
}

/**
 * `judge`: model → metric → sample id → the judge's per-sample score.
 * Labelled samples are those with both a human and a judge score; the
 * unlabelled ones are the judge's other samples (the two sets disjoint, as PPI needs).
 */
export function calibrateMeans(
  judge: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, number>>>,
  labels: readonly HumanLabel[],
  level = 0.95,
): CalibratedMean[] {
  const out: CalibratedMean[] = [];
  const cells = [...new Set(labels.map((l) => `${l.model}\u0000${l.metric}`))].sort();
  for (const cell of cells) {
    const [model, metric] = cell.split('\u0000') as [string, string];
    const scores = judge.get(model)?.get(metric);
    const mine = labels.filter((l) => l.model === model && l.metric === metric);
    if (!scores || scores.size === 0) {
      out.push({ model, metric, judgeMean: NaN, judgeSamples: 0, labelled: 0, unmatched: mine.length, ppi: null });
      continue;
    }
    const human = new Map(mine.filter((l) => scores.has(l.sampleId)).map((l) => [l.sampleId, l.score]));
    const ids = [...scores.keys()].sort();
    const labelledIds = ids.filter((id) => human.has(id));
    const unlabelled = ids.filter((id) => !human.has(id)).map((id) => scores.get(id)!);
    const all = ids.map((id) => scores.get(id)!);
    out.push({
      model,
      metric,
      judgeMean: all.reduce((a, b) => a + b, 0) / all.length,
      judgeSamples: all.length,
      labelled: labelledIds.length,
      unmatched: mine.length - labelledIds.length,
      ppi: ppiMean(
        unlabelled,
        labelledIds.map((id) => scores.get(id)!),
        labelledIds.map((id) => human.get(id)!),
        level,
      ),
    });
  }
  return out;
}

/** Warnings for pins that differ from the hashes the run's judgments carry. */
export function pinWarnings(labels: readonly HumanLabel[], runHashes: { judge: ReadonlySet<string>; rubric: ReadonlySet<string> }): string[] {
  const warn: string[] = [];
  const judgePins = new Set(labels.flatMap((l) => (l.judgeHash ? [l.judgeHash] : [])));
  const rubricPins = new Set(labels.flatMap((l) => (l.rubricHash ? [l.rubricHash] : [])));
  for (const h of judgePins)
    if (!runHashes.judge.has(h))
      warn.push(
        `the human labels were pinned to judge ${h}, but the run's judgments come from ${[...runHashes.judge].join(', ') || 'no judge'}: the correction may not carry over`,
      );
  for (const h of rubricPins)
    if (!runHashes.rubric.has(h))
      warn.push(
        `the human labels were pinned to rubric template ${h}, but the run used ${[...runHashes.rubric].join(', ') || 'none'}: the correction may not carry over`,
      );
  if (!judgePins.size && !rubricPins.size)
    warn.push('the human labels pin no judge_hash or rubric_hash: nothing checks that they were made for this judge and rubric');
  return warn;
}
