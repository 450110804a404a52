// The reference client: a bare loop of raw HTTP requests (node:http, one
// keep-alive Agent, no SDK, no records), `BARE_CONCURRENCY` workers sending
// `BARE_CALLS` chat requests in total. Prints one JSON line with its figures.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const port = Number(process.env.BARE_PORT);
const calls = Number(process.env.BARE_CALLS);
const concurrency = Number(process.env.BARE_CONCURRENCY);
const bodyChars = Number(process.env.BARE_BODY_CHARS ?? 3500);

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
// A request the size of a real judge prompt, so both clients move the same bytes.
const prompt = 'x'.repeat(bodyChars);
const body = Buffer.from(JSON.stringify({ model: 'bench-judge', messages: [{ role: 'user', content: prompt }], temperature: 0, max_tokens: 16 }));

function once() {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/chat/completions',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`));
          const data = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          resolve(data.choices[0].message.content);
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let next = 0;
let errors = 0;
async function worker() {
  while (next < calls) {
    next++;
    try {
      await once();
    } catch {
      errors++;
    }
  }
}

const start = performance.now();
await Promise.all(Array.from({ length: concurrency }, worker));
const wallMs = performance.now() - start;
agent.destroy();
process.stdout.write(`${JSON.stringify({ calls, errors, wallMs })}\n`);
