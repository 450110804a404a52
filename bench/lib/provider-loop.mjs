// The provider layer alone: `LOOP_CALLS` chat calls through the built
// Provider (default settings but the concurrency; cache off) with the same
// request as the bare loop, so the two differ only by the provider layer.
// Prints one JSON line.
import { Provider } from '../../dist/provider/index.js';

const calls = Number(process.env.LOOP_CALLS);
const concurrency = Number(process.env.LOOP_CONCURRENCY);
const transport = /** @type {'sdk' | 'node-http' | undefined} */ (process.env.LOOP_TRANSPORT || undefined);
const ep = { name: 'bench', baseUrl: `http://127.0.0.1:${process.env.LOOP_PORT}/v1`, model: 'bench-judge', apiKeyEnv: 'LOOP_KEY' };
const p = new Provider({ cacheDir: null, concurrency, env: { LOOP_KEY: 'sk-bench' }, ...(transport ? { transport } : {}) });
const prompt = 'x'.repeat(Number(process.env.LOOP_BODY_CHARS ?? 3500));

let next = 0;
let errors = 0;
async function worker() {
  while (next < calls) {
    const i = next++;
    try {
      // The sample number keeps every request distinct, as in a real run (the hash differs per call).
      await p.chat({ endpoint: ep, messages: [{ role: 'user', content: `${i} ${prompt}` }], params: { temperature: 0, max_tokens: 16 }, key: String(i) });
    } catch {
      errors++;
    }
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
process.stdout.write(`${JSON.stringify({ calls, errors })}\n`);
