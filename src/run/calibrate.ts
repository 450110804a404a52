// `rolejudge calibrate --human h.csv`: the judge's means and decisive win
// rates corrected by human labels (prediction-powered inference), beside the
// uncorrected ones. Reads a finished run and the labels; calls no model. The
// result is printed, written as calibration.json, and carried into the run's
// report (report.json, report.md and the other formats are rewritten with a
// calibration section), with the judge and rubric hashes it holds for. The
// labels are kept in the run directory, so every later `report` of the run
// recomputes the calibration from them (calibration-run.ts).
import { join, resolve } from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { UnfitRunError, UsageError } from '../core/errors.js';
import type { ReportCalibration } from '../core/report.js';
import { textTable } from '../core/table.js';
import { knownNames } from '../pipeline/known-names.js';
import { parseHumanLabels } from '../stages/report/calibration.js';
import { explorerForRun } from '../stages/report/explorer/from-run.js';
import { buildRunReportAlongside } from '../stages/report/report.js';
import { writeReport } from '../stages/report/writers/index.js';
import { CALIBRATION_NOTE, MEAN_HEADER, meanRows, WIN_HEADER, winRows } from '../stages/report/writers/calibration-md.js';
import { writeFileAtomic } from '../store/jsonl.js';
import { RunStore } from '../store/run.js';
import type { Argv } from './argv.js';
import { computeCalibration, readLabels, SAVED_LABELS, SAVED_LABELS_SOURCE } from './calibration-run.js';
import { clustersFor, runDirOf } from './finish.js';
import { settleRedos } from '../store/settle.js';

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
  const { config } = loaded;
  const known = knownNames(
    config.rubricsDir,
    config.rubrics,
    config.models.map((m) => m.name),
  );
  const labels = parseHumanLabels(readLabels(human), human, known);
  const runDir = runDirOf(loaded, argv);
  const store = new RunStore(runDir);
  const manifest = store.readManifest();
  if (!manifest) throw new UnfitRunError(`no run at ${runDir} (run.json missing): nothing to calibrate`);
  await settleRedos(runDir);
  const { calibration, body, count } = await computeCalibration(store, manifest.runId, labels, human);
  process.stdout.write(`Calibration of ${manifest.runId} with ${count} human labels from ${human}\n\n${calibrationText(calibration)}`);
  // The report carries the calibration: rebuilt from the run as `report` builds it.
  const { built, alongside: explorer } = await buildRunReportAlongside(
    loaded,
    (layout, fold) => explorerForRun(loaded, runDir, layout, fold),
    runDir,
    (await clustersFor(loaded)).report,
  );
  built.report.calibration = calibration;
  const files = await writeReport(built.report, built.dir, explorer);
  const out = join(built.dir, 'calibration.json');
  // Kept in the run directory: every later report of this run recomputes the calibration from them (calibration-run.ts).
  writeFileAtomic(join(runDir, SAVED_LABELS), readLabels(human));
  writeFileAtomic(join(runDir, SAVED_LABELS_SOURCE), `${human}\n`);
  writeFileAtomic(out, `${JSON.stringify(body, null, 2)}\n`);
  process.stderr.write(`calibration written to ${out}; report with its calibration section: ${files.map((f) => f.slice(built.dir.length + 1)).join(', ')}\n`);
  return 0;
}
