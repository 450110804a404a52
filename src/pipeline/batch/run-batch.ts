// The Batch API round trip for the requests a collection pass gathered:
// submit what is neither cached nor already submitted, wait, put the answers
// into the cache. The stage then reruns and finds them there.
import type { StageContext } from '../context.js';
import type { ChatRequest, Endpoint } from '../../provider/types.js';
import type { SentParams } from '../../core/records.js';
import { ingestLines, downloadText, type IngestResult } from './ingest.js';
import { groupLines, OPENAI_LIMITS, splitLines, type FileLimits } from './lines.js';
import { DEFAULT_POLL, pollAll, progressLine, type PollOptions } from './poll.js';
import { BatchState, isTerminal, type BatchEntry } from './state.js';
import { expectOwedAnswers } from './owed.js';
import { readUnrecorded, unrecordedLedger } from '../unrecorded.js';
import { createBatch, MANAGE_RETRIES, uploadLines, type Batch } from './submit.js';

export type BatchContext = Pick<StageContext, 'provider' | 'store' | 'log'>;

export interface BatchOptions {
  stage: string;
  limits?: Partial<FileLimits>;
  poll?: Partial<PollOptions>;
  /** Log each status change of a batch (default true; the submit and result lines are always logged). */
  progress?: boolean;
}

export interface BatchSummary {
  /** Distinct requests the collection pass handed in. */
  requests: number;
  /** Already answered in the cache. */
  cached: number;
  /** Requests that bypass the cache (e.g. re-judging failures): only online makes sense. */
  uncacheable: number;
  /** Requests too large for any input file. */
  tooLarge: number;
  /** Batches created now, and the requests in them. */
  created: number;
  submitted: number;
  /** Batches of an earlier run picked up from batches.json. */
  resumed: number;
  ingested: number;
  /** Of cached, answers an earlier (killed) process of this run ingested and no record holds: this run's calls, not replays. */
  paidUnread: number;
  /** Answers that came back cut off, filtered or refused: paid for, not cached, asked online again. */
  untrusted: number;
  /** Requests that came back with an error or not at all: finished online. */
  leftOnline: number;
}

const endpointOf = (e: BatchEntry): Endpoint => ({
  name: e.endpoint.name,
  baseUrl: e.endpoint.baseUrl,
  model: e.endpoint.model,
  ...(e.endpoint.apiKeyEnv ? { apiKeyEnv: e.endpoint.apiKeyEnv } : {}),
});

export async function runBatch(ctx: BatchContext, requests: ChatRequest[], opts: BatchOptions): Promise<BatchSummary> {
  const { provider } = ctx;
  const limits: FileLimits = { ...OPENAI_LIMITS, ...opts.limits };
  const poll: PollOptions = { ...DEFAULT_POLL, ...opts.poll };
  const sum: BatchSummary = {
    requests: 0,
    cached: 0,
    uncacheable: 0,
    tooLarge: 0,
    created: 0,
    submitted: 0,
    resumed: 0,
    ingested: 0,
    paidUnread: 0,
    untrusted: 0,
    leftOnline: 0,
  };

  const todo = new Map<string, ChatRequest>();
  const seen = new Set<string>();
  const cachedNow = new Set<string>();
  for (const req of requests) {
    const h = provider.requestHash(req);
    if (seen.has(h)) continue;
    seen.add(h);
    sum.requests++;
    // A redo reads no cached reply, so a batch answer (read from the cache) would be paid for twice: it goes online.
    if (req.noCache || req.refresh) sum.uncacheable++;
    else if (await provider.isCached(req)) {
      sum.cached++;
      cachedNow.add(h);
    } else todo.set(h, req);
  }
  const sent = new Map<string, SentParams>();
  for (const [h, req] of todo) sent.set(h, provider.batchLine(req).sent);

  // Batches an earlier run submitted for these requests are waited for, not redone.
  const state = BatchState.load(ctx.store.dir);
  // Answers an earlier (killed) process of this run ingested and no record holds:
  // the collection pass hands in exactly the unrecorded requests, so those that
  // are cached are this run's calls still (owed.ts; the context handed them over
  // already, this counts them for the summary).
  sum.paidUnread = expectOwedAnswers(provider, ctx.store.dir, (h) => cachedNow.has(h)).size;
  const active: BatchEntry[] = [];
  for (const entry of state.pending(opts.stage)) {
    if (!entry.customIds.some((id) => todo.has(id))) continue;
    active.push(entry);
    sum.resumed++;
    for (const id of entry.customIds) todo.delete(id);
  }
  if (sum.resumed) ctx.log(`batch: resuming ${sum.resumed} batch(es) from ${state.path}`);

  for (const group of groupLines(provider, [...todo.values()])) {
    const { files, tooLarge } = splitLines(group.lines, limits);
    sum.tooLarge += tooLarge.length;
    const { client } = provider.batchClient(group.endpoint);
    for (const [i, lines] of files.entries()) {
      const name = `rolejudge-${opts.stage}-${group.endpoint.model.replace(/[^\w.-]+/g, '_')}-${i + 1}.jsonl`;
      const { inputFileId, b } = await explained(`submitting a batch to ${group.endpoint.baseUrl}`, async () => {
        const inputFileId = await uploadLines(client, lines, name);
        return { inputFileId, b: await createBatch(client, inputFileId) };
      });
      const now = new Date().toISOString();
      const entry: BatchEntry = {
        stage: opts.stage,
        endpoint: { name: group.endpoint.name, baseUrl: group.endpoint.baseUrl, model: group.endpoint.model, apiKeyEnv: group.endpoint.apiKeyEnv ?? null },
        inputFileId,
        batchId: b.id,
        requests: lines.length,
        customIds: lines.map((l) => l.customId),
        status: b.status,
        counts: b.request_counts ?? null,
        outputFileId: b.output_file_id ?? null,
        errorFileId: b.error_file_id ?? null,
        ingested: false,
        ingestedCount: 0,
        createdAt: now,
        updatedAt: now,
      };
      // Persisted before any waiting: a crash from here on resumes this batch.
      state.add(entry);
      active.push(entry);
      sum.created++;
      sum.submitted += lines.length;
      ctx.log(`batch ${b.id} (${opts.stage}, ${group.endpoint.model}): submitted ${lines.length} requests`);
    }
  }
  if (sum.tooLarge) ctx.log(`batch: ${sum.tooLarge} request(s) exceed the ${limits.maxBytes}-byte file limit and will be asked online`);

  const last = new Map<string, string>();
  await pollAll(
    active.map((entry) => {
      const { client, secret } = provider.batchClient(endpointOf(entry));
      return {
        batchId: entry.batchId,
        retrieve: () => client.batches.retrieve(entry.batchId, { maxRetries: MANAGE_RETRIES }),
        onUpdate: async (b: Batch) => {
          const line = progressLine(`${entry.stage}, ${entry.endpoint.model}`, b, last.get(entry.batchId) ?? null);
          if (line) {
            last.set(entry.batchId, line);
            if (opts.progress !== false) ctx.log(line);
          }
          state.update(entry.batchId, {
            status: b.status,
            counts: b.request_counts ?? null,
            outputFileId: b.output_file_id ?? null,
            errorFileId: b.error_file_id ?? null,
          });
          if (!isTerminal(b.status)) return;
          const r = await ingestBatch(ctx, client, secret, entry, b, sent);
          sum.ingested += r.ingested;
          sum.untrusted += r.untrusted.length;
          sum.leftOnline += r.errored + r.missing + r.untrusted.length;
          // The answers reach the disk before the batch is marked ingested: killed in
          // between, the rerun ingests the batch again instead of finding it done and
          // its paid answers gone with the unflushed cache segment.
          await provider.close();
          state.update(entry.batchId, { ingested: true, ingestedCount: r.ingested, ingestedIds: r.ids });
        },
      };
    }),
    poll,
  );
  return sum;
}

async function ingestBatch(
  ctx: BatchContext,
  client: Parameters<typeof downloadText>[0],
  secret: string | undefined,
  entry: BatchEntry,
  b: Batch,
  sent: Map<string, SentParams>,
): Promise<IngestResult> {
  if (b.status === 'failed') {
    const why = b.errors?.data
      ?.map((e) => e.message)
      .filter(Boolean)
      .slice(0, 3)
      .join('; ');
    ctx.log(`batch ${b.id} failed${why ? `: ${why}` : ''}; its ${entry.requests} requests will be asked online`);
  }
  const texts: string[] = [];
  for (const id of [b.output_file_id, b.error_file_id]) if (id) texts.push(await downloadText(client, id));
  // Only requests still wanted are stored: for others we do not know what was sent.
  const customIds = entry.customIds.filter((id) => sent.has(id));
  const r = await ingestLines({ provider: ctx.provider, texts, customIds, sentOf: (id) => sent.get(id), secret });
  countUntrusted(ctx, entry, r.untrusted);
  const rest = r.errored + r.missing + r.untrusted.length;
  ctx.log(
    `batch ${b.id}: ${r.ingested} answers cached` +
      (rest
        ? `, ${rest} to ask online (${r.errored} errors, ${r.missing} missing` +
          (r.untrusted.length ? `, ${r.untrusted.length} cut off/filtered/refused` : '') +
          ')'
        : '') +
      (r.messages.length ? ` — e.g. ${r.messages.join(' | ')}` : ''),
  );
  return r;
}

/**
 * An untrustworthy batch answer is not cached, so no record will carry the
 * line it was paid as: it goes to the run's unrecorded-spend ledger (which the
 * report adds to its counts), once per batch line. A resumed ingest after a
 * kill finds the line already there by its callId and does not add it again.
 */
function countUntrusted(ctx: BatchContext, entry: BatchEntry, untrusted: IngestResult['untrusted']): void {
  if (!untrusted.length) return;
  const already = new Set(readUnrecorded(ctx.store.dir).map((u) => u.spend.callId));
  const ledger = unrecordedLedger(ctx.store.dir);
  // Whose call it was, as the stage's own records name it: a model's answer in
  // generate, a judge's elsewhere (judge endpoints are named "judge:<name>", judge/ask.ts).
  const name = entry.endpoint.name;
  const by = entry.stage === 'generate' ? { model: name } : { judge: name.startsWith('judge:') ? name.slice('judge:'.length) : name };
  for (const u of untrusted) {
    const callId = `batch:${entry.batchId}:${u.id}`;
    if (already.has(callId)) continue;
    ledger(by, {
      callId,
      requests: 1,
      fromCache: 0,
      promptTokens: u.usage?.prompt ?? 0,
      completionTokens: u.usage?.completion ?? 0,
      promptTokensFromCache: 0,
      completionTokensFromCache: 0,
      ...(u.usage?.cached !== undefined ? { cachedPromptTokens: u.usage.cached } : {}),
    });
  }
}

/** SDK errors say what failed but not during what: a server without the Batch API answers 404. */
async function explained<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new Error(`${what}: ${err instanceof Error ? err.message : String(err)} (does this server offer the Batch API?)`, { cause: err });
  }
}
