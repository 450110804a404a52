// The chat-completion round trip on node:http, under the OpenAI client's
// settings (base URL, key, organization, project) and raising the SDK's own
// error classes, so everything above it cannot tell the difference.
//
// Why not client.chat.completions.create: per call, the SDK plus global fetch
// (undici, web streams, two AbortControllers, Headers objects, debug-log
// formatting) cost the harness about 0.4 ms of CPU more than a bare request
// loop — at 64+ calls in flight on two cores, the difference between keeping
// up with the judge and not. The SDK client still carries the configuration
// and serves the Batch and Files APIs.
import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import type OpenAI from 'openai';
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { VERSION } from '../core/version.js';

interface Transport {
  url: URL;
  target: { protocol: string; hostname: string; port: string; path: string };
  agent: http.Agent;
  headers: Record<string, string>;
}

const transports = new WeakMap<OpenAI, Transport>();

const decoders: Record<string, (b: Buffer) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

/** One keep-alive agent and header set per client: connections are reused across calls. */
function transportFor(client: OpenAI): Transport {
  let t = transports.get(client);
  if (t) return t;
  const url = new URL(client.buildURL('/chat/completions', undefined));
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/json',
    'user-agent': `rolejudge/${VERSION}`,
  };
  if (client.apiKey) headers.authorization = `Bearer ${client.apiKey}`;
  if (client.organization) headers['openai-organization'] = client.organization;
  if (client.project) headers['openai-project'] = client.project;
  // The limiter bounds concurrency, so the agent needs no socket cap; LIFO
  // reuses warm sockets and lets surplus ones time out.
  const agent = url.protocol === 'https:' ? new https.Agent({ keepAlive: true, scheduling: 'lifo' }) : new http.Agent({ keepAlive: true, scheduling: 'lifo' });
  // IPv6 literals come bracketed in URLs but not in request options.
  const target = { protocol: url.protocol, hostname: url.hostname.replace(/^\[|\]$/g, ''), port: url.port, path: url.pathname + url.search };
  t = { url, target, agent, headers };
  transports.set(client, t);
  return t;
}

function headersOf(res: http.IncomingMessage): Headers {
  const h = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) h.append(raw[i]!, raw[i + 1]!);
  return h;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What the SDK's create() would return: the parsed JSON body, or the text of a non-JSON one. */
function readBody(res: http.IncomingMessage, body: Buffer): unknown {
  const status = res.statusCode ?? 0;
  const text = body.toString('utf8');
  if (status < 200 || status >= 300) {
    const json = safeJson(text);
    throw APIError.generate(status, json as object, json === undefined ? text : undefined, headersOf(res));
  }
  if (status === 204) return null;
  const type = (res.headers['content-type'] ?? '').split(';')[0]!.trim();
  if (type.includes('application/json') || type.endsWith('+json')) {
    if (res.headers['content-length'] === '0') return undefined;
    return JSON.parse(text);
  }
  return text;
}

/**
 * POST a chat completion body and resolve with the parsed reply. `timeoutMs`
 * bounds the whole exchange, body included (a server that stalls mid-body
 * times out like one that never answers).
 */
export function postChat(client: OpenAI, body: Record<string, unknown>, timeoutMs: number, onHeaders?: (headers: Headers) => void): Promise<unknown> {
  const t = transportFor(client);
  // Written as a string: the socket encodes it, no intermediate Buffer per call.
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err: unknown, value?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err !== null) reject(err);
      else resolve(value);
    };
    const lost = (cause: unknown) => finish(new APIConnectionError({ cause: cause instanceof Error ? cause : new Error(String(cause)) }));
    const req = (t.url.protocol === 'https:' ? https : http).request(
      { ...t.target, method: 'POST', agent: t.agent, headers: { ...t.headers, 'content-length': String(Buffer.byteLength(payload)) } },
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
          // Rate-limit headers feed the pacer, on errors too (APIError carries them there).
          if (onHeaders && res.statusCode !== undefined && res.statusCode < 300) onHeaders(headersOf(res));
          const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
          const encoding = (res.headers['content-encoding'] ?? '').trim().toLowerCase();
          const settle = (buf: Buffer) => {
            try {
              finish(null, readBody(res, buf));
            } catch (err) {
              finish(err);
            }
          };
          if (!encoding || encoding === 'identity') return settle(raw);
          const decode = decoders[encoding];
          if (!decode) return lost(new Error(`unsupported content-encoding "${encoding}"`));
          decode(raw).then(settle, lost);
        });
      },
    );
    const timer = setTimeout(() => {
      finish(new APIConnectionTimeoutError());
      req.destroy();
    }, timeoutMs);
    req.on('error', lost);
    req.end(payload);
  });
}
