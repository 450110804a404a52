// Human-label correction of judge scores (prediction-powered inference, see
// stats/ppi.ts): with human scores on a random subset of the samples, each
// model's mean is estimated as the judge mean on the unlabelled samples plus
// the mean human − judge difference on the labelled ones, with an interval
// that stays valid whatever the judge's bias. The uncorrected judge mean is
// shown beside it. A calibration is only meaningful for the judge and rubric
// it was made against, so the human file may pin their hashes.
import { InputError } from '../../core/errors.js';
import { checkHumanScore, type KnownNames } from '../../pipeline/known-names.js';
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

/**
 * A human's pairwise verdict (columns candidate, baseline, verdict): +1 the
 * candidate won, −1 the baseline won, 0 a tie. The verdict cell names the
 * winner (its model name, or A = candidate, B = baseline) or says "tie".
 */
export interface HumanVerdict {
  sampleId: string;
  candidate: string;
  baseline: string;
  metric: string;
  verdict: 1 | -1 | 0;
  judgeHash?: string;
  rubricHash?: string;
  line: number;
}

export interface HumanLabels {
  scores: HumanLabel[];
  verdicts: HumanVerdict[];
}

// A file holds score rows, verdict rows, or both (a row fills one kind).
const COMMON = ['sample_id', 'metric'] as const;
const SCORE_COLS = ['model', 'score'] as const;
const VERDICT_COLS = ['candidate', 'baseline', 'verdict'] as const;
const SHAPES = 'sample_id, metric and either model, score (human scores) or candidate, baseline, verdict (human pairwise verdicts)';

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

/** The verdict cell read against its row's two models; null when it names neither. */
function verdictOf(text: string, candidate: string, baseline: string): 1 | -1 | 0 | null {
  if (text === candidate) return 1;
  if (text === baseline) return -1;
  const t = text.toLowerCase();
  if (t === 'tie') return 0;
  if (t === 'a') return 1;
  if (t === 'b') return -1;
  return null;
}

/** Human scores only (the original file shape); see parseHumanLabels. */
export function parseHumanCsv(text: string, file: string): HumanLabel[] {
  return parseHumanLabels(text, file).scores;
}

/** Every problem (file, line, field) in one InputError; nothing is computed from a bad file. */
/**
 * `known` (the run config's models and rubrics with their scales): a label
 * naming another model or metric, or a score off the rubric's scale, is an
 * input error of its line, as a non-numeric score is.
 */
export function parseHumanLabels(text: string, file: string, known?: KnownNames): HumanLabels {
  const lines = text.split(/\r?\n/);
  const header = cells(lines[0] ?? '').map((h) => h.toLowerCase());
  const problems: string[] = [];
  const has = (cols: readonly string[]) => cols.every((c) => header.includes(c));
  for (const col of COMMON) if (!header.includes(col)) problems.push(`${file}:1: missing column "${col}" (need ${SHAPES})`);
  const scoreCols = has(SCORE_COLS);
  const verdictCols = has(VERDICT_COLS);
  if (!problems.length && !scoreCols && !verdictCols) {
    // Name the columns of the shape the header came closest to.
    const missing = (header.some((h) => (VERDICT_COLS as readonly string[]).includes(h)) ? VERDICT_COLS : SCORE_COLS).filter((c) => !header.includes(c));
    for (const col of missing) problems.push(`${file}:1: missing column "${col}" (need ${SHAPES})`);
  }
  if (problems.length) throw new InputError(problems.join('\n'));
  const at = (row: string[], col: string) => (header.includes(col) ? (row[header.indexOf(col)] ?? '') : '');
  const scores: HumanLabel[] = [];
  const verdicts: HumanVerdict[] = [];
  const seen = new Map<string, number>();
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i]!.trim()) continue;
    const row = cells(lines[i]!);
    const line = i + 1;
    const isScore = scoreCols && (at(row, 'model') !== '' || at(row, 'score') !== '');
    const isVerdict = verdictCols && VERDICT_COLS.some((c) => at(row, c) !== '');
    for (const f of COMMON) if (!at(row, f)) problems.push(`${file}:${line}: field "${f}" is empty`);
    if (isScore && isVerdict) {
      problems.push(`${file}:${line}: fill either model, score or candidate, baseline, verdict, not both`);
      continue;
    }
    const pins = {
      ...(at(row, 'judge_hash') ? { judgeHash: at(row, 'judge_hash') } : {}),
      ...(at(row, 'rubric_hash') ? { rubricHash: at(row, 'rubric_hash') } : {}),
    };
    if (isVerdict) {
      const v = { sampleId: at(row, 'sample_id'), candidate: at(row, 'candidate'), baseline: at(row, 'baseline'), metric: at(row, 'metric') };
      for (const f of ['candidate', 'baseline'] as const) if (!at(row, f)) problems.push(`${file}:${line}: field "${f}" is empty`);
      if (v.candidate && v.candidate === v.baseline) problems.push(`${file}:${line}: field "baseline" is the candidate itself ("${v.candidate}")`);
      const verdict = verdictOf(at(row, 'verdict'), v.candidate, v.baseline);
      if (verdict === null)
        problems.push(
          `${file}:${line}: field "verdict" expects "${v.candidate}", "${v.baseline}", A (candidate), B (baseline) or tie, got "${at(row, 'verdict')}"`,
        );
      // A pair labelled either way round is one comparison.
      const key = ['v', v.sampleId, ...[v.candidate, v.baseline].sort(), v.metric].join('\u0000');
      if (seen.has(key))
        problems.push(
          `${file}:${line}: sample "${v.sampleId}", ${v.candidate} vs ${v.baseline}, metric "${v.metric}" already labelled on line ${seen.get(key)}`,
        );
      else seen.set(key, line);
      if (known) {
        for (const f of ['candidate', 'baseline'] as const)
          if (v[f] && !known.models.includes(v[f]))
            problems.push(`${file}:${line}: field "${f}": "${v[f]}" is not a model of the config (models: ${known.models.join(', ')})`);
        const m = known.metrics.get(v.metric.toLowerCase());
        if (!m) problems.push(`${file}:${line}: field "metric": "${v.metric}" is not a rubric of the config (rubrics: ${known.metricIds.join(', ')})`);
        else v.metric = m.id;
      }
      verdicts.push({ ...v, verdict: verdict ?? 0, ...pins, line });
      continue;
    }
    const label: HumanLabel = {
      sampleId: at(row, 'sample_id'),
      model: at(row, 'model'),
      metric: at(row, 'metric'),
      score: Number(at(row, 'score')),
      ...pins,
      line,
    };
    if (!scoreCols) {
      problems.push(`${file}:${line}: fields "candidate", "baseline" and "verdict" are empty`);
      continue;
    }
    if (!label.model) problems.push(`${file}:${line}: field "model" is empty`);
    if (at(row, 'score') === '' || !Number.isFinite(label.score)) problems.push(`${file}:${line}: field "score" expects a number, got "${at(row, 'score')}"`);
    if (known && label.model && Number.isFinite(label.score) && at(row, 'score') !== '') {
      const checked = checkHumanScore(known, label.model, label.metric, label.score, at(row, 'score'));
      for (const [field, message] of checked.problems) problems.push(`${file}:${line}: field "${field}": ${message}`);
      label.metric = checked.metric;
    }
    const key = `${label.sampleId}\u0000${label.model}\u0000${label.metric}`;
    if (seen.has(key))
      problems.push(`${file}:${line}: sample "${label.sampleId}", model "${label.model}", metric "${label.metric}" already labelled on line ${seen.get(key)}`);
    else seen.set(key, line);
    scores.push(label);
  }
  if (problems.length) throw new InputError(problems.slice(0, 20).join('\n'));
  if (!scores.length && !verdicts.length) throw new InputError(`${file}: no human labels (only a header)`);
  return { scores, verdicts };
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
export function pinWarnings(
  labels: readonly { judgeHash?: string; rubricHash?: string }[],
  runHashes: { judge: ReadonlySet<string>; rubric: ReadonlySet<string> },
): string[] {
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
