// How a stage ended, read back from the run directory: what was judged, what
// failed and why, per model. Every command prints it when it finishes, and a
// command that could judge nothing (for a model, or at all), or whose failures
// are over `failures.maxShare`, ends with exit 3 and a one-line reason — a
// figure built on no data must not look like one built on data.
import type { Comparison, Judgment, ResponseRecord } from '../core/records.js';
import { UnfitRunError } from '../core/errors.js';
import type { RunStore } from '../store/run.js';
import { readJsonl } from '../store/jsonl.js';
import { existsSync } from 'node:fs';

export interface FailureTally {
  /** Records of this command's selection. */
  total: number;
  failed: number;
  /** Failures by kind ("parse", "missing-response", …). */
  byKind: Map<string, number>;
  /** Per model (candidate␀baseline for comparisons): [records, failed]. */
  byModel: Map<string, [number, number]>;
}

function emptyTally(): FailureTally {
  return { total: 0, failed: 0, byKind: new Map(), byModel: new Map() };
}

function add(t: FailureTally, model: string, kind: string | undefined): void {
  t.total++;
  const m = t.byModel.get(model) ?? [0, 0];
  m[0]++;
  if (kind !== undefined) {
    t.failed++;
    m[1]++;
    t.byKind.set(kind, (t.byKind.get(kind) ?? 0) + 1);
  }
  t.byModel.set(model, m);
}

export async function judgmentTally(store: RunStore, models: string[], judges: string[]): Promise<FailureTally> {
  const t = emptyTally();
  const want = new Set(models);
  for (const judge of judges)
    for await (const j of readAll<Judgment>(store, store.judgmentsFile(judge))) if (want.has(j.model)) add(t, j.model, j.failure?.kind);
  return t;
}

export async function comparisonTally(store: RunStore, pairs: { candidates: string[]; baselines: string[] }, judges: string[]): Promise<FailureTally> {
  const t = emptyTally();
  for (const judge of judges)
    for await (const c of readAll<Comparison>(store, store.comparisonsFile(judge))) {
      if (!pairs.candidates.includes(c.candidate) || !pairs.baselines.includes(c.baseline)) continue;
      add(t, `${c.candidate} vs ${c.baseline}`, c.outcome === null ? (c.failure?.kind ?? 'parse') : undefined);
    }
  return t;
}

export async function responseTally(store: RunStore, models: string[]): Promise<FailureTally> {
  const t = emptyTally();
  for (const model of models) for await (const r of readAll<ResponseRecord>(store, store.responsesFile(model))) add(t, model, r.error ? 'error' : undefined);
  return t;
}

async function* readAll<T>(_store: RunStore, file: string): AsyncGenerator<T> {
  if (existsSync(file)) yield* readJsonl<T>(file);
}

/** "3 of 240 failed (missing-response 2, parse 1)". */
export function describeTally(t: FailureTally): string {
  if (!t.failed) return `0 of ${t.total} failed`;
  const kinds = [...t.byKind].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`);
  return `${t.failed} of ${t.total} failed (${kinds.join(', ')})`;
}

/**
 * Throws UnfitRunError (exit 3) when nothing could be judged, when some model
 * got nothing judged, or when the failed share is over maxShare.
 */
export function checkTally(what: string, t: FailureTally, maxShare: number, hint: string): void {
  if (t.total === 0) return;
  if (t.failed === t.total) throw new UnfitRunError(`${what}: nothing could be judged — ${describeTally(t)}; ${hint}`);
  const empty = [...t.byModel].filter(([, [n, f]]) => n > 0 && f === n).map(([m]) => m);
  if (empty.length) throw new UnfitRunError(`${what}: nothing could be judged for ${empty.join(', ')} — ${describeTally(t)}; ${hint}`);
  const share = t.failed / t.total;
  if (share > maxShare) {
    throw new UnfitRunError(
      `${what}: ${describeTally(t)}, a share of ${(share * 100).toFixed(1)}% over failures.maxShare ${(maxShare * 100).toFixed(1)}%; ${hint}`,
    );
  }
}
