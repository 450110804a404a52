// --batch for a stage command: a collection pass gathers every first-attempt
// request without sending it, the Batch API answers them into the cache, and
// the stage then runs normally: batched answers are cache hits, the rest
// (errors, re-asks, anything the batch did not return) goes online.
//
// Tuning by environment (mostly for tests and providers with other limits):
//   ROLEJUDGE_BATCH_POLL_MS=initial[,max]   poll backoff (default 1000,60000)
//   ROLEJUDGE_BATCH_MAX_REQUESTS / ROLEJUDGE_BATCH_MAX_BYTES   per input file
import type { StageContext } from '../context.js';
import type { ChatRequest } from '../../provider/types.js';
import { UsageError } from '../../core/errors.js';
import type { FileLimits } from './lines.js';
import type { PollOptions } from './poll.js';
import { runBatch, type BatchOptions, type BatchSummary } from './run-batch.js';
import { BatchState, statePath } from './state.js';

export type Argv = Record<string, unknown>;

function positive(name: string, v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${name} must be a non-negative number, got ${v}`);
  return n;
}

export function batchOptionsFromEnv(stage: string, env: Record<string, string | undefined> = process.env): BatchOptions {
  const [initial, max] = (env.ROLEJUDGE_BATCH_POLL_MS ?? '').split(',');
  const poll: Partial<PollOptions> = {};
  const i = positive('ROLEJUDGE_BATCH_POLL_MS', initial);
  const m = positive('ROLEJUDGE_BATCH_POLL_MS', max);
  if (i !== undefined) poll.initialMs = poll.maxMs = i;
  if (m !== undefined) poll.maxMs = m;
  const limits: Partial<FileLimits> = {};
  const r = positive('ROLEJUDGE_BATCH_MAX_REQUESTS', env.ROLEJUDGE_BATCH_MAX_REQUESTS);
  const b = positive('ROLEJUDGE_BATCH_MAX_BYTES', env.ROLEJUDGE_BATCH_MAX_BYTES);
  if (r) limits.maxRequests = r;
  if (b) limits.maxBytes = b;
  return { stage, poll, limits };
}

export function describeSummary(stage: string, s: BatchSummary): string {
  return (
    `batch (${stage}): ${s.requests} requests, ${s.cached} already cached, ` +
    `${s.submitted} submitted in ${s.created} new batch(es)` +
    (s.resumed ? `, ${s.resumed} batch(es) resumed` : '') +
    (s.paidUnread ? `, ${s.paidUnread} of the cached paid by this run's earlier batches (counted as calls)` : '') +
    `, ${s.ingested} answers cached` +
    (s.untrusted ? `, ${s.untrusted} cut off/filtered/refused (not cached)` : '') +
    (s.leftOnline + s.tooLarge + s.uncacheable ? `, ${s.leftOnline + s.tooLarge + s.uncacheable} to ask online` : '')
  );
}

/** Batches of this stage still out are paid when they finish: asking their requests online pays twice. */
function warnUncollected(ctx: StageContext, stage: string): void {
  const out = BatchState.load(ctx.store.dir).pending(stage);
  if (!out.length) return;
  const n = out.reduce((k, b) => k + b.requests, 0);
  ctx.log(
    `warning: ${out.length} batch(es) of ${n} requests this run submitted for ${stage} are not collected yet (${statePath(ctx.store.dir)}); ` +
      'they are paid when they finish, and without --batch their unrecorded requests are asked online again: rerun with --batch to collect them',
  );
}

/**
 * Run `runStage` in batch mode when --batch is set (else just run it). The
 * stage must honour ctx.collect: hand requests over and write no record.
 */
export async function withBatch<T>(
  ctx: StageContext,
  argv: Argv,
  stage: string,
  runStage: (ctx: StageContext) => Promise<T>,
  opts: BatchOptions = batchOptionsFromEnv(stage),
): Promise<T> {
  if (!argv.batch || ctx.dryRun) {
    if (!ctx.dryRun) warnUncollected(ctx, stage);
    return runStage(ctx);
  }
  if (ctx.noCache)
    throw new UsageError('--batch needs the response cache: batch answers reach the stage through it (drop --no-cache, or set provider.cache: true)');
  // A batch is paid for whole, so a call or token budget could not be kept.
  if (argv['max-calls'] !== undefined || argv['max-tokens'] !== undefined) {
    throw new UsageError('--batch cannot keep --max-calls/--max-tokens (a batch is submitted whole); use --limit or --shard to bound a batch run');
  }
  const requests: ChatRequest[] = [];
  await runStage({ ...ctx, quiet: true, collect: (req) => void requests.push(req) });
  const summary = await runBatch(ctx, requests, { progress: !ctx.quiet, ...opts });
  ctx.log(describeSummary(stage, summary));
  return runStage(ctx);
}
