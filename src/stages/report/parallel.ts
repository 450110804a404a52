// The report stage on several cores, for runs too large for one: judgment
// logs are cut into byte ranges folded by worker threads and merged in range
// order, and the bootstrap intervals are computed by the same workers. JSON
// parsing and resampling are CPU-bound, so this is what scales a 4-million-
// judgment run; small runs stay in one thread (no start-up cost). Where a
// log has its columnar index (store/judgment-index) the main thread folds
// the columns — faster in one thread than parsing in all — while the workers
// hash the log bytes the segments claim; only what the index lacks is cut
// into ranges.
//
// The result equals the one-thread pass: ranges hold whole lines, partials
// merge in file order, and any duplicate record split across ranges sends the
// whole collection back to the sequential pass, which resolves it exactly.
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Interval } from '../../stats/index.js';
import { lineRanges } from '../../store/jsonl.js';
import type { RunStore } from '../../store/run.js';
import type { IntervalJob } from './aggregate.js';
import { collect } from './collect-run.js';
import { collectComparisons, collectResponses, emptyCollected, type Collected } from './collect.js';
import { foldIndexedHashed, foldJson } from './indexed.js';
import { stampQuietly } from '../../store/judgment-index/build.js';
import { logIdentity, stampHolds } from '../../store/judgment-index/stamp.js';
import { chainOf, indexDirOf } from '../../store/judgment-index/segment.js';
import { mergePartial, type Partial } from './partial.js';
import type { WorkerTask } from './worker.js';

/** Below this much judgment data the sequential pass is faster than starting workers. */
const PARALLEL_BYTES = 64 * 1024 * 1024;
/** Work items of about this size keep both cores busy to the end. */
const RANGE_BYTES = 64 * 1024 * 1024;
const MAX_THREADS = 8;
/**
 * Below this many resampled draws in total, intervals are computed in-process.
 * The pool is already running by then (it was started for the fold), so only
 * posting the values costs: past ~20 M draws (a few hundred ms) two workers win.
 */
const PARALLEL_DRAWS = 20_000_000;

// Compiled next to this file; absent when running from TypeScript sources (tests), which then stay sequential.
const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));

type Distributive<T> = T extends unknown ? Omit<T, 'id'> : never;

/** A pool of worker threads taking tasks in order; results come back per task. */
export class ReportPool {
  private readonly workers: Worker[];
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly idle: Worker[] = [];
  private readonly queue: Array<() => void> = [];

  constructor(size: number) {
    this.workers = Array.from({ length: size }, () => {
      // A larger young generation: folding allocates a parsed record per line,
      // and the default one made the workers spend a tenth of their time collecting.
      const w = new Worker(WORKER, { resourceLimits: { maxYoungGenerationSizeMb: 64 } });
      w.on('message', (m: { id: number; result?: unknown; error?: string }) => {
        const p = this.pending.get(m.id)!;
        this.pending.delete(m.id);
        this.release(w);
        if (m.error !== undefined) p.reject(new Error(`report worker: ${m.error}`));
        else p.resolve(m.result);
      });
      // A crashed worker fails every task still waiting on it: never a hang.
      w.on('error', (err) => this.failAll(err));
      w.on('exit', (code) => code !== 0 && this.failAll(new Error(`report worker exited with code ${code}`)));
      this.idle.push(w);
      return w;
    });
  }

  static available(): boolean {
    return existsSync(WORKER);
  }

  run<T>(task: Distributive<WorkerTask>, transfer: ArrayBuffer[] = []): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        const w = this.idle.pop()!;
        const id = ++this.seq;
        this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        w.postMessage({ ...task, id }, transfer);
      };
      if (this.idle.length) start();
      else this.queue.push(start);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private release(w: Worker): void {
    this.idle.push(w);
    this.queue.shift()?.();
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

/** `ROLEJUDGE_REPORT_RANGE_BYTES` cuts smaller ranges (tests: many ranges on a small run). */
function rangeBytesFrom(env: NodeJS.ProcessEnv): number {
  const n = Number(env.ROLEJUDGE_REPORT_RANGE_BYTES);
  return Number.isInteger(n) && n >= 1 ? n : RANGE_BYTES;
}

/** Threads for a report of this run: 1 means sequential. `ROLEJUDGE_REPORT_THREADS` overrides. */
export function reportThreads(store: RunStore, env: NodeJS.ProcessEnv = process.env): number {
  if (!ReportPool.available()) return 1;
  const forced = env.ROLEJUDGE_REPORT_THREADS;
  if (forced !== undefined && forced !== '') {
    const n = Number(forced);
    return Number.isInteger(n) && n >= 1 ? n : 1;
  }
  const bytes = store.listFiles(store.judgmentsDir).reduce((n, f) => n + statSync(f).size, 0);
  // Past a few threads the main thread's merge, not parsing, sets the pace.
  return bytes >= PARALLEL_BYTES ? Math.min(MAX_THREADS, Math.max(1, availableParallelism())) : 1;
}

/**
 * collect(), with the judgment logs folded by the pool where their index does
 * not reach: each log's verified index segments are folded here (columns are
 * cheap to fold, see fold-columns.ts), and only what lies past them is cut
 * into ranges for the workers, which index those ranges as they fold them.
 */
export async function collectParallel(store: RunStore, pool: ReportPool, rangeBytes = rangeBytesFrom(process.env)): Promise<Collected> {
  // Each log's index segments by name; their bytes are hashed by the workers while this thread folds them.
  // (None while the log's stamp says it is unchanged since its index was checked, see store/judgment-index/stamp.ts.)
  const logs = store.listFiles(store.judgmentsDir).map((file) => {
    const id = logIdentity(file);
    const chain = chainOf(indexDirOf(file), Number(id?.size ?? 0));
    return { file, id, chain, trusted: stampHolds(file, chain) };
  });
  const hashes = logs.map(({ file, chain, trusted }) =>
    trusted ? null : chain.map(([start, end]) => pool.run<string | null>({ kind: 'hash', file, start, end })),
  );
  // What lies past the named segments is folded (and indexed) by the workers, range by range.
  const named = (chain: ReadonlyArray<readonly [number, number, string]>) => chain.at(-1)?.[1] ?? 0;
  const tasks = logs.flatMap(({ file, chain }) => lineRanges(file, rangeBytes, named(chain)).map((range) => ({ file, range })));
  const partials = tasks.map((t) => pool.run<Partial | null>({ kind: 'fold', ...t }));
  // Awaited in order below; a later one failing first must not go unhandled meanwhile.
  for (const p of [...partials, ...hashes.flatMap((h) => h ?? [])]) p.catch(() => undefined);
  const c = emptyCollected();
  await collectResponses(store, c);
  let next = 0;
  // Log after log: its index, then the stretch its index did not verify, then its ranges in order.
  for (const [i, { file, id, chain, trusted }] of logs.entries()) {
    const at = await foldIndexedHashed(c, file, chain, hashes[i]!);
    if (at === null) return collect(store);
    // The whole log matched its index, hashed: stamped, so the next report skips the hashing.
    if (!trusted && at === Number(id?.size ?? -1)) stampQuietly(file, id, chain);
    if (at < named(chain)) await foldJson(c, file, { start: at, end: named(chain) });
    for (; next < tasks.length && tasks[next]!.file === file; next++) {
      const partial = await partials[next]!;
      if (!partial || !mergePartial(c, partial, file)) return collect(store);
    }
  }
  await collectComparisons(store, c);
  return c;
}

/**
 * Bootstrap intervals by seed, computed by the pool; undefined (nothing
 * started) when the work is small enough for in-process. Decided at once, so
 * the caller knows whether to build the report meanwhile (late-intervals.ts).
 * The jobs' values are moved to the workers: unusable here afterwards.
 */
export function intervalsParallel(jobs: IntervalJob[], pool: ReportPool, minDraws = PARALLEL_DRAWS): Promise<Map<string, Interval | null>> | undefined {
  const draws = jobs.reduce((n, j) => n + j.values.length * j.resamples, 0);
  if (draws < minDraws) return undefined;
  // Longest first, so the last job to finish is a short one.
  const order = [...jobs].sort((a, b) => b.values.length - a.values.length);
  const cis = order.map((j) =>
    pool.run<Interval | null>({ kind: 'bootstrap', values: j.values, seed: j.seed, resamples: j.resamples }, [j.values.buffer as ArrayBuffer]),
  );
  return Promise.all(cis).then((done) => new Map(order.map((j, i) => [j.seed, done[i]!])));
}
