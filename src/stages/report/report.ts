// The report stage: stream the run directory, compute, write six files.
import { basename, join } from 'node:path';
import type { LoadedConfig } from '../../config/load.js';
import { loadRubric } from '../../judge/rubrics/rubric.js';
import { RunStore } from '../../store/run.js';
import { VERSION } from '../../core/version.js';
import { UnfitRunError } from '../../core/errors.js';
import { countMediaDrops } from '../../pipeline/media.js';
import { readRunStatus } from '../../pipeline/run-status.js';
import { readUntilDecided } from '../../pipeline/until-decided-file.js';
import { buildReport, intervalJobs, type ReportMeta } from './aggregate.js';
import type { Collected } from './collect.js';
import { collect } from './collect-run.js';
import { collectParallel, intervalsParallel, ReportPool, reportThreads } from './parallel.js';
import type { MetricInfo, Report, ReportLayout } from '../../core/report.js';
import { writeReport } from './writers/index.js';
import { LateIntervals } from './late-intervals.js';
import { OPTIONAL_STOPPING_NOTE } from './writers/until-decided.js';
import type { ReportClusters } from './clustered.js';
import { explorerForRun } from './explorer/from-run.js';
import type { ExplorerFold } from './explorer/columns.js';
import { readUnrecorded } from '../../pipeline/unrecorded.js';
import { addSpend } from './collect.js';
import { addJudgeSpend, DEFAULT_CACHED_TOKEN_PRICE, judgeSpendRows } from './judge-spend.js';
import { settleRedos } from '../../store/settle.js';
import { cutOffOrderSpends } from '../../store/order-log.js';
import type { Spend } from '../../core/records.js';

export interface ReportResult {
  report: Report;
  dir: string;
  files: string[];
  duplicates: number;
}

function metricInfoFrom(rubricsDir: string): (id: string) => MetricInfo {
  return (id) => {
    try {
      const r = loadRubric(rubricsDir, id);
      return { id, name: r.name, abbr: r.abbr, scale: r.scale };
    } catch {
      // A run may outlive its rubric files; the report still names the metric.
      return { id, name: id, abbr: id, scale: { min: 0, max: 0 } };
    }
  };
}

export interface BuiltReport {
  report: Report;
  /** Where the report files go. */
  dir: string;
  duplicates: number;
  /** The run directory the report was computed from. */
  runDir?: string;
  /** The fold of the judgment logs, handed to report.html's explorer so it does not read them again. */
  fold?: ExplorerFold;
}

/** Work done on this thread while the workers resample (report.html's explorer): sees only the layout and the fold. */
export type Alongside<T> = (layout: ReportLayout, fold: ExplorerFold) => Promise<T>;

/** Computes the report of a run without writing anything (what `gate` needs). */
export async function buildRunReport(loaded: LoadedConfig, runDirOverride?: string, clusters?: ReportClusters): Promise<BuiltReport> {
  return (await buildRunReportAlongside(loaded, async () => undefined, runDirOverride, clusters)).built;
}

/**
 * buildRunReport, with `alongside` run once the run is folded — on a large
 * run while the workers compute the bootstrap intervals, so this thread's
 * work (the rest of the report, the explorer) and theirs overlap.
 */
export async function buildRunReportAlongside<T>(
  loaded: LoadedConfig,
  alongside: Alongside<T>,
  runDirOverride?: string,
  clusters?: ReportClusters,
): Promise<{ built: BuiltReport; alongside: T }> {
  const { config } = loaded;
  const runDir = runDirOverride ?? join(config.run.outputDir, config.run.id);
  const store = new RunStore(runDir);
  const manifest = store.readManifest();
  if (!manifest) throw new UnfitRunError(`no run at ${runDir} (run.json missing): run generate/score/compare first`);
  // Redone records a killed stage left in side logs stand, not the failures they replace.
  await settleRedos(runDir);
  const info = metricInfoFrom(config.rubricsDir);
  const meta: ReportMeta = {
    rolejudgeVersion: VERSION,
    runId: manifest.runId,
    configHash: manifest.configHash,
    generatedFrom: `${basename(config.run.outputDir)}/${basename(runDir)}`,
    seed: manifest.seed,
    combine: config.compare.combine,
    modelOrder: config.models.map((m) => m.name),
    metricInfo: info,
    metricOrder: config.rubrics,
    pairs: config.compare.candidates.flatMap((c) => config.compare.baselines.filter((b) => b !== c).map((b) => [c, b] as [string, string])),
    ...(clusters ? { clusters } : {}),
  };
  // Large runs use every core (see parallel.ts); the figures are the same either way.
  const threads = reportThreads(store);
  const pool = threads > 1 ? new ReportPool(threads) : null;
  let collected: Collected;
  let report: Report;
  let done: T;
  try {
    collected = pool ? await collectParallel(store, pool) : await collect(store);
    const jobs = pool ? intervalJobs(collected, meta) : [];
    const pending = pool ? intervalsParallel(jobs, pool) : undefined;
    if (pending) {
      // Awaited below, after this thread's own work: a worker failing meanwhile must not go unhandled.
      pending.catch(() => undefined);
      const late = new LateIntervals(jobs.map((j) => j.seed));
      report = buildReport(collected, meta, late);
      done = await alongside(report, collected);
      const intervals = await pending;
      if (!late.fill(intervals)) report = buildReport(collected, meta, intervals);
    } else {
      report = buildReport(collected, meta);
      done = await alongside(report, collected);
    }
  } finally {
    await pool?.close();
  }
  const mediaDrops = countMediaDrops(runDir);
  if (mediaDrops) report.counts.mediaDrops = mediaDrops;
  // A stage (of a shard) stopped at its budget: the report covers part of the run and says so.
  const stops = readRunStatus(runDir).budgetStops ?? [];
  if (stops.length) report.incomplete = { budgetStops: stops };
  addSpendCounts(report, collected, runDir, await cutOffOrderSpends(runDir), config.report.cachedTokenPrice ?? DEFAULT_CACHED_TOKEN_PRICE);
  const decided = readUntilDecided(runDir);
  if (decided) report.untilDecided = { ...decided, ...(decided.score?.stoppedEarly || decided.compare?.stoppedEarly ? { note: OPTIONAL_STOPPING_NOTE } : {}) };
  return { built: { report, dir: join(config.run.reportsDir, manifest.runId), duplicates: collected.duplicates, runDir, fold: collected }, alongside: done };
}

/** Computes the report of a run and writes its six files. */
export async function makeReport(loaded: LoadedConfig, runDirOverride?: string, clusters?: ReportClusters): Promise<ReportResult> {
  const runDir = runDirOverride ?? join(loaded.config.run.outputDir, loaded.config.run.id);
  // report.html embeds the explorer: per-sample figures and the judge calls behind them.
  const { built, alongside: explorer } = await buildRunReportAlongside(
    loaded,
    (layout, fold) => explorerForRun(loaded, runDir, layout, fold),
    runDir,
    clusters,
  );
  const files = await writeReport(built.report, built.dir, explorer);
  return { ...built, files };
}

/**
 * Calls no record holds (questions cut off by a stop, answered orders of
 * comparisons a kill or stop cut off) join the counts, and the per-judge rows
 * with the provider-cached share are added: so report.json's calls equal what
 * the servers received.
 */
function addSpendCounts(report: Report, collected: Collected, runDir: string, cutOffOrders: { judge: string; spend: Spend }[], cachedTokenPrice: number): void {
  const judges = (collected.judgeSpend ??= new Map());
  for (const u of [...readUnrecorded(runDir), ...cutOffOrders]) {
    addSpend(report.counts, u.spend);
    if (u.judge !== undefined) addJudgeSpend(judges, u.judge, u.spend);
    report.counts.unrecordedCalls = (report.counts.unrecordedCalls ?? 0) + u.spend.requests;
  }
  report.counts.cachedPromptTokens ??= 0;
  report.counts.cachedTokenPrice = cachedTokenPrice;
  report.counts.byJudge = judgeSpendRows(judges, cachedTokenPrice);
}
