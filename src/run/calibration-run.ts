// The calibration of a run by human labels, computed from the run as it is
// now: what `rolejudge calibrate` prints and writes, and what every later
// `report` of the run recomputes from the labels calibrate saved in the run
// directory — so a report rebuilt after more judging (or in CI) carries a
// calibration that matches its own figures, instead of silently losing it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import type { CalibratedFigure, ReportCalibration } from '../core/report.js';
import { calibrateMeans, parseHumanLabels, pinWarnings } from '../stages/report/calibration.js';
import { calibrateWinRates, unmatchedPairs, verdictOfCredit, type JudgePairCell, type Verdict } from '../stages/report/calibration-verdicts.js';
import { splitKey } from '../stages/report/collect.js';
import { collect } from '../stages/report/collect-run.js';
import type { PpiEstimate } from '../stats/index.js';
import type { RunStore } from '../store/run.js';

/** Where calibrate keeps the labels it was given (and the path they came from), inside the run directory. */
export const SAVED_LABELS = 'calibration-labels.csv';
export const SAVED_LABELS_SOURCE = 'calibration-labels.source';

export type HumanLabels = ReturnType<typeof parseHumanLabels>;

export function readLabels(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(`--human ${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}

const figure = (p: PpiEstimate | null): CalibratedFigure | null =>
  p && { estimate: p.estimate, se: p.se, ci95: [p.ci[0], p.ci[1]], correction: p.correction, humanOnly: p.humanOnly?.estimate ?? null };

export interface ComputedCalibration {
  calibration: ReportCalibration;
  /** calibration.json's body. */
  body: Record<string, unknown>;
  count: number;
}

/** The calibration of the run in `store` by `labels` (read from `human`); warnings go to stderr. */
export async function computeCalibration(store: RunStore, runId: string, labels: HumanLabels, human: string): Promise<ComputedCalibration> {
  const c = await collect(store);
  const judge = new Map<string, Map<string, Map<string, number>>>();
  for (const [k, cell] of c.scores) {
    const [model, metric] = splitKey(k) as [string, string];
    if (!judge.has(model)) judge.set(model, new Map());
    judge.get(model)!.set(metric, cell.acc.perSample());
  }
  const pairCells: JudgePairCell[] = [...c.pairs].map(([k, cell]) => {
    const [candidate, baseline, metric, judgeName] = splitKey(k) as [string, string, string, string];
    const verdicts = new Map<string, Verdict>([...cell.credits].map(([id, [sum, rounds]]) => [id, verdictOfCredit(sum / rounds)]));
    return { candidate, baseline, metric, judge: judgeName, verdicts };
  });
  // The hashes behind what is calibrated: judgments for scores, comparisons for verdicts.
  const scoreMetrics = new Set(labels.scores.map((l) => l.metric));
  const verdictMetrics = new Set(labels.verdicts.map((l) => l.metric));
  const scoreHashes = { judge: new Set<string>(), rubric: new Set<string>() };
  const verdictHashes = { judge: new Set<string>(), rubric: new Set<string>() };
  if (scoreMetrics.size)
    for await (const j of store.judgments()) {
      if (!scoreMetrics.has(j.metric)) continue;
      scoreHashes.judge.add(j.provenance.judgeHash);
      scoreHashes.rubric.add(j.provenance.templateHash);
    }
  if (verdictMetrics.size)
    for await (const x of store.comparisons()) {
      if (!verdictMetrics.has(x.metric)) continue;
      verdictHashes.judge.add(x.provenance.judgeHash);
      verdictHashes.rubric.add(x.provenance.templateHash);
    }
  const means = calibrateMeans(judge, labels.scores);
  const winRates = calibrateWinRates(pairCells, labels.verdicts);
  const warnings = [
    ...(labels.scores.length ? pinWarnings(labels.scores, scoreHashes).map((w) => `scores: ${w}`) : []),
    ...(labels.verdicts.length ? pinWarnings(labels.verdicts, verdictHashes).map((w) => `verdicts: ${w}`) : []),
    ...unmatchedPairs(pairCells, labels.verdicts).map((p) => `verdicts: the run judged no comparison ${p}; those human verdicts are not used`),
  ];
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  const calibration: ReportCalibration = {
    labels: human,
    judgeHashes: [...new Set([...scoreHashes.judge, ...verdictHashes.judge])].sort(),
    rubricHashes: [...new Set([...scoreHashes.rubric, ...verdictHashes.rubric])].sort(),
    warnings,
    means: means.map((r) => ({
      model: r.model,
      metric: r.metric,
      judgeMean: r.judgeSamples ? r.judgeMean : null,
      judgeSamples: r.judgeSamples,
      labelled: r.labelled,
      unmatched: r.unmatched,
      corrected: figure(r.ppi),
    })),
    winRates: winRates.map(({ ppi, ...r }) => ({ ...r, corrected: figure(ppi) })),
  };
  const count = labels.scores.length + labels.verdicts.length;
  const body = {
    runId,
    labels: human,
    judgeHashes: [...scoreHashes.judge].sort(),
    rubricHashes: [...scoreHashes.rubric].sort(),
    verdictJudgeHashes: [...verdictHashes.judge].sort(),
    verdictRubricHashes: [...verdictHashes.rubric].sort(),
    means: means.map((r) => ({ ...r, judgeMean: r.judgeSamples ? r.judgeMean : null })),
    winRates,
  };
  return { calibration, body, count };
}

/**
 * The calibration a report of `runDir` carries: recomputed from the labels
 * `calibrate` saved there, or null when it saved none. Said on stderr, so a
 * report never gains or keeps a calibration section without a word.
 */
export async function carriedCalibration(store: RunStore, runId: string): Promise<ComputedCalibration | null> {
  const saved = join(store.dir, SAVED_LABELS);
  if (!existsSync(saved)) return null;
  const sourceFile = join(store.dir, SAVED_LABELS_SOURCE);
  const source = existsSync(sourceFile) ? readFileSync(sourceFile, 'utf8').trim() : saved;
  const labels = parseHumanLabels(readLabels(saved), saved);
  process.stderr.write(
    `calibration: recomputed from the ${labels.scores.length + labels.verdicts.length} human labels \`rolejudge calibrate\` saved (${source}); delete ${saved} to report without it\n`,
  );
  return computeCalibration(store, runId, labels, source);
}
