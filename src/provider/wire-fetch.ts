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

  *entries(): IterableIterator<[string, string]> {
    for (const k of Object.keys(this.raw)) {
      const v = this.get(k);
      if (v !== null) yield [k, v];
    }
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

function plainHeaders(h: RequestInit['headers']): Record<string, string> {
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
export function isWireFetch(f: unknown): boolean {
  return typeof f === 'function' && wireFetches.has(f);
}

/**
 * A fetch for one SDK client. `fallback` serves every request that is not a
 * chat completion with a string body.
 */
export function wireFetch(fallback: FetchLike = globalThis.fetch): FetchLike & { agents: http.Agent[] } {
  // The limiter bounds concurrency, so the agents need no socket cap; LIFO
  // reuses warm sockets and lets surplus ones time out.
  const agents = {
    'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
    'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo' }),
  };
  const parsed = new Map<string, URL>();

  const f = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : null;
    const body = init.body;
    if (href === null || typeof body !== 'string' || !href.endsWith('/chat/completions')) return fallback(input, init);
    // One parse per distinct URL: a client posts to one URL all run long.
    let url = parsed.get(href);
    if (!url) {
      url = new URL(href);
      if (parsed.size < 64) parsed.set(href, url);
    }
    const signal = init.signal ?? null;
    if (signal?.aborted) return Promise.reject(abortError());
    const headers = plainHeaders(init.headers);
    // Encoded once, off the JS heap: as a string the body was glued to the
    // header block and flattened into one more heap copy of the prompt per call
    // (young-generation garbage that lived as long as the call, so it was
    // promoted and the old space grew).
    const bytes = Buffer.from(body, 'utf8');
    headers['content-length'] = String(bytes.length);
    const u = url;
    return new Promise<Response>((resolve, reject) => {
      let settled = false;
      const finish = (err: unknown, res?: WireResponse) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        if (err !== null) reject(err);
        else resolve(res as unknown as Response);
      };
      const onAbort = () => {
        finish(abortError());
        req.destroy();
      };
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
  wireFetches.add(f);
  return Object.assign(f, { agents: [agents['http:'], agents['https:']] });
}
