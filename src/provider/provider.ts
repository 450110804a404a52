// The one door to the network: every model and judge call goes through
// Provider.chat, which adds caching, bounded concurrency, retries, model
// adaptation and budget guards.
import type { SentParams } from '../core/records.js';
import { attemptOnce, type AttemptOutcome } from './attempt.js';
import { AttemptThread } from './attempt-thread.js';
import { Breakers } from './breaker.js';
import { CallStop } from './stop.js';
import { UnfitRunError } from '../core/errors.js';
import { DiskCache } from './cache.js';
import { ClientPool } from './client.js';
import { modelKey, validateEndpoint } from './endpoint.js';
import { classify, ProviderError } from './errors.js';
import { requestHash } from './hash.js';
import { Limiter } from './limiter.js';
import { Pacer, type PaceTicket } from './pacer.js';
import { promptChars } from './rate-headers.js';
import type { HeaderSource } from './retry.js';
import { adaptationFor, applyAdaptation, emptyAdaptation, responseFormatOf, sentOf, staticParams, type Adaptation } from './params.js';
import { retryDelay, seededRandom, sleep, type BackoffConfig } from './retry.js';
import { checkRetryAfter } from './wait.js';
import type { ChatRequest, ChatResult, ProviderOptions, ProviderStats } from './types.js';
import type { Endpoint } from './types.js';
import type OpenAI from 'openai';
import { holdLeanHeap } from '../core/heap.js';
import { reportRateLimitWaits } from '../core/progress.js';

export class Provider {
  private readonly opts: Required<Pick<ProviderOptions, 'timeoutMs' | 'maxRetries'>> & ProviderOptions;
  private readonly backoff: BackoffConfig;
  private readonly rand: () => number;
  private readonly limiter: Limiter;
  private readonly pacer: Pacer | null;
  /** Set by the first chat(): start-up (reading the split and responses) runs under V8's own growth factor, which measured ~17 ms faster to the first request. */
  private releaseHeap: (() => void) | null = null;
  /** Stops the progress line counting this provider's calls held by the pacer. */
  private unreportWaits: () => void = () => {};
  private readonly clients: ClientPool;
  /** Set when network attempts run on a worker thread (see attempt-thread.ts). */
  private readonly thread: AttemptThread | null;
  private readonly breakers: Breakers;
  /**
   * Retry-After stops by rate-limit key: once a server asked to wait too long,
   * nothing more is sent under that key in this process, not even a call that
   * was sleeping in backoff when it came (it would be a new paid request).
   */
  private readonly stops = new Map<string, CallStop>();
  private readonly adaptations = new Map<string, Adaptation>();
  private readonly inflight = new Map<string, Promise<ChatResult>>();
  private cache: Promise<DiskCache> | null = null;
  private callsStarted = 0;
  /**
   * Hashes of batch answers this run paid for and no record holds yet: ingested
   * by this process, or by a killed earlier one (handed over on resume through
   * expectBatchAnswers, since a crash loses this set).
   */
  private readonly ingested = new Set<string>();
  /** Hears each paid batch answer's first read, so the run directory can remember it was counted. */
  private batchRead: ((hash: string) => void) | null = null;
  private readonly counters: ProviderStats = {
    calls: 0,
    cacheHits: 0,
    retries: 0,
    errors: 0,
    promptTokens: 0,
    cachedPromptTokens: 0,
    completionTokens: 0,
    latencyMsTotal: 0,
  };

  constructor(options: ProviderOptions = {}) {
    const concurrency = options.concurrency ?? 16;
    if (!(Number.isInteger(concurrency) && concurrency >= 1)) throw new TypeError('concurrency must be a positive integer');
    this.opts = { ...options, timeoutMs: options.timeoutMs ?? 120_000, maxRetries: options.maxRetries ?? 5 };
    this.backoff = {
      baseDelayMs: options.baseDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 30_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 120_000,
      jitter: options.jitter ?? true,
    };
    this.rand = options.seed === undefined ? Math.random : seededRandom(options.seed);
    this.limiter = new Limiter(concurrency);
    this.pacer = options.pacing === false ? null : new Pacer(undefined, options.maxRetryAfterMs ?? 120_000);
    const pacer = this.pacer;
    if (pacer) this.unreportWaits = reportRateLimitWaits(() => pacer.waiting());
    this.clients = new ClientPool(options.env ?? process.env, this.opts.timeoutMs);
    const env = options.env ?? process.env;
    this.thread = (options.thread ?? env.ROLEJUDGE_PROVIDER_THREAD === '1') ? new AttemptThread(env, this.opts.timeoutMs) : null;
    // Off unless asked for: the config turns it on (provider.breaker, default 5).
    this.breakers = new Breakers(options.breaker?.consecutiveFailures ?? 0);
  }

  /** Hash the request would be cached under (also its provenance id). */
  requestHash(req: ChatRequest): string {
    return requestHash(req);
  }

  /** Whether chat(req) would be answered from the cache (used by --dry-run). */
  async isCached(req: ChatRequest): Promise<boolean> {
    const cache = req.noCache || req.refresh ? null : await this.openCache();
    return cache ? (await cache.get(requestHash(req))) !== null : false;
  }

  stats(): ProviderStats {
    return { ...this.counters };
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    this.releaseHeap ??= holdLeanHeap(this.opts.heapGrowingPercent ?? 0);
    validateEndpoint(req.endpoint);
    if (typeof req.key !== 'string') throw new TypeError('request key must be a string');
    const hash = requestHash(req);
    const cache = req.noCache ? null : await this.openCache();
    if (!cache) return this.counted(this.fetch(req, hash));

    // A redo (refresh) reads no cached reply, yet its new one is cached below.
    const hit = req.refresh ? null : await cache.get(hash);
    if (hit) {
      // A batch answer this run paid for: its first read counts as one call, not a replay,
      // in these stats as in the report (which counts it from the record's spend).
      if (this.ingested.delete(hash)) return this.batchAnswer(hash, hit.content, hit.usage, hit.finishReason, hit.sent);
      return this.fromCache(hash, hit.content, hit.usage, hit.finishReason, hit.sent);
    }
    // Identical requests already on the wire are the same draw: wait for it.
    const running = this.inflight.get(hash);
    if (running) {
      const r = await running;
      return this.fromCache(hash, r.content, r.usage, r.finishReason, r.sent);
    }
    const p = this.counted(this.fetch(req, hash)).then((r) => {
      // A reply cut off, filtered or refused is not an answer: never replayed.
      if (trustworthy(r)) cache.put({ h: hash, content: r.content, usage: r.usage, finishReason: r.finishReason, sent: r.sent });
      return r;
    });
    this.inflight.set(hash, p);
    try {
      return await p;
    } finally {
      this.inflight.delete(hash);
    }
  }

  /**
   * The Batch API line for a request: custom_id is the cache hash and body is
   * exactly what fetch() would put on the wire for the first attempt, so a
   * batch answer is the same draw an online call would have been.
   */
  batchLine(req: ChatRequest): { customId: string; body: Record<string, unknown>; sent: SentParams } {
    validateEndpoint(req.endpoint);
    const ep = req.endpoint;
    const rf = responseFormatOf(req);
    const params = applyAdaptation(staticParams(ep, req.params), this.adaptations.get(modelKey(ep)));
    const body = { model: ep.model, messages: req.messages, ...params, ...(rf ? { response_format: rf } : {}) };
    return { customId: requestHash(req), body, sent: sentOf(ep.model, params, rf) };
  }

  /**
   * Record an answer obtained outside chat() (a batch result) exactly as an
   * online call would: an untrustworthy one (cut off, filtered, refused) is not
   * cached, the same rule as chat(), and false is returned so the caller asks
   * it online and counts the paid line itself.
   */
  async ingest(
    hash: string,
    r: { content: string; usage: ChatResult['usage']; finishReason: string | null; refusal?: string; sent: SentParams },
  ): Promise<boolean> {
    const cache = await this.openCache();
    if (!cache) throw new Error('cannot ingest results: the response cache is disabled');
    if (!trustworthy(r)) return false;
    cache.put({ h: hash, content: r.content, usage: r.usage, finishReason: r.finishReason, sent: r.sent });
    this.ingested.add(hash);
    return true;
  }

  /**
   * Batch answers already in the cache that this run paid for and has not read
   * yet (an earlier process ingested them and was killed): each one's first
   * read counts as this run's call, as if this process had ingested it.
   */
  expectBatchAnswers(hashes: Iterable<string>): void {
    for (const h of hashes) this.ingested.add(h);
  }

  /** Called at each paid batch answer's first read (null: no one listens). */
  onBatchRead(hook: ((hash: string) => void) | null): void {
    this.batchRead = hook;
  }

  /**
   * Mark the cached reply of a request as not usable (the caller could not
   * read it), so no later run replays it: a tombstone is appended.
   */
  async distrust(requestHash: string): Promise<void> {
    const cache = await this.openCache();
    if (!cache || !(await cache.get(requestHash))) return;
    cache.put({ h: requestHash, content: '', usage: null, finishReason: null, sent: { model: '' }, untrusted: true });
  }

  /** The pooled SDK client of an endpoint (Files/Batches API) and the secret to redact. */
  batchClient(ep: Endpoint): { client: OpenAI; secret: string | undefined } {
    validateEndpoint(ep);
    return this.clients.get(ep);
  }

  /** Flush the cache segment. The Provider may still be used afterwards. */
  async close(): Promise<void> {
    this.unreportWaits();
    // Nothing is sent after close: calls the pacer still holds fail now instead of keeping the process alive.
    this.pacer?.abortAll(new Error('provider closed'));
    this.releaseHeap?.();
    this.releaseHeap = null;
    const c = this.cache;
    if (c) await (await c).close();
    await this.thread?.close();
  }

  private openCache(): Promise<DiskCache> | null {
    const dir = this.opts.cacheDir;
    if (!dir) return null;
    this.cache ??= DiskCache.open(dir);
    return this.cache;
  }

  private fromCache(requestHash: string, content: string, usage: ChatResult['usage'], finishReason: string | null, sent: SentParams): ChatResult {
    this.counters.cacheHits++;
    return { content, usage, latencyMs: 0, cached: true, requestHash, sent, finishReason, attempts: 0 };
  }

  /** A paid batch answer's first read: one call with its tokens, not a cache hit. */
  private batchAnswer(hash: string, content: string, usage: ChatResult['usage'], finishReason: string | null, sent: SentParams): ChatResult {
    this.counters.calls++;
    if (usage) {
      this.counters.promptTokens += usage.prompt;
      if (usage.cached !== undefined) this.counters.cachedPromptTokens += usage.cached;
      this.counters.completionTokens += usage.completion;
    }
    this.batchRead?.(hash);
    return { content, usage, latencyMs: 0, cached: true, requestHash: hash, sent, finishReason, attempts: 0, batch: true };
  }

  private async counted<T>(p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (err) {
      this.counters.errors++;
      throw err;
    }
  }

  /** Network path: attempts, adaptations and backoff until success or give-up. */
  private async fetch(req: ChatRequest, hash: string): Promise<ChatResult> {
    const ep = req.endpoint;
    const { client, secret } = this.clients.get(ep);
    const timeoutMs = ep.timeoutMs ?? this.opts.timeoutMs;
    const rf = responseFormatOf(req);
    const base = staticParams(ep, req.params);
    // Rate limits are per key and model: requests under one key share a budget.
    const paceKey = `${modelKey(ep)}\u0000${ep.apiKeyEnv ?? ''}`;
    const promptEstimate = this.pacer ? promptChars(req.messages) / 4 : 0;
    let attempts = 0;
    // Attempts that never reached a server (refused at connect): tried, not sent, so not counted.
    let unsent = 0;
    let retries = 0;
    for (;;) {
      const adaptation = this.adaptations.get(modelKey(ep));
      const params = applyAdaptation(base, adaptation);
      const sent = sentOf(ep.model, params, rf);
      const body = { model: ep.model, messages: req.messages, ...params, ...(rf ? { response_format: rf } : {}) };
      attempts++;
      let out: AttemptOutcome;
      let started = 0;
      try {
        out = await this.limiter.run(ep, async () => {
          // A call that waited for its slot (or slept in backoff) while the endpoint went down is not sent.
          const down = this.breakers.openFor(ep) ?? this.stops.get(paceKey);
          if (down) throw down;
          this.reserveBudget();
          const pacer = this.pacer;
          if (!pacer) {
            this.counters.calls++;
            started = performance.now();
            return this.thread
              ? this.thread.attempt(ep, body, timeoutMs, this.opts.transport ?? 'sdk')
              : attemptOnce(client, body, timeoutMs, secret, this.opts.transport);
          }
          const allowance = Number(params.max_completion_tokens ?? params.max_tokens ?? 0) || 0;
          const ticket = await pacer.admit(paceKey, promptEstimate, allowance, `${ep.name} (${ep.baseUrl})`);
          this.counters.calls++;
          started = performance.now();
          return pacedAttempt(pacer, ticket, promptEstimate, (onHeaders) =>
            this.thread
              ? this.thread.attempt(ep, body, timeoutMs, this.opts.transport ?? 'sdk', onHeaders)
              : attemptOnce(client, body, timeoutMs, secret, this.opts.transport, onHeaders),
          );
        });
      } catch (raw) {
        // A stop of the whole stage met before this attempt was sent (the breaker open,
        // another call's Retry-After too long): what this call did send before is on
        // its own copy of the stop, so the caller can count it.
        if (raw instanceof CallStop) throw raw.forCall(attempts - 1 - unsent);
        if (raw instanceof UnfitRunError) throw raw;
        const err = classify(raw, secret);
        if (err.kind === 'budget') throw withAttempts(err, attempts - 1 - unsent);
        if (err.unsent) {
          unsent++;
          this.counters.calls--;
          // Nor is it spent from --max-calls.
          if (this.opts.budget) this.callsStarted--;
        }
        this.report(req, hash, { attempt: attempts, ok: false, latencyMs: performance.now() - started, err });
        if (err.status === 400) {
          const latest = this.adaptations.get(modelKey(ep));
          // A concurrent request already learned something since we sent: use it.
          if (latest !== adaptation) continue;
          const adapted = adaptationFor(err, params, adaptation ?? emptyAdaptation());
          if (adapted) {
            this.adaptations.set(modelKey(ep), adapted);
            continue;
          }
        }
        if (!err.retryable) throw withAttempts(err, attempts - unsent);
        if (retries >= this.opts.maxRetries) {
          const opened = this.breakers.exhausted(ep, err);
          // Calls queued behind the pacer for this endpoint stop now rather than when their turn comes.
          if (opened) this.pacer?.abort(paceKey, opened);
          throw new ProviderError({
            kind: err.kind,
            retryable: true,
            message: `${ep.name}: gave up after ${attempts} attempts${unsent ? ` (${unsent} never reached the server)` : ''}: ${err.message}`,
            attempts: attempts - unsent,
            cause: err,
            ...(err.status !== undefined ? { status: err.status } : {}),
          });
        }
        try {
          checkRetryAfter(ep, err.retryAfterMs, this.backoff.maxRetryAfterMs);
        } catch (stop) {
          // Nothing queued for this endpoint may sit out the wait it asked for.
          if (stop instanceof CallStop && !this.stops.has(paceKey)) this.stops.set(paceKey, stop);
          this.pacer?.abort(paceKey, stop);
          // This attempt was sent (and answered 429): it and the earlier ones were paid for.
          throw stop instanceof CallStop ? stop.forCall(attempts - unsent) : stop;
        }
        await sleep(retryDelay(retries, this.backoff, this.rand, err.retryAfterMs));
        retries++;
        this.counters.retries++;
        continue;
      }
      this.counters.latencyMsTotal += out.latencyMs;
      if (out.usage) {
        this.counters.promptTokens += out.usage.prompt;
        if (out.usage.cached !== undefined) this.counters.cachedPromptTokens += out.usage.cached;
        this.counters.completionTokens += out.usage.completion;
      }
      this.breakers.succeeded(ep);
      this.report(req, hash, { attempt: attempts, ok: true, latencyMs: out.latencyMs, usage: out.usage });
      await afterReadyIo();
      return { ...out, cached: false, requestHash: hash, sent, attempts: attempts - unsent };
    }
  }

  /** Checked inside the slot, right before sending, so in-flight calls count. */
  private reserveBudget(): void {
    const b = this.opts.budget;
    if (!b) return;
    if (b.maxCalls !== undefined && this.callsStarted >= b.maxCalls) {
      throw new ProviderError({ kind: 'budget', retryable: false, message: `call budget of ${b.maxCalls} reached` });
    }
    const tokens = this.counters.promptTokens + this.counters.completionTokens;
    if (b.maxTokens !== undefined && tokens >= b.maxTokens) {
      throw new ProviderError({ kind: 'budget', retryable: false, message: `token budget of ${b.maxTokens} reached (${tokens} used)` });
    }
    this.callsStarted++;
  }

  private report(
    req: ChatRequest,
    hash: string,
    a: { attempt: number; ok: boolean; latencyMs: number; err?: ProviderError; usage?: ChatResult['usage'] },
  ): void {
    const hook = this.opts.onCall;
    if (!hook) return;
    hook({
      endpoint: req.endpoint.name,
      model: req.endpoint.model,
      requestHash: hash,
      attempt: a.attempt,
      ok: a.ok,
      latencyMs: a.latencyMs,
      ...(a.usage !== undefined ? { usage: a.usage } : {}),
      ...(a.err?.status !== undefined ? { status: a.err.status } : {}),
      ...(a.err ? { errorKind: a.err.kind } : {}),
    });
  }
}

/** One attempt under the pacer: whatever happens, the pacer hears how it ended. */
async function pacedAttempt(
  pacer: Pacer,
  ticket: PaceTicket,
  promptEstimate: number,
  attempt: (onHeaders: (h: HeaderSource) => void) => Promise<AttemptOutcome>,
): Promise<AttemptOutcome> {
  let headers: HeaderSource | null = null;
  try {
    const out = await attempt((h) => (headers = h));
    pacer.settle(ticket, { ok: true, headers, ...(out.usage ? { promptTokens: out.usage.prompt, promptEstimate } : {}) });
    return out;
  } catch (err) {
    const e = err instanceof ProviderError ? err : null;
    pacer.settle(ticket, {
      ok: false,
      headers,
      ...(e?.status !== undefined ? { status: e.status } : {}),
      ...(e?.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
    });
    throw err;
  }
}

/** Whether a reply may be cached: it ended normally and is not a refusal. */
export function trustworthy(r: Pick<ChatResult, 'finishReason' | 'refusal' | 'content'>): boolean {
  return (r.finishReason === null || r.finishReason === 'stop') && r.refusal === undefined && r.content.trim() !== '';
}

function withAttempts(err: ProviderError, attempts: number): ProviderError {
  err.attempts = attempts;
  return err;
}

/**
 * Resolves once the event loop has run the I/O callbacks ready now (the
 * check phase, after the poll phase). A reply's slot is free before this, so
 * the request queued behind it is already on its socket; what the caller then
 * does with the reply (parse it, write the record, render the next prompt)
 * waits until the other replies that arrived together have freed their slots
 * too. Replies come in waves at high concurrency: done in arrival order, the
 * last request of a wave of 64 waited for 63 calls' worth of records and
 * prompts before it was sent.
 */
function afterReadyIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
