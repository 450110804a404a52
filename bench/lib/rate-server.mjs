// An OpenAI-compatible chat server that enforces a requests budget and a
// tokens budget the way OpenAI describes its limits: each budget is a bucket
// of `limit` that refills steadily over `windowMs` (a minute there; scaled
// down here so a bench finishes in seconds), a request is charged its prompt
// tokens plus its completion allowance (max_tokens) when it arrives, and a
// request either budget cannot cover is refused with 429. Every reply, 429s
// included, carries x-ratelimit-{limit,remaining,reset}-{requests,tokens} as
// they stood when the request arrived.
//
// Used by test/provider/pacer.test.ts in-process and by bench/rate-limit-bench.mjs
// as its own process (run this file with `fork`: it then listens and answers
// `stats` / `reset` / `stop` messages).
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

// The server's tokenizer stand-in: deliberately not the client's 4 characters a
// token, so a client must calibrate from usage.prompt_tokens, as against a real one.
const CHARS_PER_TOKEN = 3.5;

/** "1.25s", "20ms", "6m0s": a duration as OpenAI writes it. */
export function goDuration(ms) {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const m = Math.floor(ms / 60_000);
  const s = (ms - m * 60_000) / 1000;
  const sec = `${Number(s.toFixed(3))}s`;
  return m > 0 ? `${m}m${sec}` : sec;
}

function promptTokens(body) {
  let chars = 0;
  for (const m of Array.isArray(body?.messages) ? body.messages : []) {
    if (typeof m?.content === 'string') chars += m.content.length;
    else if (Array.isArray(m?.content)) for (const p of m.content) if (typeof p?.text === 'string') chars += p.text.length;
  }
  return Math.max(1, Math.ceil(chars / CHARS_PER_TOKEN));
}

function bucket(limit, windowMs) {
  return { limit, rate: limit / windowMs, level: limit, at: performance.now() };
}

function refill(b, t) {
  b.level = Math.min(b.limit, b.level + (t - b.at) * b.rate);
  b.at = t;
}

/**
 * @param {{ requests: number, tokens: number, windowMs: number, latencyMs?: number, completionTokens?: number }} options
 */
export function createRateLimitedServer(options) {
  const opts = { ...options };
  let latency = opts.latencyMs ?? 50;
  let completion = opts.completionTokens ?? 12;
  let req = bucket(opts.requests, opts.windowMs);
  let tok = bucket(opts.tokens, opts.windowMs);
  let phase = { accepted: 0, refused: 0, first: 0, lastAccepted: 0, charged: 0 };

  const headersOf = () => ({
    'x-ratelimit-limit-requests': String(req.limit),
    'x-ratelimit-remaining-requests': String(Math.max(0, Math.floor(req.level))),
    'x-ratelimit-reset-requests': goDuration((req.limit - req.level) / req.rate),
    'x-ratelimit-limit-tokens': String(tok.limit),
    'x-ratelimit-remaining-tokens': String(Math.max(0, Math.floor(tok.level))),
    'x-ratelimit-reset-tokens': goDuration((tok.limit - tok.level) / tok.rate),
  });

  const send = (res, status, obj, headers) => {
    const text = JSON.stringify(obj);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };

  const server = http.createServer((r, res) => {
    const chunks = [];
    r.on('data', (c) => chunks.push(c));
    r.on('end', () => {
      if (r.method !== 'POST' || !r.url?.endsWith('/chat/completions')) return send(res, 404, { error: { message: 'not found' } }, {});
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(res, 400, { error: { message: 'body is not JSON' } }, {});
      }
      const t = performance.now();
      if (phase.first === 0) phase.first = t;
      refill(req, t);
      refill(tok, t);
      const prompt = promptTokens(body);
      const cost = prompt + (Number(body.max_tokens ?? body.max_completion_tokens) || 0);
      if (req.level < 1 || tok.level < cost) {
        phase.refused++;
        const which = req.level < 1 ? 'requests' : 'tokens';
        return send(res, 429, { error: { message: `Rate limit reached for ${which}`, type: 'requests', code: 'rate_limit_exceeded' } }, headersOf());
      }
      req.level -= 1;
      tok.level -= cost;
      phase.charged += cost;
      const headers = headersOf();
      setTimeout(() => {
        phase.accepted++;
        phase.lastAccepted = t;
        send(
          res,
          200,
          {
            id: `chatcmpl-rate-${phase.accepted}`,
            object: 'chat.completion',
            created: 1_700_000_000,
            model: body.model ?? 'rate-judge',
            choices: [{ index: 0, message: { role: 'assistant', content: 'Score: 7' }, finish_reason: 'stop' }],
            usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
          },
          headers,
        );
      }, latency);
    });
  });
  server.keepAliveTimeout = 120_000;

  return {
    server,
    /** Accepted and refused requests since the last reset, and what the limits allowed in that time. */
    stats() {
      const spanMs = phase.lastAccepted - phase.first;
      return { ...phase, spanMs, requestsLimit: opts.requests, tokensLimit: opts.tokens, windowMs: opts.windowMs };
    },
    /** Fresh, full budgets and counters; `limits` changes any of the options first. */
    reset(limits = {}) {
      Object.assign(opts, limits);
      latency = opts.latencyMs ?? 50;
      completion = opts.completionTokens ?? 12;
      req = bucket(opts.requests, opts.windowMs);
      tok = bucket(opts.tokens, opts.windowMs);
      phase = { accepted: 0, refused: 0, first: 0, lastAccepted: 0, charged: 0 };
    },
  };
}

/**
 * Share of the limits a client achieved: requests (or tokens) accepted beyond
 * the opening full bucket, per ms, ÷ the budget's refill rate — over the span
 * from the first arrival to the last accepted one. 1 = the limit exactly.
 */
export function achievedShare(s) {
  if (s.spanMs <= 0) return { requests: null, tokens: null };
  const req = (s.accepted - s.requestsLimit) / s.spanMs / (s.requestsLimit / s.windowMs);
  const tok = (s.charged - s.tokensLimit) / s.spanMs / (s.tokensLimit / s.windowMs);
  return { requests: req, tokens: tok };
}

// Run as its own process by the bench: listen, then answer its messages.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  const cfg = JSON.parse(process.env.RATE_SERVER ?? '{}');
  const s = createRateLimitedServer(cfg);
  s.server.listen(0, '127.0.0.1', () => process.send({ type: 'ready', port: /** @type {import('node:net').AddressInfo} */ (s.server.address()).port }));
  process.on('message', (/** @type {any} */ m) => {
    if (m.cmd === 'reset') {
      s.reset(m.limits ?? {});
      process.send({ type: 'reset' });
    } else if (m.cmd === 'stats') process.send({ type: 'stats', ...s.stats() });
    else if (m.cmd === 'stop') {
      s.server.closeAllConnections();
      s.server.close();
      process.disconnect();
    }
  });
  process.on('disconnect', () => process.exit(0));
}
