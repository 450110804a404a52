// `rolejudge calibrate --human h.csv`: the judge's means and decisive win
// rates corrected by human labels (prediction-powered inference), beside the
// uncorrected ones. Reads a finished run and the labels; calls no model. The
// result is printed, written as calibration.json, and carried into the run's
// report (report.json, report.md and the other formats are rewritten with a
// calibration section), with the judge and rubric hashes it holds for.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { InputError, UnfitRunError, UsageError } from '../core/errors.js';
import type { CalibratedFigure, ReportCalibration } from '../core/report.js';
import { textTable } from '../core/table.js';
import { calibrateMeans, parseHumanLabels, pinWarnings } from '../stages/report/calibration.js';
import { calibrateWinRates, unmatchedPairs, verdictOfCredit, type JudgePairCell, type Verdict } from '../stages/report/calibration-verdicts.js';
import { splitKey } from '../stages/report/collect.js';
import { collect } from '../stages/report/collect-run.js';
import { explorerForRun } from '../stages/report/explorer/from-run.js';
import { buildRunReport } from '../stages/report/report.js';
import { writeReport } from '../stages/report/writers/index.js';
import { CALIBRATION_NOTE, MEAN_HEADER, meanRows, WIN_HEADER, winRows } from '../stages/report/writers/calibration-md.js';
import type { PpiEstimate } from '../stats/index.js';
import { writeFileAtomic } from '../store/jsonl.js';
import { RunStore } from '../store/run.js';
import type { Argv } from './argv.js';
import { clustersFor, runDirOf } from './finish.js';

function readLabels(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(`--human ${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}

const figure = (p: PpiEstimate | null): CalibratedFigure | null =>
  p && { estimate: p.estimate, se: p.se, ci95: [p.ci[0], p.ci[1]], correction: p.correction, humanOnly: p.humanOnly?.estimate ?? null };

/** The terminal's calibration tables: the same cells as report.md's section. */
export function calibrationText(cal: ReportCalibration): string {
  const parts: string[] = [];
  if (cal.means.length) parts.push(`Means\n${textTable(MEAN_HEADER, meanRows(cal))}`);
  if (cal.winRates.length) parts.push(`Decisive win rates\n${textTable(WIN_HEADER, winRows(cal))}`);
  return `${parts.join('\n\n')}\n\n${CALIBRATION_NOTE}\n`;
}

export async function calibrateStep(loaded: LoadedConfig, argv: Argv): Promise<number> {
  const human = typeof argv.human === 'string' && argv.human.trim() ? resolve(argv.human) : null;
  if (!human)
    throw new UsageError(
      'calibrate: --human <labels.csv> is required (columns sample_id, metric and model, score for scores or candidate, baseline, verdict for verdicts; optional judge_hash, rubric_hash)',
    );
  // The labels are checked before the run is read: a bad file fails fast, nothing written.
  const labels = parseHumanLabels(readLabels(human), human);
  const runDir = runDirOf(loaded, argv);
  const store = new RunStore(runDir);
  const manifest = store.readManifest();
  if (!manifest) throw new UnfitRunError(`no run at ${runDir} (run.json missing): nothing to calibrate`);
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
  process.stdout.write(`Calibration of ${manifest.runId} with ${count} human labels from ${human}\n\n${calibrationText(calibration)}`);
  // The report carries the calibration: rebuilt from the run as `report` builds it.
  const built = await buildRunReport(loaded, runDir, (await clustersFor(loaded)).report);
  built.report.calibration = calibration;
  const explorer = await explorerForRun(loaded, runDir, built.report, built.fold);
  const files = await writeReport(built.report, built.dir, explorer);
  const out = join(built.dir, 'calibration.json');
  const body = {
    runId: manifest.runId,
    labels: human,
    judgeHashes: [...scoreHashes.judge].sort(),
    rubricHashes: [...scoreHashes.rubric].sort(),
    verdictJudgeHashes: [...verdictHashes.judge].sort(),
    verdictRubricHashes: [...verdictHashes.rubric].sort(),
    means: means.map((r) => ({ ...r, judgeMean: r.judgeSamples ? r.judgeMean : null })),
    winRates,
  };
  writeFileAtomic(out, `${JSON.stringify(body, null, 2)}\n`);
  process.stderr.write(`calibration written to ${out}; report with its calibration section: ${files.map((f) => f.slice(built.dir.length + 1)).join(', ')}\n`);
  return 0;
}
