// The report stage: stream the run directory, compute, write six files.
import { basename, join } from 'node:path';
import type { LoadedConfig } from '../../config/load.js';
import { loadRubric } from '../../judge/rubrics/rubric.js';
import { RunStore } from '../../store/run.js';
import { VERSION } from '../../core/version.js';
import { UnfitRunError } from '../../core/errors.js';
import { countMediaDrops } from '../../pipeline/media.js';
import { readUntilDecided } from '../../pipeline/until-decided-file.js';
import { buildReport, intervalJobs, type ReportMeta } from './aggregate.js';
import type { Collected } from './collect.js';
import { collect } from './collect-run.js';
import { collectParallel, intervalsParallel, ReportPool, reportThreads } from './parallel.js';
import type { MetricInfo, Report } from '../../core/report.js';
import { writeReport } from './writers/index.js';
import { OPTIONAL_STOPPING_NOTE } from './writers/until-decided.js';
import type { ReportClusters } from './clustered.js';
import { explorerForRun } from './explorer/from-run.js';
import type { ExplorerFold } from './explorer/columns.js';
import { readUnrecorded } from '../../pipeline/unrecorded.js';
import { addSpend } from './collect.js';
import { addJudgeSpend, DEFAULT_CACHED_TOKEN_PRICE, judgeSpendRows } from './judge-spend.js';

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

/** Computes the report of a run without writing anything (what `gate` needs). */
export async function buildRunReport(loaded: LoadedConfig, runDirOverride?: string, clusters?: ReportClusters): Promise<BuiltReport> {
  const { config } = loaded;
  const runDir = runDirOverride ?? join(config.run.outputDir, config.run.id);
  const store = new RunStore(runDir);
  const manifest = store.readManifest();
  if (!manifest) throw new UnfitRunError(`no run at ${runDir} (run.json missing): run generate/score/compare first`);
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
  try {
    collected = pool ? await collectParallel(store, pool) : await collect(store);
    const intervals = pool ? await intervalsParallel(intervalJobs(collected, meta), pool) : undefined;
    report = buildReport(collected, meta, intervals);
  } finally {
    await pool?.close();
  }
  const mediaDrops = countMediaDrops(runDir);
  if (mediaDrops) report.counts.mediaDrops = mediaDrops;
  addSpendCounts(report, collected, runDir, config.report.cachedTokenPrice ?? DEFAULT_CACHED_TOKEN_PRICE);
  const decided = readUntilDecided(runDir);
  if (decided) report.untilDecided = { ...decided, ...(decided.score?.stoppedEarly || decided.compare?.stoppedEarly ? { note: OPTIONAL_STOPPING_NOTE } : {}) };
  return { report, dir: join(config.run.reportsDir, manifest.runId), duplicates: collected.duplicates, runDir, fold: collected };
}

/** Computes the report of a run and writes its six files. */
export async function makeReport(loaded: LoadedConfig, runDirOverride?: string, clusters?: ReportClusters): Promise<ReportResult> {
  const built = await buildRunReport(loaded, runDirOverride, clusters);
  // report.html embeds the explorer: per-sample figures and the judge calls behind them.
  const explorer = await explorerForRun(loaded, built.runDir ?? join(loaded.config.run.outputDir, built.report.runId), built.report, built.fold);
  const files = await writeReport(built.report, built.dir, explorer);
  return { ...built, files };
}

/**
 * Calls no record holds (questions cut off by a stop) join the counts, and the
 * per-judge rows with the provider-cached share are added: so report.json's
 * calls equal what the servers received.
 */
function addSpendCounts(report: Report, collected: Collected, runDir: string, cachedTokenPrice: number): void {
  const judges = (collected.judgeSpend ??= new Map());
  for (const u of readUnrecorded(runDir)) {
    addSpend(report.counts, u.spend);
    if (u.judge !== undefined) addJudgeSpend(judges, u.judge, u.spend);
    report.counts.unrecordedCalls = (report.counts.unrecordedCalls ?? 0) + u.spend.requests;
  }
  report.counts.cachedPromptTokens ??= 0;
  report.counts.cachedTokenPrice = cachedTokenPrice;
  report.counts.byJudge = judgeSpendRows(judges, cachedTokenPrice);
}
