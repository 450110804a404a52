// One pipeline run against a fake server that misbehaves by plan, and the
// checks every survivable fault must pass: the run completes, one record per
// key, no failure on record, and the report's figures equal the reference.
import { expect } from 'vitest';
import type { CliResult } from '../helpers/cli.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { makeWorkspace, type Workspace } from '../e2e/workspace.js';
import { faultyHandler, type FaultPlan, type FaultyHandler, type FaultyOptions } from './faulty.js';
import {
  expectNoFailures,
  expectOnePerKey,
  figures,
  pipelineConfig,
  readRecords,
  readReport,
  runPipeline,
  STAGES,
  type Reference,
  type RunRecords,
  type Stage,
} from './pipeline.js';

export interface Disturbed {
  runs: Record<Stage, CliResult[]>;
  records: RunRecords;
  report: any;
  faulty: FaultyHandler;
  server: FakeServer;
}

/** Runs the whole pipeline against `plan`; the server and workspace are gone afterwards. */
export async function disturbedRun(
  tag: string,
  plan: FaultPlan,
  provider: Record<string, unknown>,
  opts: FaultyOptions & { extra?: Record<string, unknown> } = {},
): Promise<Disturbed> {
  const faulty = faultyHandler(plan, opts);
  const server = await startFakeServer({ handler: faulty.handler });
  const ws: Workspace = makeWorkspace(`faults-${tag}`);
  try {
    const cfg = pipelineConfig(ws, server.url, provider, opts.extra);
    const runs = await runPipeline(cfg);
    return { runs, records: readRecords(ws), report: readReport(ws), faulty, server };
  } finally {
    await server.close();
    ws.remove();
  }
}

/** A fault the retry budget covers: invisible in the results. */
export function expectAbsorbed(d: Disturbed, ref: Reference): void {
  for (const stage of STAGES) {
    const last = d.runs[stage][d.runs[stage].length - 1]!;
    expect(d.runs[stage], `${stage} needed a rerun:\n${last.stderr}`).toHaveLength(1);
  }
  expectOnePerKey(d.records);
  expectNoFailures(d.records);
  expect(figures(d.report)).toEqual(ref.figures);
  // Not vacuous: the faults cost extra requests, which the retries made.
  expect(d.server.requests.length).toBeGreaterThan(ref.requests);
}
