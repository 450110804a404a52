// What a run directory says about its own completeness beyond its records
// (runs/<id>/status.json): the stages that stopped at a budget (--max-calls,
// --max-tokens: exit 5) with the work they left undone, and how many samples
// the last session selected (the whole that media drops are a share of).
// A budget stop leaves records that look like a smaller finished run; this
// file is what lets the report — and `merge`, per shard — say it is not.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { BudgetStop } from '../core/report.js';
import { writeFileAtomic } from '../store/jsonl.js';

export const STATUS_FILE = 'status.json';

export type StoppedStage = BudgetStop['stage'];
export type { BudgetStop };

const UNIT: Record<StoppedStage, string> = { generate: 'responses', score: 'judgments', compare: 'comparisons' };

export interface RunStatus {
  /** Samples the last session selected, before media drops. */
  selected?: number;
  budgetStops?: BudgetStop[];
}

export function readRunStatus(runDir: string): RunStatus {
  const file = join(runDir, STATUS_FILE);
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunStatus;
  } catch (err) {
    // Unreadable: refusing beats a report that calls a stopped run complete.
    throw new UsageError(`${file}: unreadable run status (${(err as Error).message}); restore it or remove it if the run is known complete`);
  }
}

export function writeRunStatus(runDir: string, status: RunStatus): void {
  const file = join(runDir, STATUS_FILE);
  const empty = status.selected === undefined && !status.budgetStops?.length;
  if (empty && !existsSync(file)) return;
  const { budgetStops, ...rest } = status;
  writeFileAtomic(file, `${JSON.stringify({ ...rest, ...(budgetStops?.length ? { budgetStops } : {}) }, null, 2)}\n`);
}

function update(runDir: string, change: (s: RunStatus) => RunStatus): void {
  writeRunStatus(runDir, change(readRunStatus(runDir)));
}

export function recordSelected(runDir: string, selected: number): void {
  update(runDir, (s) => ({ ...s, selected }));
}

/** A stage stopped at the budget with `notDone` of `planned` records missing (null, null: it never started). */
export function recordBudgetStop(runDir: string, stage: StoppedStage, planned: number | null, notDone: number | null): void {
  const entry: BudgetStop = { stage, planned, notDone, unit: UNIT[stage] };
  update(runDir, (s) => ({ ...s, budgetStops: [...(s.budgetStops ?? []).filter((b) => b.stage !== stage), entry] }));
}

/**
 * The stage ran to its end over `planned` records: an earlier budget stop of
 * it no longer holds — unless this pass covered less than the stopped one
 * (--models, --ids, --limit…): then what the stop left may still be undone, and it stays.
 */
export function clearBudgetStop(runDir: string, stage: StoppedStage, planned: number): void {
  const s = readRunStatus(runDir);
  const stop = s.budgetStops?.find((b) => b.stage === stage);
  if (!s.budgetStops || !stop || (stop.planned !== null && planned < stop.planned)) return;
  writeRunStatus(runDir, { ...s, budgetStops: s.budgetStops.filter((b) => b.stage !== stage) });
}

/** One line per stop, as the report and `merge` say it. */
export function describeBudgetStop(b: BudgetStop): string {
  const where = b.shard ? `shard ${b.shard}: ` : '';
  if (b.planned === null || b.notDone === null) return `${where}${b.stage} not run (an earlier stage stopped at the budget)`;
  return `${where}${b.stage} stopped at the budget (--max-calls/--max-tokens): ${b.notDone} of ${b.planned} ${b.unit} not done`;
}
