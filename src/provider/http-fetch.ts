// The transport under the OpenAI SDK for chat completions. Global fetch
// (undici + web streams) spends about a millisecond of CPU per call on a
// small JSON exchange, several times what the judge call itself costs the
// harness; node:http with a keep-alive agent, the body buffered whole and a
// minimal Response, brings that close to a bare request loop. Only POSTs to
// …/chat/completions with a string or byte body take this path; everything
// else (files, batches, streaming bodies) goes to global fetch untouched.
import http from 'node:http';
import https from 'node:https';
import { gunzip, brotliDecompress, inflate } from 'node:zlib';
import { promisify } from 'node:util';

type Fetch = typeof globalThis.fetch;

const decoders: Record<string, (b: Buffer) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

/** What the SDK reads of a response; the body is already complete. */
class BufferedResponse {
  readonly ok: boolean;
  readonly redirected = false;
  readonly type = 'basic';
  bodyUsed = false;

  constructor(
    private readonly data: Buffer,
    readonly status: number,
    readonly statusText: string,
    readonly headers: Headers,
    readonly url: string,
  ) {
    this.ok = status >= 200 && status < 300;
  }

  get body(): ReadableStream<Uint8Array> | null {
    const data = this.data;
    return new ReadableStream({
      start(c) {
        if (data.length) c.enqueue(new Uint8Array(data));
        c.close();
      },
    });
  }

  private take(): Buffer {
    if (this.bodyUsed) throw new TypeError('Body is unusable: Body has already been read');
    this.bodyUsed = true;
    return this.data;
  }

  async text(): Promise<string> {
    return this.take().toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.take().toString('utf8'));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = this.take();
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(this.take());
  }

  async blob(): Promise<Blob> {
    return new Blob([new Uint8Array(this.take())], { type: this.headers.get('content-type') ?? '' });
  }

  clone(): BufferedResponse {
    return new BufferedResponse(this.data, this.status, this.statusText, new Headers(this.headers), this.url);
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function plainHeaders(h: HeadersInit | undefined, bodyLength: number | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (h instanceof Headers) h.forEach((v, k) => (out[k] = v));
  else if (Array.isArray(h)) for (const [k, v] of h) out[k!.toLowerCase()] = v!;
  else if (h) for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  if (bodyLength !== null) out['content-length'] = String(bodyLength);
  return out;
}

/**
 * A fetch for one client: its own keep-alive agents, so connections are
 * reused across thousands of calls. The caller's limiter bounds concurrency,
 * hence no socket cap here.
 */
export function chatFetch(fallback: Fetch = globalThis.fetch): Fetch {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
    'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo' }),
  };
  return function fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const body = init?.body;
    const method = (init?.method ?? 'GET').toUpperCase();
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : null;
    const simpleBody = typeof body === 'string' || body instanceof Uint8Array;
    if (url === null || method !== 'POST' || !simpleBody || !/\/chat\/completions(\?|$)/.test(url)) {
      return fallback(input, init);
    }
    const target = new URL(url);
    const agent = agents[target.protocol as 'http:' | 'https:'];
    if (!agent) return fallback(input, init);
    const payload = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const signal = init?.signal ?? null;
    if (signal?.aborted) return Promise.reject(abortReason(signal));

    return new Promise<Response>((resolve, reject) => {
      let settled = false;
      const finish = (err: unknown, res?: Response) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        if (err !== null) reject(err);
        else resolve(res!);
      };
      // Same shape as undici's failures, so the SDK and our classifier read them alike.
      const failed = (cause: unknown) => finish(new TypeError('fetch failed', { cause }));
      const onAbort = () => {
        req.destroy();
        finish(abortReason(signal!));
      };
      const req = (target.protocol === 'https:' ? https : http).request(
        {
          protocol: target.protocol,
          hostname: target.hostname.replace(/^\[|\]$/g, ''),
          port: target.port || undefined,
          path: target.pathname + target.search,
          method,
          agent,
          headers: plainHeaders(init?.headers, payload.length),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            chunks.push(c);
            size += c.length;
          });
          res.on('error', (err) => finish(new TypeError('terminated', { cause: err })));
          res.on('close', () => {
            if (!res.complete) finish(new TypeError('terminated', { cause: new Error('connection closed before the body ended') }));
          });
          res.on('end', () => {
            if (!res.complete) return finish(new TypeError('terminated', { cause: new Error('response ended early') }));
            const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
            const headers = new Headers();
            const h = res.rawHeaders;
            const encoding = (res.headers['content-encoding'] ?? '').trim().toLowerCase();
            for (let i = 0; i < h.length; i += 2) {
              const name = h[i]!.toLowerCase();
              // The body handed on is decoded: its old encoding and length no longer apply.
              if (encoding && (name === 'content-encoding' || name === 'content-length')) continue;
              headers.append(name, h[i + 1]!);
            }
            const done = (data: Buffer) =>
              finish(null, new BufferedResponse(data, res.statusCode ?? 0, res.statusMessage ?? '', headers, url) as unknown as Response);
            const decode = encoding && encoding !== 'identity' ? decoders[encoding] : undefined;
            if (!encoding || encoding === 'identity') done(raw);
            else if (!decode) finish(new TypeError('fetch failed', { cause: new Error(`unsupported content-encoding ${encoding}`) }));
            else decode(raw).then(done, (err) => finish(new TypeError('terminated', { cause: err })));
          });
        },
      );
      req.on('error', failed);
      signal?.addEventListener('abort', onAbort, { once: true });
      req.end(payload);
    });
  };
}
