// A synthetic run for the score bench: a native JSONL split (no video), two
// models' recorded outputs (so `generate` makes no calls), one LLM judge
// pointed at the bench server, and a config tying them together.
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const WORDS = (
  'harbour lantern storm courier bread oven morning station cadet alarm alley rain detective coat ' +
  'river bridge letter garden winter candle market violin train platform window silence promise ' +
  'engine ladder compass map signal whistle ticket island kettle mirror orchard quarry tower'
).split(' ');

/** Deterministic words: sample i always reads the same, and no two samples match. */
function words(i, salt, n) {
  let x = (i * 2654435761 + salt * 40503) >>> 0;
  const out = [];
  for (let k = 0; k < n; k++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out.push(WORDS[x % WORDS.length]);
  }
  return out.join(' ');
}

export const sampleId = (i) => `b${String(i).padStart(6, '0')}`;

function sample(i) {
  const id = sampleId(i);
  return {
    id,
    session_id: `session-${Math.floor(i / 4)}`,
    caption: `Scene ${id}: ${words(i, 1, 30)}.`,
    character: {
      name: 'Maren Holt',
      description: `Keeper of the Gullstone lighthouse for thirty years. Gruff, practical and fiercely dutiful; hides her worry behind orders. Speaks in short, clipped sentences. ${words(i, 2, 25)}.`,
    },
    user: { name: 'Tobiah', description: `A young courier from the village, eager and a little reckless. ${words(i, 3, 12)}.` },
    history: [
      { speaker: 'Tobiah', text: `(${id}) The harbourmaster sent me: ${words(i, 4, 20)}.` },
      { speaker: 'Maren Holt', text: `Then we make do. ${words(i, 5, 18)}.` },
      { speaker: 'Tobiah', text: `The light just went out! ${words(i, 6, 22)}?` },
    ],
    reference: `Not broken. Starved. ${words(i, 7, 20)}.`,
  };
}

async function writeLines(file, n, line) {
  const out = createWriteStream(file);
  for (let i = 0; i < n; i++) {
    if (!out.write(`${JSON.stringify(line(i))}\n`)) await new Promise((r) => out.once('drain', () => r(undefined)));
  }
  await new Promise((r, j) => out.end((e) => (e ? j(e) : r())));
}

/** Split + two models' outputs for `n` samples under `dir`. */
export async function writeSplit(dir, n) {
  mkdirSync(dir, { recursive: true });
  const split = join(dir, `split-${n}.jsonl`);
  await writeLines(split, n, sample);
  const outputs = {};
  for (const [m, salt] of [
    ['model-a', 8],
    ['model-b', 9],
  ]) {
    outputs[m] = join(dir, `outputs-${m}-${n}.jsonl`);
    await writeLines(outputs[m], n, (i) => ({ id: sampleId(i), output: `Hold steady, lad. ${words(i, salt, 24)}.` }));
  }
  return { split, outputs, n };
}

/** The bench judge: an LLM judge at the bench server, one round, a short reply. */
export function writeJudge(dir, baseUrl) {
  const judgesDir = join(dir, 'judges');
  mkdirSync(judgesDir, { recursive: true });
  writeFileSync(
    join(judgesDir, 'bench-judge.yaml'),
    [
      'name: bench-judge',
      'model: bench-judge',
      `baseUrl: ${baseUrl}`,
      'apiKeyEnv: BENCH_JUDGE_KEY',
      'temperature: 0',
      'rounds: 1',
      'maxTokens: 16',
      'sees: none',
      'structuredOutput: false',
      '',
    ].join('\n'),
  );
  return judgesDir;
}

/**
 * @param {string} dir
 * @param {string} name
 * @param {{ data: any, judgesDir: string, cacheDir: string | null, concurrency?: number, transport?: string }} options
 */
export function writeConfig(dir, name, { data, judgesDir, cacheDir, concurrency, transport }) {
  const file = join(dir, `${name}.json`);
  const config = {
    run: { id: name, outputDir: join(dir, 'runs'), reportsDir: join(dir, 'reports') },
    dataset: { path: data.split, format: 'rolejudge' },
    models: Object.entries(data.outputs).map(([m, outputs]) => ({ name: m, kind: 'plain', outputs })),
    judges: ['bench-judge'],
    rubrics: ['cn'],
    judgesDir,
    framesCacheDir: join(dir, 'frames'),
    // No transport: the build's default (older builds know no such field).
    provider: { concurrency, cacheDir, timeoutMs: 60_000, maxRetries: 2, ...(transport && transport !== 'default' ? { transport } : {}) },
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}
