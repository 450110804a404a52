// The two steps that read a finished run: the report (written once) and the
// gate's verdict (computed from that report; the gate writes no report file).
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import type { Report } from '../core/report.js';
import { UnfitRunError } from '../core/errors.js';
import { decide } from '../stages/gate/decide.js';
import { gatherEvidence } from '../stages/gate/evidence.js';
import { junitXml } from '../stages/gate/junit.js';
import { resolveGateSettings } from '../stages/gate/settings.js';
import { verdictText } from '../stages/gate/table.js';
import { explorerForRun } from '../stages/report/explorer/from-run.js';
import { buildRunReport, buildRunReportAlongside, type ReportResult } from '../stages/report/report.js';
import { writeReport } from '../stages/report/writers/index.js';
import { terminalTables } from '../stages/report/terminal.js';
import { writeFileAtomic } from '../store/jsonl.js';
import { describeBudgetStop } from '../pipeline/run-status.js';
import { RunStore } from '../store/run.js';
import type { Argv } from './argv.js';
import { carriedCalibration } from './calibration-run.js';
import { clusterMap, type ClusterMap } from './clusters.js';

export function runDirOf(loaded: LoadedConfig, argv: Argv): string {
  return typeof argv['run-dir'] === 'string' ? resolve(argv['run-dir']) : join(loaded.config.run.outputDir, loaded.config.run.id);
}

/** The split's clusters for the report and the gate; an unreadable split means none, said on stderr. */
export async function clustersFor(loaded: LoadedConfig, known?: ClusterMap) {
  // The report and gate can run where the split is not (a downloaded run
  // directory): then every sample is its own cluster, and the log says so.
  // `run` passes the map its validating pass already built (no extra read).
  const c =
    known ??
    (await clusterMap(loaded).catch((err: Error) => {
      process.stderr.write(`warning: split unreadable (${err.message}); intervals treat every sample as its own cluster\n`);
      return { by: 'none' as const, of: undefined };
    }));
  return { c, report: c.of ? { by: c.by, of: c.of } : undefined };
}

export async function reportStep(loaded: LoadedConfig, argv: Argv, clusters?: ClusterMap): Promise<ReportResult> {
  const runDir = runDirOf(loaded, argv);
  // report.html's explorer is built while the report's intervals are computed (see buildRunReportAlongside).
  const { built, alongside: explorer } = await buildRunReportAlongside(
    loaded,
    (layout, fold) => explorerForRun(loaded, runDir, layout, fold),
    runDir,
    (await clustersFor(loaded, clusters)).report,
  );
  // A calibration made earlier (`rolejudge calibrate`) stays in every later report, recomputed from this run's figures.
  const carried = await carriedCalibration(new RunStore(runDir), built.report.runId);
  if (carried) built.report.calibration = carried.calibration;
  const r: ReportResult = { ...built, files: await writeReport(built.report, built.dir, explorer) };
  const calibrationFile = join(built.dir, 'calibration.json');
  if (carried) writeFileAtomic(calibrationFile, `${JSON.stringify(carried.body, null, 2)}\n`);
  else if (existsSync(calibrationFile)) {
    // Left by a calibration whose labels are gone: it no longer describes this report.
    rmSync(calibrationFile, { force: true });
    process.stderr.write(`calibration: ${calibrationFile} removed — no labels are kept in the run directory (run \`rolejudge calibrate --human …\` again)\n`);
  }
  if (!argv.quiet) process.stdout.write(terminalTables(r.report));
  // Said on stderr too: a quiet report (CI) must not pass a budget-stopped run off as complete.
  for (const b of r.report.incomplete?.budgetStops ?? []) process.stderr.write(`warning: incomplete run: ${describeBudgetStop(b)}\n`);
  if (r.duplicates)
    process.stderr.write(
      `warning: ${r.duplicates} duplicate records were ignored: one record per key is counted, in the report and its explorer (a response's last, the one the judges read; a judgment's or comparison's first)\n`,
    );
  process.stderr.write(`report written to ${r.dir}: ${r.files.map((f) => f.slice(r.dir.length + 1)).join(', ')}\n`);
  return r;
}

/** The CI verdict: exit 0 pass, 1 regression, 3 unfit. `report` is the run's report when the caller has just built it. */
export async function gateStep(loaded: LoadedConfig, argv: Argv, report?: Report, known?: ClusterMap): Promise<number> {
  const settings = resolveGateSettings(loaded.config, loaded.baseDir, argv);
  const runDir = runDirOf(loaded, argv);
  const store = new RunStore(runDir);
  // No run at all is the extreme of an unfit run: nothing to judge, which CI
  // must tell apart from a regression.
  if (!store.exists()) throw new UnfitRunError(`no run at ${runDir} (run.json missing): nothing to judge`);
  const { c: clusters, report: rc } = await clustersFor(loaded, known);
  const built = report ?? (await buildRunReport(loaded, runDir, rc)).report;
  const evidence = await gatherEvidence(store, settings.candidate, settings.baseline, clusters.of, clusters.by);
  const verdict = decide(built, settings, evidence);
  const text = verdictText(verdict);
  process.stdout.write(argv.quiet ? text.slice(text.trimEnd().lastIndexOf('\n') + 1) : text);
  if (settings.junit) {
    writeFileAtomic(settings.junit, junitXml(verdict));
    process.stderr.write(`JUnit XML written to ${settings.junit}\n`);
  }
  return verdict.exitCode;
}
