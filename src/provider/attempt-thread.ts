// Network attempts on a worker thread (opt-in, ROLEJUDGE_PROVIDER_THREAD=1).
// The main thread keeps everything that decides (cache, hashing, limiter,
// pacer, retries, breaker, records); the worker owns the SDK clients and
// their sockets and runs attemptOnce: the SDK's create(), the transport, the
// reply's JSON.parse. At 64+ calls in flight on a fast server one event loop
// is CPU-bound (≈0.9 ms of client CPU a call against a 50 ms server), so
// the SDK's share moves to the second core. Measured in bench/RESULTS.md
// ("worker threads"); not the default.
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AttemptOutcome, Transport } from './attempt.js';
import { ProviderError, type ProviderErrorInit } from './errors.js';
import type { HeaderSource } from './retry.js';
import type { Endpoint } from './types.js';

const WORKER = fileURLToPath(new URL('./attempt-worker.js', import.meta.url));

/** main → worker */
export interface AttemptMessage {
  id: number;
  baseUrl: string;
  apiKeyEnv: string | undefined;
  body: Record<string, unknown>;
  timeoutMs: number;
  transport: Transport;
  wantHeaders: boolean;
}

/** worker → main */
export type AttemptReply =
  | { id: number; ok: true; out: AttemptOutcome; headers: Record<string, string> | null }
  | { id: number; ok: false; err: ProviderErrorInit & { causeMessage?: string }; headers: Record<string, string> | null };

interface Pending {
  resolve: (out: AttemptOutcome) => void;
  reject: (err: unknown) => void;
  onHeaders: ((h: HeaderSource) => void) | undefined;
}

function headerSource(record: Record<string, string>): HeaderSource {
  return { get: (name: string) => record[name.toLowerCase()] ?? null };
}

export class AttemptThread {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Attempts handed to the worker so far. */
  sent = 0;

  constructor(
    private readonly env: Record<string, string | undefined>,
    private readonly timeoutMs: number,
  ) {}

  attempt(
    ep: Endpoint,
    body: Record<string, unknown>,
    timeoutMs: number,
    transport: Transport,
    onHeaders?: (h: HeaderSource) => void,
  ): Promise<AttemptOutcome> {
    const w = this.start();
    const id = this.nextId++;
    this.sent++;
    const msg: AttemptMessage = { id, baseUrl: ep.baseUrl, apiKeyEnv: ep.apiKeyEnv, body, timeoutMs, transport, wantHeaders: onHeaders !== undefined };
    return new Promise<AttemptOutcome>((resolve, reject) => {
      // Only while calls are out does the worker keep the process alive.
      if (this.pending.size === 0) w.ref();
      this.pending.set(id, { resolve, reject, onHeaders });
      w.postMessage(msg);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(WORKER, { workerData: { env: this.env, timeoutMs: this.timeoutMs } });
    w.on('message', (r: AttemptReply) => this.settle(r));
    w.on('error', (err) => {
      // A dead worker takes no more calls: the next attempt starts a new one.
      if (this.worker === w) this.worker = null;
      this.failAll(err);
    });
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = null;
      this.failAll(new Error(`the provider's worker thread exited (code ${code})`));
    });
    w.unref();
    this.worker = w;
    return w;
  }

  private settle(r: AttemptReply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (r.headers && p.onHeaders) p.onHeaders(headerSource(r.headers));
    if (r.ok) p.resolve(r.out);
    else {
      const { causeMessage, ...init } = r.err;
      p.reject(new ProviderError({ ...init, ...(causeMessage !== undefined ? { cause: new Error(causeMessage) } : {}) }));
    }
  }

  private failAll(err: unknown): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
