// A real OpenAI-compatible HTTP server on 127.0.0.1 for tests: records every
// request and can misbehave on cue (429, 5xx, stalls, resets, bad bodies).
// Extra endpoints (e.g. the Batch API) plug in as routes from other files.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  /** 0-based arrival order over all routes. */
  index: number;
  method: string;
  path: string;
  /** Parsed JSON when the body is JSON, else the body as text. */
  body: any;
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
  /** The request line's target and version, and every header as sent (names' case and order kept). */
  url: string;
  httpVersion: string;
  rawHeaders: string[];
  /** performance.now() at arrival (body fully read); monotonic, same clock as the test. */
  at: number;
}

export type FakeFault =
  | {
      status: number;
      retryAfter?: number | string;
      retryAfterMs?: number;
      error?: { message: string; type?: string; param?: string | null; code?: string | null };
    }
  | { delayMs: number; reply?: FakeReply }
  | { reset: true }
  | { malformed: true }
  | { truncated: true }
  | { noChoices: true };

export interface FakeContent {
  content: string | null;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } };
  finishReason?: string;
  /** Sets choices[0].message.refusal (an OpenAI safety refusal). */
  refusal?: string;
}

export type FakeReply = string | FakeContent | FakeFault;

export interface HandlerContext {
  /** 0-based index among chat-completion requests. */
  index: number;
  request: FakeRequest;
}

export type FakeHandler = (body: any, ctx: HandlerContext) => FakeReply | Promise<FakeReply>;

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  request: FakeRequest;
  /** Values of `:name` segments of the route path. */
  params: Record<string, string>;
  server: FakeServer;
}

export interface FakeRoute {
  method: string;
  /** Path with optional `:name` segments, e.g. "/v1/batches/:id". */
  path: string;
  handle: (ctx: RouteContext) => void | Promise<void>;
}

export interface FakeServerOptions {
  handler?: FakeHandler;
  /** Faults (or replies) used in order for the first chat requests. */
  script?: FakeReply[];
  /** Added before every chat reply. */
  latencyMs?: number;
  routes?: FakeRoute[];
}

export interface FakeServer {
  url: string;
  port: number;
  requests: FakeRequest[];
  /** Remaining scripted replies; push more at any time. */
  script: FakeReply[];
  /** Most chat requests being handled at once so far. */
  readonly maxInFlight: number;
  readonly inFlight: number;
  setHandler(fn: FakeHandler): void;
  addRoute(route: FakeRoute): void;
  close(): Promise<void>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function words(s: string): number {
  return s.split(/\s+/).filter(Boolean).length;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p: any) => (p?.type === 'text' ? String(p.text) : `[${p?.type}]`)).join(' ');
}

/** Deterministic reply: the model name and the last user message. */
export const echoHandler: FakeHandler = (body) => {
  const msgs: any[] = Array.isArray(body?.messages) ? body.messages : [];
  const lastUser = [...msgs].reverse().find((m) => m?.role === 'user');
  return `[${body?.model}] ${textOf(lastUser?.content)}`;
};

export function completion(body: any, reply: FakeContent, index: number): Record<string, unknown> {
  const msgs: any[] = Array.isArray(body?.messages) ? body.messages : [];
  const prompt = Math.max(1, words(msgs.map((m) => textOf(m?.content)).join(' ')));
  const done = Math.max(1, words(reply.content ?? ''));
  const usage = reply.usage ?? { prompt_tokens: prompt, completion_tokens: done };
  return {
    id: `chatcmpl-fake-${index}`,
    object: 'chat.completion',
    created: 1_700_000_000,
    model: body?.model ?? 'fake',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: reply.content, ...(reply.refusal !== undefined ? { refusal: reply.refusal } : {}) },
        finish_reason: reply.finishReason ?? 'stop',
      },
    ],
    usage: { ...usage, total_tokens: usage.total_tokens ?? usage.prompt_tokens + usage.completion_tokens },
  };
}

function matchPath(pattern: string, path: string): Record<string, string> | null {
  const a = pattern.split('/');
  const b = path.split('/');
  if (a.length !== b.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < a.length; i++) {
    const p = a[i]!;
    const v = b[i]!;
    if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(v);
    else if (p !== v) return null;
  }
  return params;
}

export async function startFakeServer(opts: FakeServerOptions = {}): Promise<FakeServer> {
  let handler: FakeHandler = opts.handler ?? echoHandler;
  const routes: FakeRoute[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let chatCount = 0;
  let inFlight = 0;
  let maxInFlight = 0;

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  async function reply(ctx: RouteContext, r: FakeReply, index: number): Promise<void> {
    const { res, req, request } = ctx;
    if (typeof r === 'string') return sendJson(res, 200, completion(request.body, { content: r }, index));
    if ('delayMs' in r) {
      await wait(r.delayMs);
      return reply(ctx, r.reply ?? (await handler(request.body, { index, request })), index);
    }
    if ('reset' in r) {
      req.socket.destroy();
      return;
    }
    if ('malformed' in r) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id": "chatcmpl-broken", "choices": [ this is not json');
      return;
    }
    if ('truncated' in r) {
      const full = JSON.stringify(completion(request.body, { content: 'never fully sent' }, index));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(full) });
      res.write(full.slice(0, Math.floor(full.length / 2)), () => req.socket.destroy());
      return;
    }
    if ('noChoices' in r) return sendJson(res, 200, { id: 'chatcmpl-empty', object: 'chat.completion', choices: [] });
    if ('status' in r) {
      const headers: Record<string, string> = {};
      if (r.retryAfter !== undefined) headers['retry-after'] = String(r.retryAfter);
      if (r.retryAfterMs !== undefined) headers['retry-after-ms'] = String(r.retryAfterMs);
      const error = r.error ?? { message: `fake status ${r.status}`, type: 'fake_error' };
      return sendJson(res, r.status, { error }, headers);
    }
    return sendJson(res, 200, completion(request.body, r, index));
  }

  const chatRoute: FakeRoute = {
    method: 'POST',
    path: '/v1/chat/completions',
    async handle(ctx) {
      const index = chatCount++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (opts.latencyMs) await wait(opts.latencyMs);
        const scripted = server.script.shift();
        const r = scripted ?? (await handler(ctx.request.body, { index, request: ctx.request }));
        await reply(ctx, r, index);
      } finally {
        inFlight--;
      }
    },
  };
  routes.push(chatRoute, ...(opts.routes ?? []));

  const requests: FakeRequest[] = [];
  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const path = (req.url ?? '/').split('?')[0]!;
      let body: any = rawBody.toString('utf8');
      if (String(req.headers['content-type'] ?? '').includes('json')) {
        try {
          body = JSON.parse(body);
        } catch {
          // keep the text: a test may want to see what arrived
        }
      }
      const request: FakeRequest = {
        index: requests.length,
        method: req.method ?? 'GET',
        path,
        body,
        rawBody,
        headers: req.headers,
        url: req.url ?? '/',
        httpVersion: req.httpVersion,
        rawHeaders: req.rawHeaders,
        at: performance.now(),
      };
      requests.push(request);
      // Later routes win so tests can override a built-in one.
      for (const route of [...routes].reverse()) {
        if (route.method !== request.method) continue;
        const params = matchPath(route.path, path);
        if (!params) continue;
        Promise.resolve(route.handle({ req, res, request, params, server })).catch((err: unknown) => {
          sendJson(res, 500, { error: { message: `fake server route failed: ${String(err)}` } });
        });
        return;
      }
      sendJson(res, 404, { error: { message: `no fake route for ${request.method} ${path}` } });
    });
  });

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  const server: FakeServer = {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    script: [...(opts.script ?? [])],
    get maxInFlight() {
      return maxInFlight;
    },
    get inFlight() {
      return inFlight;
    },
    setHandler(fn) {
      handler = fn;
    },
    addRoute(route) {
      routes.push(route);
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  return server;
}
