// The openai client rolejudge makes its calls through: the SDK's own class,
// request building, retries, error classes and types, with the per-call work
// that gives the same answer every call computed once. A CPU profile of the
// default path (c=64) put ~0.3 ms of client CPU a call in the SDK: an undici
// Headers built from five header sets, iterated sorted, validated, then
// copied again by the debug-log formatter (which runs whatever the log
// level), the URL re-parsed, an empty Headers for the body's options, a
// signal listener and timer per call. For one client and one endpoint all of
// that is a function of (method, retry count, timeout): the first call of
// each such combination goes through the SDK's own code and its result is
// kept. Anything else — custom headers, query strings, an idempotency
// header, streams, a key given as a function, debug logging — takes the
// SDK's path untouched. test/provider/sdk-client.test.ts checks the bytes on
// the wire against the unmodified client.
import OpenAI, { type ClientOptions } from 'openai';
import { isWireFetch, WireRequestHeaders } from './wire-fetch.js';

type Opts = Record<string, unknown> & {
  method?: string;
  path?: string;
  body?: unknown;
  headers?: unknown;
  timeout?: number;
  query?: unknown;
  stream?: boolean;
  __security?: { bearerAuth?: boolean; adminAPIKeyAuth?: boolean };
  __metadata?: unknown;
};

type HeaderArgs = { options: Opts; method: string; bodyHeaders: unknown; retryCount: number };

// What the SDK's FallbackEncoder returns as body headers for a JSON body
// (the encoder is fixed: the client takes no option to change it). Shared,
// so buildHeaders can tell our JSON body from any other by identity.
const JSON_BODY_HEADERS = Object.freeze({ 'content-type': 'application/json' });

/** The base class's methods this subclass reaches, typed (TypeScript calls some private). */
interface Base {
  buildHeaders(args: HeaderArgs): Promise<Headers>;
  buildBody(args: { options: Opts }): { bodyHeaders: unknown; body: unknown; isStreamingBody: boolean };
}
const base = OpenAI.prototype as unknown as Base;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Whether the request's auth schemes are the chat endpoint's (bearer only, or the default). */
function securityKey(s: Opts['__security']): string | null {
  if (s === undefined) return 'default';
  if (s.bearerAuth === true && s.adminAPIKeyAuth === undefined && Object.keys(s).length === 1) return 'bearer';
  return null;
}

export class SdkClient extends OpenAI {
  // (method, retry count, timeout, auth schemes, body kind) → the headers the SDK built for them.
  private readonly headerCache = new Map<string, WireRequestHeaders>();
  // What the cached headers were computed from; a change (a key refreshed, a
  // property reassigned) empties the cache.
  private headerStamp: unknown[] = [];
  private readonly urlCache = new Map<string, string>();

  constructor(opts: ClientOptions) {
    super(opts);
  }

  override buildURL(path: string, query: Record<string, unknown> | null | undefined, defaultBaseURL?: string): string {
    // Without a query the URL depends on the base URL and path alone.
    const dq = this.defaultQuery();
    if (query != null || defaultBaseURL !== undefined || (dq && Object.keys(dq).length > 0)) return super.buildURL(path, query, defaultBaseURL);
    const key = `${this.baseURL}\u0000${path}`;
    let url = this.urlCache.get(key);
    if (url === undefined) {
      url = super.buildURL(path, query, defaultBaseURL);
      if (this.urlCache.size < 64) this.urlCache.set(key, url);
    }
    return url;
  }

  // A key given as a string needs no preparing: only a function key is
  // called here, and the base method does nothing else.
  protected override prepareOptions(options: Parameters<OpenAI['prepareOptions']>[0]): Promise<void> {
    if (typeof this._options.apiKey === 'function' || (this as unknown as { _provider?: unknown })._provider) return super.prepareOptions(options);
    return Promise.resolve();
  }

  override fetchWithTimeout(url: RequestInfo, init: RequestInit | undefined, ms: number, controller: AbortController): Promise<Response> {
    const f = (this as unknown as { fetch: unknown }).fetch;
    if (isWireFetch(f) && init && typeof url === 'string' && init.headers instanceof WireRequestHeaders) {
      // What the SDK would hand fetch, method upper-cased as it does; no signal
      // listener: the wire fetch keeps the deadline itself.
      const sent = f.timed(
        url,
        { method: (init.method ?? 'GET').toUpperCase(), headers: init.headers as unknown as HeadersInit, body: init.body ?? null },
        ms,
        controller,
      );
      if (sent) return sent;
    }
    return super.fetchWithTimeout(url, init, ms, controller);
  }

  /** buildHeaders: the SDK's result, kept per (method, retry count, timeout, auth, body kind). */
  cachedHeaders(self: Base, args: HeaderArgs): Promise<Headers> | WireRequestHeaders {
    const { options, method, bodyHeaders, retryCount } = args;
    const sec = securityKey(options.__security);
    const me = this as unknown as { idempotencyHeader?: string; _provider?: unknown; _workloadIdentityAuth?: unknown; logLevel?: string };
    if (
      sec === null ||
      options.headers != null ||
      (bodyHeaders !== JSON_BODY_HEADERS && bodyHeaders !== undefined) ||
      me.idempotencyHeader ||
      me._provider ||
      me._workloadIdentityAuth ||
      // Debug logs print the request headers: give them the SDK's real Headers.
      me.logLevel === 'debug'
    ) {
      return self.buildHeaders.call(this, args);
    }
    const stamp = [this.apiKey, this.adminAPIKey, this.organization, this.project, this._options.defaultHeaders];
    if (stamp.some((v, i) => v !== this.headerStamp[i])) {
      this.headerCache.clear();
      this.headerStamp = stamp;
    }
    const key = `${method}\u0000${retryCount}\u0000${options.timeout ?? ''}\u0000${sec}\u0000${bodyHeaders === undefined ? '' : 'json'}`;
    const hit = this.headerCache.get(key);
    if (hit) return hit;
    return self.buildHeaders.call(this, args).then((h) => {
      const record: Record<string, string> = {};
      // The order and case wireFetch would have sent the SDK's Headers in.
      h.forEach((v, k) => {
        record[k] = v;
      });
      const wire = new WireRequestHeaders(record);
      if (this.headerCache.size < 64) this.headerCache.set(key, wire);
      return wire;
    }) as unknown as Promise<Headers>;
  }
}

// buildHeaders and buildBody are private in the SDK's typings, so TypeScript
// will not let a subclass declare them; they are ordinary prototype methods
// the base class calls on `this`, overridden here on the subclass's own
// prototype (the SDK's module is not touched).
Object.defineProperty(SdkClient.prototype, 'buildHeaders', {
  configurable: true,
  writable: true,
  value(this: SdkClient, args: HeaderArgs) {
    return this.cachedHeaders(base, args);
  },
});

Object.defineProperty(SdkClient.prototype, 'buildBody', {
  configurable: true,
  writable: true,
  // A plain JSON object body without request headers is what the base method
  // turns into JSON.stringify(body) with a JSON content type (after building
  // an empty Headers to look for a content type that cannot be there).
  value(this: SdkClient, args: { options: Opts }) {
    const { body, headers } = args.options;
    if (headers == null && isPlainObject(body) && !(Symbol.asyncIterator in body) && !(Symbol.iterator in body))
      return { bodyHeaders: JSON_BODY_HEADERS, body: JSON.stringify(body), isStreamingBody: false };
    return base.buildBody.call(this, args);
  },
});

// The SDK's User-Agent is `${this.constructor.name}/JS <version>`: the
// subclass answers to the base class's name so servers see the same agent.
Object.defineProperty(SdkClient, 'name', { value: OpenAI.name });
