// rolejudge's side of the rate-limit bench: `RATE_CALLS` judge-sized chat
// calls through the built Provider on its default settings (pacing on, cache
// off), `RATE_CEILING` as the configured concurrency — a ceiling the pacer
// stays under. Prints one JSON line.
import { Provider } from '../../dist/provider/index.js';

const calls = Number(process.env.RATE_CALLS);
const ceiling = Number(process.env.RATE_CEILING ?? 64);
const ep = { name: 'rate-judge', baseUrl: process.env.RATE_BASE_URL, model: 'rate-judge', apiKeyEnv: 'RATE_KEY' };
const p = new Provider({ cacheDir: null, concurrency: ceiling, env: { RATE_KEY: 'sk-bench' } });
const filler = 'x'.repeat(Number(process.env.RATE_PROMPT_CHARS ?? 200));
const maxTokens = Number(process.env.RATE_MAX_TOKENS ?? 16);

let next = 0;
let failed = 0;
// The stage's job pool hands out work as slots free up; so does this loop.
async function worker() {
  while (next < calls) {
    const i = next++;
    try {
      await p.chat({
        endpoint: ep,
        messages: [{ role: 'user', content: `Sample ${i}. ${filler}` }],
        params: { temperature: 0, max_tokens: maxTokens },
        key: String(i),
      });
    } catch {
      failed++;
    }
  }
}
await Promise.all(Array.from({ length: ceiling }, worker));
const s = p.stats();
process.stdout.write(`${JSON.stringify({ calls, failed, attempts: s.calls, retries: s.retries })}\n`);
