// Adaptive pacing per endpoint: send as fast as the provider's rate limits
// allow and no faster, without the user tuning a concurrency. A fixed
// concurrency is either too low (idle quota) or too high (429 storms that
// cost backoff); the server says where its limits stand on every reply, so
// the pacer keeps a local copy of each budget (requests and tokens) and lets
// a request go only when both cover it.
//
// The model: each budget refills at a steady rate (limit ÷ window, the window
// learned from the reset header) and is spent when a request is sent. After
// every reply the local level is lowered to what the server reports if the
// server reports less (other clients share the quota, or estimates ran low);
// it is never raised from a reply, because a reply says nothing of requests
// still on their way. Until an endpoint's first reply only one request is in
// flight, so a run never opens with a burst the limits refuse. Endpoints that
// send no rate-limit headers are not paced, but a 429 there halves the number
// in flight and each success adds back a fraction (AIMD), like TCP.
import { readRateLimits, windowOf, type BudgetReading } from './rate-headers.js';
import type { HeaderSource } from './retry.js';
import { ANNOUNCE_WAIT_MS } from './wait.js';

interface Bucket {
  limit: number;
  /** Full-refill window, ms (median of recent estimates). */
  windowMs: number;
  level: number;
  at: number;
  windows: number[];
}

interface Waiter {
  tokens: number;
  resolve: (t: PaceTicket) => void;
  reject: (err: unknown) => void;
}

interface EndpointPace {
  requests: Bucket | null;
  tokens: Bucket | null;
  /** A reply has been seen (the opening probe is over). */
  heard: boolean;
  inFlight: number;
  /** In-flight cap for endpoints without headers (AIMD); Infinity = only the Limiter's ceiling. */
  cap: number;
  blockedUntil: number;
  /** Server-counted prompt tokens ÷ our character-based estimate, smoothed. */
  promptRatio: number;
  queue: Waiter[];
  timer: NodeJS.Timeout | null;
  refused: number;
  sent: number;
  /** How the endpoint is named in a notice (e.g. `judge:gpt-4o (https://…)`). */
  where: string;
  /** A long wait for its window was announced (once per endpoint: later ones are the same story). */
  announced: boolean;
}

export interface PaceTicket {
  key: string;
  /** Tokens charged to the local budget for this request. */
  tokens: number;
}

export interface PaceOutcome {
  /** The attempt got a usable reply. */
  ok: boolean;
  headers?: HeaderSource | null;
  status?: number;
  retryAfterMs?: number;
  /** Prompt tokens the server counted (usage.prompt_tokens), to calibrate estimates. */
  promptTokens?: number;
  /** The character-based prompt estimate this request was charged with. */
  promptEstimate?: number;
}

// Headroom kept in each budget: the server's own rounding and in-flight skew
// must not turn the last unit into a refusal.
const RESERVE_SHARE = 0.02;
const WINDOW_SAMPLES = 15;
// Default window when a server sends no reset header: OpenAI's budgets are per minute.
const DEFAULT_WINDOW_MS = 60_000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export class Pacer {
  private readonly endpoints = new Map<string, EndpointPace>();

  constructor(
    private readonly now: () => number = () => performance.now(),
    /** The longest a Retry-After may block an endpoint: a longer one stops the stage instead (provider/wait.ts). */
    private readonly maxBlockMs = Number.POSITIVE_INFINITY,
    /** Where a long wait for a provider's window is announced. */
    private readonly say: (msg: string) => void = (m) => process.stderr.write(`${m}\n`),
    /** Wall clock, for the time a wait ends. */
    private readonly wallNow: () => number = Date.now,
  ) {}

  /** Wait until a request estimated at `promptTokens + completionTokens` may go to `key` (named `where` in notices). */
  admit(key: string, promptEstimate: number, completionTokens: number, where?: string): Promise<PaceTicket> {
    const s = this.state(key);
    if (where) s.where = where;
    const tokens = Math.max(1, Math.ceil(promptEstimate * s.promptRatio + completionTokens));
    return new Promise((resolve, reject) => {
      s.queue.push({ tokens, resolve, reject });
      this.pump(key, s);
    });
  }

  /** Report how an admitted request ended (reply headers, status, usage). */
  settle(ticket: PaceTicket, out: PaceOutcome): void {
    const s = this.state(ticket.key);
    s.inFlight--;
    s.heard = true;
    const t = this.now();
    const { requests, tokens } = readRateLimits(out.headers);
    s.requests = this.sync(s.requests, requests, t);
    s.tokens = this.sync(s.tokens, tokens, t);
    if (out.promptTokens !== undefined && out.promptEstimate !== undefined && out.promptEstimate > 0 && out.promptTokens > 0) {
      s.promptRatio = 0.8 * s.promptRatio + 0.2 * (out.promptTokens / out.promptEstimate);
    }
    if (out.status === 429) {
      s.refused++;
      const paced = s.requests !== null || s.tokens !== null;
      if (!paced) s.cap = Math.max(1, Math.floor((Number.isFinite(s.cap) ? s.cap : s.inFlight + 1) / 2));
      const wait = out.retryAfterMs ?? this.refillWait(s, ticket.tokens, t);
      // A wait longer than allowed stops the stage (provider/wait.ts); blocking
      // here would only hold the requests still queued until it passes.
      if (wait <= this.maxBlockMs) s.blockedUntil = Math.max(s.blockedUntil, t + Math.max(wait, 0));
    } else if (out.ok && Number.isFinite(s.cap)) {
      s.cap += 1 / s.cap;
    }
    this.pump(ticket.key, s);
  }

  /**
   * The stage stops on this endpoint (e.g. it asked to wait longer than allowed):
   * every request still queued for it fails with `err` instead of waiting.
   */
  abort(key: string, err: unknown): void {
    const s = this.state(key);
    if (s.timer) {
      clearTimeout(s.timer);
      s.timer = null;
    }
    for (const w of s.queue.splice(0)) w.reject(err);
  }

  /** The provider closes: nothing more is sent, so calls still held fail with `err` now. */
  abortAll(err: unknown): void {
    for (const key of this.endpoints.keys()) this.abort(key, err);
  }

  /** Calls held back for a rate limit, over all endpoints (the progress line shows them apart from those sent). */
  waiting(): number {
    let n = 0;
    for (const s of this.endpoints.values()) n += s.queue.length;
    return n;
  }

  /** What the pacer believes of an endpoint (for stats and tests). */
  snapshot(key: string): { requestsPerSec: number | null; tokensPerSec: number | null; refused: number; sent: number; inFlight: number } {
    const s = this.state(key);
    const rate = (b: Bucket | null) => (b ? (b.limit / b.windowMs) * 1000 : null);
    return { requestsPerSec: rate(s.requests), tokensPerSec: rate(s.tokens), refused: s.refused, sent: s.sent, inFlight: s.inFlight };
  }

  private state(key: string): EndpointPace {
    let s = this.endpoints.get(key);
    if (!s) {
      s = {
        requests: null,
        tokens: null,
        heard: false,
        inFlight: 0,
        cap: Infinity,
        blockedUntil: 0,
        promptRatio: 1,
        queue: [],
        timer: null,
        refused: 0,
        sent: 0,
        where: key,
        announced: false,
      };
      this.endpoints.set(key, s);
    }
    return s;
  }

  private refill(b: Bucket, t: number): void {
    if (t > b.at) b.level = Math.min(b.limit, b.level + ((t - b.at) * b.limit) / b.windowMs);
    b.at = t;
  }

  /** Fold a reading into a bucket: learn limit and window, lower the level to the server's. */
  private sync(b: Bucket | null, r: BudgetReading | null, t: number): Bucket | null {
    if (!r) return b;
    const w = windowOf(r);
    if (!b) {
      const windows = w === null ? [] : [w];
      return { limit: r.limit, windowMs: w ?? DEFAULT_WINDOW_MS, level: r.remaining, at: t, windows };
    }
    this.refill(b, t);
    if (r.limit !== b.limit) {
      b.limit = r.limit;
      b.windows = [];
    }
    if (w !== null) {
      b.windows.push(w);
      if (b.windows.length > WINDOW_SAMPLES) b.windows.shift();
      b.windowMs = median(b.windows);
    }
    // Servers round the remainder down: the true one lies in [remaining, remaining + 1).
    if (r.remaining + 1 < b.level) b.level = r.remaining + 1;
    return b;
  }

  private reserve(b: Bucket): number {
    return Math.max(1, RESERVE_SHARE * b.limit);
  }

  /** Ms until both budgets cover a request of `tokens` (0: now). */
  private refillWait(s: EndpointPace, tokens: number, t: number): number {
    return this.longestRefill(s, tokens, t).ms;
  }

  /** The wait for both budgets, and the budget that makes it. */
  private longestRefill(s: EndpointPace, tokens: number, t: number): { ms: number; budget: 'requests' | 'tokens' | null } {
    let out: { ms: number; budget: 'requests' | 'tokens' | null } = { ms: 0, budget: null };
    const need = (b: Bucket | null, cost: number, budget: 'requests' | 'tokens') => {
      if (!b) return;
      this.refill(b, t);
      // A request bigger than the whole budget goes when the budget is full: the server decides.
      const target = Math.min(b.limit, cost + this.reserve(b));
      const ms = b.level < target ? ((target - b.level) * b.windowMs) / b.limit : 0;
      if (ms > out.ms) out = { ms, budget };
    };
    need(s.requests, 1, 'requests');
    need(s.tokens, tokens, 'tokens');
    return out;
  }

  /**
   * A wait for the provider's own window long enough to look like a hang
   * (a reset of minutes) is said once per endpoint: what is spent, the window,
   * and when sending resumes. (A Retry-After is announced where it is read, wait.ts.)
   */
  private announce(s: EndpointPace, budget: 'requests' | 'tokens', ms: number): void {
    if (s.announced || ms < ANNOUNCE_WAIT_MS) return;
    s.announced = true;
    const b = s[budget]!;
    const until = new Date(this.wallNow() + ms).toISOString().replace(/\.\d+Z$/, 'Z');
    this.say(
      `rate limit: waiting ${fmtWait(ms)} for ${s.where}, until ${until}: its ${budget} budget (${Math.round(b.limit)} per ${fmtWait(b.windowMs)}, from its x-ratelimit headers) is spent; ` +
        `${s.queue.length} call${s.queue.length === 1 ? '' : 's'} wait for the window, nothing fails (said once per endpoint)`,
    );
  }

  /** Admit queued requests in order while the budgets allow; otherwise wake when they will. */
  private pump(key: string, s: EndpointPace): void {
    if (s.timer) {
      clearTimeout(s.timer);
      s.timer = null;
    }
    while (s.queue.length > 0) {
      const w = s.queue[0]!;
      // The opening probe, and the AIMD cap: wait for a settle, not for time.
      if ((!s.heard && s.inFlight > 0) || s.inFlight >= s.cap) return;
      const t = this.now();
      const refill = this.longestRefill(s, w.tokens, t);
      const wait = Math.max(s.blockedUntil - t, refill.ms);
      if (refill.budget) this.announce(s, refill.budget, refill.ms);
      if (wait > 0) {
        s.timer = setTimeout(() => {
          s.timer = null;
          this.pump(key, s);
        }, Math.ceil(wait));
        return;
      }
      if (s.requests) s.requests.level -= 1;
      if (s.tokens) s.tokens.level -= w.tokens;
      s.queue.shift();
      s.inFlight++;
      s.sent++;
      w.resolve({ key, tokens: w.tokens });
    }
  }
}

function fmtWait(ms: number): string {
  const secs = Math.round(ms / 1000);
  const m = Math.floor(secs / 60);
  return m > 0 ? `${m} min${secs % 60 ? ` ${secs % 60} s` : ''}` : `${secs} s`;
}
