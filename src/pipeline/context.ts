// What every stage needs: the loaded config, the run store and the one
// provider through which every network call goes.
import { dirname, join } from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { RunStore } from '../store/run.js';
import { lockRunDir, type RunLock } from '../store/lock.js';
import { probeWritable } from '../core/disk.js';
import { AnonymityGuard } from '../judge/protocol/anonymity.js';
import { Provider } from '../provider/index.js';
import { VERSION } from '../core/version.js';
import { growingPercent } from '../core/heap.js';
import { unrecordedLedger } from './unrecorded.js';
import { expectOwedAnswers } from './batch/owed.js';
import type { DryRunTally, JudgeContext, JudgeOverrides } from '../judge/ask.js';
import type { ChatRequest } from '../provider/types.js';
import type { ResponseRecord } from '../core/records.js';

export interface StageContext extends JudgeContext {
  loaded: LoadedConfig;
  store: RunStore;
  provider: Provider;
  /** Jobs in flight at once: enough to keep every provider slot busy. */
  inflight: number;
  noCache: boolean;
  quiet: boolean;
  judgeOverrides: JudgeOverrides;
  /** Set by --dry-run: judge calls are tallied here instead of made, and no record is written. */
  dryRun?: DryRunTally;
  /**
   * Set in batch mode's collection pass: every first-attempt request is handed
   * here instead of sent, and no record is written. The batch results are then
   * put in the cache and the stage reruns normally, answered from the cache.
   */
  collect?: (req: ChatRequest) => void | Promise<void>;
  /** Dry run only: the responses generate would make, judged as if recorded (src/pipeline/planned.ts). */
  plannedResponses?: Map<string, Map<string, ResponseRecord>>;
  /** Dry run only: the model calls generate would make (for run's grand total). */
  dryRunGenerateCalls?: number;
  log: (msg: string) => void;
  /** The run directory's one-writer lock (absent in a dry run, which writes nothing). */
  lock?: RunLock;
}

export interface ContextOptions {
  noCache?: boolean;
  quiet?: boolean;
  concurrency?: number;
  maxCalls?: number;
  maxTokens?: number;
  shard?: string;
  dryRun?: boolean;
}

export function runDir(loaded: LoadedConfig): string {
  return join(loaded.config.run.outputDir, loaded.config.run.id);
}

export function openContext(loaded: LoadedConfig, opts: ContextOptions = {}): StageContext {
  const { config } = loaded;
  const store = new RunStore(runDir(loaded));
  const noCache = Boolean(opts.noCache) || !config.provider.cache;
  // An unwritable cache is one clear error before the first call and before
  // the run directory is touched, not a failed judgment per call.
  if (!noCache && !opts.dryRun) probeWritable(config.provider.cacheDir, 'the response cache directory');
  // Taken before anything is written, so a second process is refused with nothing touched.
  const lock = opts.dryRun ? undefined : lockRunDir(store.dir);
  if (lock?.tookOver)
    process.stderr.write(
      `warning: took over the lock of ${store.dir} left by process ${lock.tookOver.pid} (no longer running) since ${lock.tookOver.startedAt}\n`,
    );
  try {
    if (!opts.dryRun)
      store.init(
        {
          runId: config.run.id,
          configHash: loaded.hash,
          rolejudgeVersion: VERSION,
          createdAt: new Date().toISOString(),
          seed: config.run.seed,
          ...(opts.shard ? { shard: opts.shard } : {}),
        },
        config,
      );
  } catch (err) {
    lock?.release();
    throw err;
  }
  const concurrency = opts.concurrency ?? config.provider.concurrency;
  const provider = new Provider({
    concurrency,
    cacheDir: noCache ? null : config.provider.cacheDir,
    timeoutMs: config.provider.timeoutMs,
    maxRetries: config.provider.maxRetries,
    maxRetryAfterMs: config.provider.maxRetryAfterSec * 1000,
    transport: config.provider.transport,
    pacing: config.provider.pacing,
    breaker: config.provider.breaker,
    budget: { maxCalls: opts.maxCalls, maxTokens: opts.maxTokens },
    heapGrowingPercent: growingPercent(process.env, (msg) => process.stderr.write(`warning: ${msg}\n`)),
  });
  // Batch answers a killed process paid for and no record holds are calls, whatever mode this run uses (batch/owed.ts).
  try {
    if (!opts.dryRun && !noCache) expectOwedAnswers(provider, store.dir);
  } catch (err) {
    lock?.release();
    throw err;
  }
  return {
    loaded,
    store,
    provider,
    inflight: Math.max(4, concurrency * 2),
    noCache,
    quiet: Boolean(opts.quiet) || Boolean(opts.dryRun),
    judgeOverrides: config.judgeOverrides,
    frames: { cacheDir: config.framesCacheDir, datasetRoot: config.dataset.root ?? dirname(config.dataset.path) },
    ...(opts.dryRun ? { dryRun: { calls: 0, cached: 0, promptTokens: 0, completionTokens: 0 } } : {}),
    log: (msg) => process.stderr.write(msg + '\n'),
    anonymity: new AnonymityGuard(config.models, config.score.anonymity),
    ...(lock ? { lock } : {}),
    // A dry run sends nothing, so nothing can be cut off.
    ...(opts.dryRun ? {} : { unrecorded: unrecordedLedger(store.dir) }),
  };
}
