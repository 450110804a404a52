// How a stage ended, read back from the run directory: what was judged, what
// failed and why, per model. Every command prints it when it finishes, and a
// command that could judge nothing (for a model, or at all), or whose failures
// are over `failures.maxShare`, ends with exit 3 and a one-line reason — a
// figure built on no data must not look like one built on data.
import type { Comparison, Judgment, ResponseRecord } from '../core/records.js';
import { UnfitRunError } from '../core/errors.js';
import { comparisonKey, judgmentKey, responseKey, type RunStore } from '../store/run.js';
import { readJsonl } from '../store/jsonl.js';
import { existsSync } from 'node:fs';
import { oncePerKey } from './once-per-key.js';

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

// A key logged twice counts once, as in the report: a judgment's or comparison's first record, a response's last.
// Each record is counted as one number, its model (or pair) and failure kind interned.
class Counter {
  private readonly labels = new Interned();
  private readonly kinds = new Interned();

  /** The number standing for (label, kind); kind undefined when the record did not fail. */
  code(label: string, kind: string | undefined): number {
    return this.labels.index(label) * 65536 + (kind === undefined ? 0 : 1 + this.kinds.index(kind));
  }

  tally(codes: Float64Array): FailureTally {
    const t = emptyTally();
    for (const c of codes) {
      const kind = c % 65536;
      add(t, this.labels.list[Math.floor(c / 65536)]!, kind === 0 ? undefined : this.kinds.list[kind - 1]);
    }
    return t;
  }
}

/** Strings numbered in the order first seen. */
class Interned {
  readonly list: string[] = [];
  private readonly at = new Map<string, number>();

  index(value: string): number {
    let i = this.at.get(value);
    if (i === undefined) {
      i = this.list.push(value) - 1;
      this.at.set(value, i);
    }
    return i;
  }
}

function allOf<T>(files: string[]): () => AsyncGenerator<T> {
  return async function* () {
    for (const f of files) yield* readAll<T>(f);
  };
}

export async function judgmentTally(store: RunStore, models: string[], judges: string[]): Promise<FailureTally> {
  const want = new Set(models);
  const files = judges.map((judge) => store.judgmentsFile(judge));
  const c = new Counter();
  const codes = await oncePerKey<Judgment>(
    allOf<Judgment>(files),
    (j) => (want.has(j.model) ? { key: judgmentKey(j), value: c.code(j.model, j.failure?.kind) } : null),
    'first',
  );
  return c.tally(codes);
}

export async function comparisonTally(store: RunStore, pairs: { candidates: string[]; baselines: string[] }, judges: string[]): Promise<FailureTally> {
  const files = judges.map((judge) => store.comparisonsFile(judge));
  const k = new Counter();
  const codes = await oncePerKey<Comparison>(
    allOf<Comparison>(files),
    (c) =>
      pairs.candidates.includes(c.candidate) && pairs.baselines.includes(c.baseline)
        ? { key: comparisonKey(c), value: k.code(`${c.candidate} vs ${c.baseline}`, c.outcome === null ? (c.failure?.kind ?? 'parse') : undefined) }
        : null,
    'first',
  );
  return k.tally(codes);
}

export async function responseTally(store: RunStore, models: string[]): Promise<FailureTally> {
  const want = new Set(models);
  const files = models.map((model) => store.responsesFile(model));
  const c = new Counter();
  const codes = await oncePerKey<ResponseRecord>(
    allOf<ResponseRecord>(files),
    (r) => (want.has(r.model) ? { key: responseKey(r), value: c.code(r.model, r.error ? 'error' : undefined) } : null),
    'last',
  );
  return c.tally(codes);
}

async function* readAll<T>(file: string): AsyncGenerator<T> {
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
