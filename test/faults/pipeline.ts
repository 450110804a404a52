// The pipeline every fault test runs: two live models (one plain, one EBM) on
// the fake server, an LLM judge on two metrics, both-order comparisons, then
// the report. Its undisturbed result is the reference a disturbed run must
// reproduce figure for figure, with exactly one record per key.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { describeRun, runCli, type CliResult } from '../helpers/cli.js';
import { startFakeServer, type FakeHandler } from '../helpers/fake-server.js';
import { roleplayHandler } from '../e2e/fake-roleplay.js';
import { configFor, keyCounts, liveModel, makeWorkspace, readJsonl, sampleIds, type Workspace } from '../e2e/workspace.js';

/** Same run id everywhere: nothing a run derives from its id may differ from the reference. */
export const RUN_ID = 'faults';
export const LIMIT = 6;
export const CANDIDATE = 'ebmbot';
export const BASELINE = 'plainbot';
export const MODELS = [BASELINE, CANDIDATE];
export const JUDGE = 'gpt-5-mini';
/** Text-only metrics (no frame encoding for the judge), one 1–10 and one 0–100 scale. */
export const METRICS = ['cn', 'human-likeness'];
export const STAGES = ['generate', 'score', 'compare', 'report'] as const;
export type Stage = (typeof STAGES)[number];

export const ids = (): string[] => sampleIds().slice(0, LIMIT);

/** Writes the pipeline's config into the workspace, every model and the judge on `url`. */
export function pipelineConfig(ws: Workspace, url: string, provider: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): string {
  return ws.config(
    RUN_ID,
    configFor(ws, {
      runId: RUN_ID,
      models: [liveModel(BASELINE, 'plain', url), liveModel(CANDIDATE, 'ebm', url)],
      judgeUrl: url,
      judges: [JUDGE],
      rubrics: METRICS,
      compare: { candidates: [CANDIDATE], baselines: [BASELINE], bothOrders: true },
      provider: { concurrency: 4, ...provider },
      ...extra,
    }),
  );
}

export function stageArgs(stage: Stage, cfg: string, more: string[] = []): string[] {
  return stage === 'report' ? ['report', '-c', cfg, '-q'] : [stage, '-c', cfg, '--limit', String(LIMIT), ...more];
}

/** Runs a command until it exits 0 (a bounded number of times); returns every run. */
export async function runToCompletion(args: string[], maxRuns = 4, timeoutMs = 45_000): Promise<CliResult[]> {
  const runs: CliResult[] = [];
  while (runs.length < maxRuns) {
    const r = await runCli(args, { timeoutMs });
    runs.push(r);
    if (r.code === 0) return runs;
  }
  throw new Error(`rolejudge ${args[0]} did not finish after ${maxRuns} runs; last: ${describeRun(runs[runs.length - 1]!)}`);
}

/** generate → score → compare → report, each stage rerun until it completes. */
export async function runPipeline(cfg: string): Promise<Record<Stage, CliResult[]>> {
  const out = {} as Record<Stage, CliResult[]>;
  for (const stage of STAGES) out[stage] = await runToCompletion(stageArgs(stage, cfg));
  return out;
}

export function readReport(ws: Workspace): any {
  return JSON.parse(readFileSync(join(ws.reports, RUN_ID, 'report.json'), 'utf8'));
}

/**
 * report.json without what may legitimately differ between two runs of the same
 * evaluation: where it was written, the config hash (paths differ) and the call
 * and token counts (retries and re-asks spend more).
 */
export function figures(report: any): any {
  const { runId: _r, generatedFrom: _g, configHash: _c, counts, ...rest } = report;
  // What was spent depends on where a fault struck (retries, cache replays after
  // a kill); the figures must not.
  const {
    calls: _n,
    promptTokens: _p,
    completionTokens: _t,
    callsFromCache: _cn,
    promptTokensFromCache: _cp,
    completionTokensFromCache: _ct,
    cachedPromptTokens: _cached,
    unrecordedCalls: _u,
    byJudge: _bj,
    ...kept
  } = counts;
  return { ...rest, counts: kept };
}

export interface RunRecords {
  responses: any[];
  judgments: any[];
  comparisons: any[];
}

export function readRecords(ws: Workspace): RunRecords {
  const dir = ws.runDir(RUN_ID);
  return {
    responses: MODELS.flatMap((m) => readJsonl(join(dir, 'responses', `${m}.jsonl`))),
    judgments: readJsonl(join(dir, 'judgments', `${JUDGE}.jsonl`)),
    comparisons: readJsonl(join(dir, 'comparisons', `${JUDGE}.jsonl`)),
  };
}

export const responseKey = (r: any) => `${r.sampleId}|${r.model}`;
export const judgmentKey = (j: any) => [j.sampleId, j.model, j.metric, j.judge, j.round].join('|');
export const comparisonKey = (c: any) => [c.sampleId, c.candidate, c.baseline, c.metric, c.judge, c.round].join('|');

/** Every key the pipeline must record, per log. */
export function expectedKeys(): Record<keyof RunRecords, string[]> {
  const s = ids();
  return {
    responses: s.flatMap((id) => MODELS.map((m) => `${id}|${m}`)),
    judgments: s.flatMap((id) => MODELS.flatMap((m) => METRICS.map((metric) => [id, m, metric, JUDGE, 1].join('|')))),
    comparisons: s.flatMap((id) => METRICS.map((metric) => [id, CANDIDATE, BASELINE, metric, JUDGE, 1].join('|'))),
  };
}

/** Exactly one record per key in every log, and every planned key present. */
export function expectOnePerKey(recs: RunRecords): void {
  const want = expectedKeys();
  const got = {
    responses: keyCounts(recs.responses.map(responseKey)),
    judgments: keyCounts(recs.judgments.map(judgmentKey)),
    comparisons: keyCounts(recs.comparisons.map(comparisonKey)),
  };
  for (const log of ['responses', 'judgments', 'comparisons'] as const) {
    const dup = [...got[log]].filter(([, n]) => n !== 1);
    expect(dup, `${log}: keys recorded more than once`).toEqual([]);
    expect([...got[log].keys()].sort(), `${log}: keys recorded`).toEqual([...want[log]].sort());
  }
}

/** No failure of any kind on record: every fault was absorbed by retries. */
export function expectNoFailures(recs: RunRecords): void {
  expect(recs.responses.filter((r) => r.error).map((r) => r.error)).toEqual([]);
  expect(recs.judgments.filter((j) => j.failure || j.score === null).map((j) => j.failure)).toEqual([]);
  expect(recs.comparisons.filter((c) => c.failure || c.outcome === null).map((c) => c.failure)).toEqual([]);
}

export interface Reference {
  figures: any;
  /** judgment key → score */
  scores: Map<string, number | null>;
  /** comparison key → combined outcome */
  outcomes: Map<string, string | null>;
  /** Chat requests the undisturbed pipeline made. */
  requests: number;
}

/** The undisturbed pipeline on a healthy fake server. */
export async function buildReference(handler: FakeHandler = roleplayHandler()): Promise<Reference> {
  const server = await startFakeServer({ handler });
  const ws = makeWorkspace('faults-ref');
  try {
    const cfg = pipelineConfig(ws, server.url);
    const runs = await runPipeline(cfg);
    for (const stage of STAGES) expect(runs[stage], `reference ${stage} needed a rerun`).toHaveLength(1);
    const recs = readRecords(ws);
    expectOnePerKey(recs);
    expectNoFailures(recs);
    return {
      figures: figures(readReport(ws)),
      scores: new Map(recs.judgments.map((j) => [judgmentKey(j), j.score])),
      outcomes: new Map(recs.comparisons.map((c) => [comparisonKey(c), c.outcome])),
      requests: server.requests.length,
    };
  } finally {
    await server.close();
    ws.remove();
  }
}
