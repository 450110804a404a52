// postChat: the node:http chat transport under the provider.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, BadRequestError, RateLimitError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { postChat } from '../../src/provider/chat-http.js';
import { classify } from '../../src/provider/errors.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  socket: number;
}

/** A server whose reply is given per request; records what arrived and on which connection. */
async function serve(reply: (seen: Seen, res: import('node:http').ServerResponse) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const sockets = new Map<object, number>();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!sockets.has(req.socket)) sockets.set(req.socket, sockets.size);
      const s: Seen = {
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        socket: sockets.get(req.socket)!,
      };
      seen.push(s);
      reply(s, res);
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/v1`, seen };
}

const completion = (content: string) => ({
  id: 'x',
  object: 'chat.completion',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
});
const json = (res: import('node:http').ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
};
const client = (baseURL: string, apiKey = 'sk-test-key') => new OpenAI({ apiKey, baseURL, maxRetries: 0 });

describe('postChat', () => {
  it('POSTs the body as JSON to …/chat/completions with the key, and returns the parsed reply', async () => {
    const { url, seen } = await serve((_s, res) => json(res, 200, completion('hello – “quoted”')));
    const body = { model: 'm', messages: [{ role: 'user', content: 'Grüße – ½' }], max_tokens: 5 };
    const out = (await postChat(client(url), body, 5000)) as any;
    expect(out.choices[0].message.content).toBe('hello – “quoted”');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.url).toBe('/v1/chat/completions');
    expect(seen[0]!.headers.authorization).toBe('Bearer sk-test-key');
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(Number(seen[0]!.headers['content-length'])).toBe(Buffer.byteLength(seen[0]!.body));
    expect(JSON.parse(seen[0]!.body)).toEqual(body);
  });

  it('keeps the connection alive across calls', async () => {
    const { url, seen } = await serve((_s, res) => json(res, 200, completion('ok')));
    const c = client(url);
    for (let i = 0; i < 5; i++) await postChat(c, { model: 'm', messages: [] }, 5000);
    expect(seen.map((s) => s.socket)).toEqual([0, 0, 0, 0, 0]);
  });

  it('raises the SDK error class for the status, with message, param and headers', async () => {
    const { url } = await serve((s, res) =>
      s.body.includes('"rate"')
        ? json(res, 429, { error: { message: 'slow down' } }, { 'retry-after-ms': '1500' })
        : json(res, 400, { error: { message: 'max_tokens is not supported', param: 'max_tokens' } }),
    );
    const bad = await postChat(client(url), { model: 'm', messages: [] }, 5000).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BadRequestError);
    expect((bad as APIError).message).toBe('400 max_tokens is not supported');
    expect(classify(bad, undefined)).toMatchObject({ kind: 'http', status: 400, retryable: false, param: 'max_tokens' });
    const limited = await postChat(client(url), { model: 'rate', messages: [] }, 5000).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(classify(limited, undefined)).toMatchObject({ kind: 'http', status: 429, retryable: true, retryAfterMs: 1500 });
  });

  it('reads a non-JSON error body as the message', async () => {
    const { url } = await serve((_s, res) => res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway'));
    const err = await postChat(client(url), { model: 'm', messages: [] }, 5000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).status).toBe(502);
    expect((err as APIError).message).toBe('502 bad gateway');
  });

  it('decodes a gzip-encoded reply', async () => {
    const { url } = await serve((_s, res) => {
      const z = gzipSync(JSON.stringify(completion('zipped')));
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': z.length }).end(z);
    });
    const out = (await postChat(client(url), { model: 'm', messages: [] }, 5000)) as any;
    expect(out.choices[0].message.content).toBe('zipped');
  });

  it('returns a non-JSON success body as text (for the caller to reject)', async () => {
    const { url } = await serve((_s, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>'));
    await expect(postChat(client(url), { model: 'm', messages: [] }, 5000)).resolves.toBe('<html>login</html>');
  });

  it('times out a server that stalls in the middle of the body', async () => {
    const { url } = await serve((_s, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
      res.write('{"choices":');
    });
    const started = performance.now();
    const err = await postChat(client(url), { model: 'm', messages: [] }, 300).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionTimeoutError);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(classify(err, undefined)).toMatchObject({ kind: 'timeout', retryable: true });
  });

  it('reports a connection cut mid-body as a connection error', async () => {
    const { url } = await serve((_s, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
      res.write('{"choices":', () => res.socket?.destroy());
    });
    const err = await postChat(client(url), { model: 'm', messages: [] }, 5000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionError);
    expect(classify(err, undefined)).toMatchObject({ kind: 'connection', retryable: true });
  });

  it('reports a refused connection as a connection error naming the cause', async () => {
    const { url } = await serve(() => undefined);
    await new Promise((r) => server!.close(r));
    server = undefined;
    const err = await postChat(client(url), { model: 'm', messages: [] }, 5000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionError);
    expect(classify(err, undefined).message).toContain('ECONNREFUSED');
  });
});
