// The `fetch` the openai SDK is given for chat completions: one keep-alive
// node:http(s) agent per client and a small Response-like object, instead of
// Node's global fetch (undici, web streams, a Response and a body stream per
// call). A profile of the default path at 256 calls in flight put global
// fetch at ~0.58 ms of CPU a call, more than the rest of the harness; the SDK
// itself (request building, error classes, types) stays in charge.
//
// Only what the SDK reads from a response is provided: status, ok, url,
// headers.get/entries, body (null: the body is already read), text(), json(),
// arrayBuffer(). The body is read whole before the promise resolves, so the
// SDK's own timeout and the caller's signal cover the body too. Anything that
// is not a chat completion with a string body (Files and Batch uploads,
// downloads) goes to global fetch untouched.
import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';

type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

const decoders: Record<string, (b: Buffer) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

/** Response headers over node's parsed (lower-cased) header object. */
export class WireHeaders {
  constructor(private readonly raw: http.IncomingHttpHeaders) {}

  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()];
    if (v === undefined) return null;
    return Array.isArray(v) ? v.join(', ') : v;
  }

  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }

  // An array's iterator, not a generator: the SDK spreads entries() of every
  // reply (to find x-request-id for its log line), and a generator per call cost more.
  entries(): IterableIterator<[string, string]> {
    const out: [string, string][] = [];
    for (const k of Object.keys(this.raw)) {
      const v = this.get(k);
      if (v !== null) out.push([k, v]);
    }
    return out[Symbol.iterator]();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  forEach(fn: (value: string, name: string) => void): void {
    for (const [k, v] of this.entries()) fn(v, k);
  }
}

/** A whole, already-read HTTP response in the shape the SDK consumes. */
export class WireResponse {
  readonly ok: boolean;
  readonly body = null;
  readonly bodyUsed = false;
  readonly redirected = false;
  readonly type = 'basic';

  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: WireHeaders,
    readonly url: string,
    private readonly bytes: Buffer,
  ) {
    this.ok = status >= 200 && status < 300;
  }

  async text(): Promise<string> {
    return this.bytes.toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.bytes.toString('utf8'));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.bytes.buffer.slice(this.bytes.byteOffset, this.bytes.byteOffset + this.bytes.byteLength) as ArrayBuffer;
  }
}

function abortError(): Error {
  return new DOMException('This operation was aborted', 'AbortError');
}

// Shaped like undici's failures ("fetch failed" with the socket error as
// cause), so the SDK and classify() report them as they always did.
function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause: cause instanceof Error ? cause : new Error(String(cause)) });
}

/**
 * Request headers already in the shape wireFetch sends: lower-case names in
 * the order undici's Headers iterates them (sorted), which is what
 * plainHeaders() makes of the SDK's own Headers. The SDK client subclass
 * (sdk-client.ts) builds one per (retry count, timeout) and reuses it, so a
 * call pays neither undici Headers nor its sorted iteration. Its entries are
 * kept off own enumerable properties on purpose: the SDK's debug-log
 * formatter (run eagerly on every call) then has nothing to copy; the
 * subclass hands over real Headers whenever debug logging is on.
 */
export class WireRequestHeaders {
  readonly #record: Readonly<Record<string, string>>;

  constructor(record: Record<string, string>) {
    this.#record = Object.freeze({ ...record });
  }

  /** A fresh mutable copy in send order (node:http gets it, content-length is added). */
  copy(): Record<string, string> {
    return { ...this.#record };
  }

  get(name: string): string | null {
    return this.#record[name.toLowerCase()] ?? null;
  }

  has(name: string): boolean {
    return this.#record[name.toLowerCase()] !== undefined;
  }

  forEach(fn: (value: string, name: string) => void): void {
    for (const k of Object.keys(this.#record)) fn(this.#record[k]!, k);
  }

  // Iterable as [name, value] pairs, so a standard fetch given it would still send every header.
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return Object.entries(this.#record)[Symbol.iterator]() as IterableIterator<[string, string]>;
  }
}

function plainHeaders(h: RequestInit['headers'] | WireRequestHeaders): Record<string, string> {
  if (h instanceof WireRequestHeaders) return h.copy();
  const out: Record<string, string> = {};
  if (!h) return out;
  if (typeof (h as Headers).forEach === 'function' && !Array.isArray(h)) {
    (h as Headers).forEach((v, k) => {
      out[k] = v;
    });
  } else if (Array.isArray(h)) {
    for (const [k, v] of h) out[k!.toLowerCase()] = v!;
  } else {
    for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  }
  return out;
}

const wireFetches = new WeakSet<object>();

/** Whether `f` came from wireFetch (its promise settles only after the whole body). */
export function isWireFetch(f: unknown): f is WireFetch {
  return typeof f === 'function' && wireFetches.has(f);
}

export type WireFetch = FetchLike & {
  agents: http.Agent[];
  /**
   * A chat completion under a deadline of its own, for the SDK client's
   * fetchWithTimeout: the same exchange as fetch(href, init) with the SDK's
   * timer and abort signal, minus the signal listener. When `ms` pass, the
   * controller is aborted and the promise rejects with an AbortError — what
   * the SDK's own timer would have caused. Null when the request is not one
   * this path serves (the caller then takes the SDK's way).
   */
  timed(href: string, init: RequestInit, ms: number, controller: AbortController): Promise<Response> | null;
};

/**
 * A fetch for one SDK client. `fallback` serves every request that is not a
 * chat completion with a string body.
 */
export function wireFetch(fallback: FetchLike = globalThis.fetch): WireFetch {
  // The limiter bounds concurrency, so the agents need no socket cap; LIFO
  // reuses warm sockets and lets surplus ones time out.
  const agents = {
    'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
    'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo' }),
  };
  const parsed = new Map<string, URL>();

  const served = (href: string | null, body: unknown): href is string => href !== null && typeof body === 'string' && href.endsWith('/chat/completions');

  const send = (href: string, init: RequestInit, signal: AbortSignal | null, deadline: { ms: number; controller: AbortController } | null) => {
    // One parse per distinct URL: a client posts to one URL all run long.
    let url = parsed.get(href);
    if (!url) {
      url = new URL(href);
      if (parsed.size < 64) parsed.set(href, url);
    }
    if (signal?.aborted) return Promise.reject(abortError());
    const headers = plainHeaders(init.headers);
    // Encoded once, off the JS heap: as a string the body was glued to the
    // header block and flattened into one more heap copy of the prompt per call
    // (young-generation garbage that lived as long as the call, so it was
    // promoted and the old space grew).
    const bytes = Buffer.from(init.body as string, 'utf8');
    headers['content-length'] = String(bytes.length);
    const u = url;
    return new Promise<Response>((resolve, reject) => {
      let settled = false;
      const finish = (err: unknown, res?: WireResponse) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (err !== null) reject(err);
        else resolve(res as unknown as Response);
      };
      const onAbort = () => {
        finish(abortError());
        req.destroy();
      };
      const timer = deadline
        ? setTimeout(() => {
            deadline.controller.abort();
            onAbort();
          }, deadline.ms)
        : null;
      const lost = (cause: unknown) => finish(fetchFailed(cause));
      const req = (u.protocol === 'https:' ? https : http).request(
        {
          protocol: u.protocol,
          // IPv6 literals come bracketed in URLs but not in request options.
          hostname: u.hostname.replace(/^\[|\]$/g, ''),
          port: u.port,
          path: u.pathname + u.search,
          method: init.method ?? 'POST',
          agent: u.protocol === 'https:' ? agents['https:'] : agents['http:'],
          headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            chunks.push(c);
            size += c.length;
          });
          res.on('error', lost);
          res.on('close', () => {
            if (!res.complete) lost(new Error('terminated: connection closed before the body ended'));
          });
          res.on('end', () => {
            if (!res.complete) return;
            const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
            const make = (bytes: Buffer) =>
              finish(null, new WireResponse(res.statusCode ?? 0, res.statusMessage ?? '', new WireHeaders(res.headers), href, bytes));
            const encoding = (res.headers['content-encoding'] ?? '').trim().toLowerCase();
            if (!encoding || encoding === 'identity') return make(raw);
            const decode = decoders[encoding];
            if (!decode) return lost(new Error(`unsupported content-encoding "${encoding}"`));
            decode(raw).then(make, lost);
          });
        },
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', lost);
      req.end(bytes);
    });
  };

  const f = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : null;
    if (!served(href, init.body)) return fallback(input, init);
    return send(href, init, init.signal ?? null, null);
  };
  const timed = (href: string, init: RequestInit, ms: number, controller: AbortController): Promise<Response> | null => {
    if (init.signal || !served(href, init.body)) return null;
    return send(href, init, null, { ms, controller });
  };
  wireFetches.add(f);
  return Object.assign(f, { agents: [agents['http:'], agents['https:']], timed });
}
