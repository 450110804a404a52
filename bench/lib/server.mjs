// A local OpenAI-compatible chat server with a fixed latency, run as its own
// process (forked by the bench) so its CPU never counts against the client
// being measured. It answers every chat completion after `BENCH_LATENCY_MS`
// and keeps, per measurement phase, the number of answered calls and the
// window from the first request's arrival to the last response's end.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const latency = Number(process.env.BENCH_LATENCY_MS ?? 50);
const reply = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'bench-judge',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'The reply reacts to what was said and sounds spoken.\nScore: 7' },
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 900, completion_tokens: 14, total_tokens: 914 },
  }),
);
const headers = { 'content-type': 'application/json', 'content-length': reply.length };

let phase = { calls: 0, first: 0, last: 0, bytesIn: 0, connections: 0 };

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
    res.writeHead(404).end();
    return;
  }
  const arrived = performance.now();
  if (phase.first === 0) phase.first = arrived;
  req.on('data', (chunk) => {
    phase.bytesIn += chunk.length;
  });
  req.on('end', () => {
    setTimeout(() => {
      res.writeHead(200, headers);
      res.end(reply);
      phase.calls++;
      phase.last = performance.now();
    }, latency);
  });
});
// Clients keep connections open between calls; never close them under load.
server.on('connection', () => {
  phase.connections++;
});
server.keepAliveTimeout = 120_000;
server.headersTimeout = 130_000;
server.requestTimeout = 0;
server.maxRequestsPerSocket = 0;

server.listen(0, '127.0.0.1', () => {
  process.send({ type: 'ready', port: /** @type {import('node:net').AddressInfo} */ (server.address()).port, latency });
});

process.on('message', (/** @type {any} */ m) => {
  if (m.cmd === 'reset') {
    phase = { calls: 0, first: 0, last: 0, bytesIn: 0, connections: 0 };
    process.send({ type: 'reset' });
  } else if (m.cmd === 'stats') {
    process.send({ type: 'stats', calls: phase.calls, windowMs: phase.last - phase.first, bytesIn: phase.bytesIn, connections: phase.connections });
  } else if (m.cmd === 'stop') {
    server.close();
    server.closeAllConnections();
    process.disconnect();
  }
});
// The bench died or finished without saying so: do not outlive it.
process.on('disconnect', () => process.exit(0));
