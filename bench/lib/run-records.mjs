// A synthetic run directory in the run format (src/store/run.ts, src/types.ts)
// for the report bench: run.json, responses/<model>.jsonl and
// judgments/<judge>.jsonl, written directly — no model or judge is called.
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// EBM-RL's three metrics (1–10) and Video2Roleplay's eight (0–100).
/** @type {Array<[string, number, number]>} */
export const METRICS = [
  ['veg', 1, 10],
  ['spc', 1, 10],
  ['cn', 1, 10],
  ['character-consistency', 0, 100],
  ['knowledge-hallucination', 0, 100],
  ['instruction-adherence', 0, 100],
  ['utterance-fluency', 0, 100],
  ['human-likeness', 0, 100],
  ['response-accuracy', 0, 100],
  ['tone-consistency', 0, 100],
  ['video-text-relevance', 0, 100],
];
export const MODELS = ['candidate-vlm', 'baseline-vlm'];
export const JUDGES = ['gpt-4o', 'o3-mini'];
export const ROUNDS = 3;

const hex = (s) => createHash('sha256').update(s).digest('hex');
const sampleId = (i) => `s${String(i).padStart(6, '0')}`;

/**
 * Deterministic noise in [0, 1), so every run of the bench writes the same
 * records. Each xor is followed by `>>> 0`: JavaScript's `^` yields a signed
 * 32-bit value, and a negative one here would put the result in [-0.5, 0).
 */
export function noise(a, b, c) {
  let x = (Math.imul(a, 2654435761) ^ Math.imul(b + 1, 40503) ^ Math.imul(c + 7, 2246822519)) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 2246822507) >>> 0;
  x = (x ^ (x >>> 13)) >>> 0;
  return x / 4294967296;
}

class LineFile {
  constructor(file) {
    this.out = createWriteStream(file);
    this.buf = '';
  }
  async add(line) {
    this.buf += line;
    if (this.buf.length > 1 << 20) await this.flush();
  }
  async flush() {
    const chunk = this.buf;
    this.buf = '';
    if (!this.out.write(chunk)) await new Promise((r) => this.out.once('drain', () => r(undefined)));
  }
  async close() {
    await this.flush();
    await new Promise((res, rej) => this.out.end((e) => (e ? rej(e) : res())));
  }
}

/** Writes the run under `runsDir/<runId>`; returns counts and the run directory. */
export async function writeRun(runsDir, runId, samples) {
  const dir = join(runsDir, runId);
  for (const d of ['responses', 'judgments']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(
    join(dir, 'run.json'),
    `${JSON.stringify({ runId, configHash: hex('report-bench'), rolejudgeVersion: '0.1.0', createdAt: new Date(0).toISOString(), seed: 20250501 }, null, 2)}\n`,
  );

  const answerChars = (i, m) => 80 + Math.floor(noise(i, m, 99) * 300);
  for (let m = 0; m < MODELS.length; m++) {
    const f = new LineFile(join(dir, 'responses', `${MODELS[m]}.jsonl`));
    for (let i = 0; i < samples; i++) {
      const answer = `Reply ${i} of ${MODELS[m]}: `.padEnd(answerChars(i, m), 'x');
      await f.add(
        `${JSON.stringify({ type: 'response', sampleId: sampleId(i), model: MODELS[m], kind: 'plain', raw: answer, answer, format: { valid: true, flags: [] }, usage: { prompt: 2400, completion: 60, total: 2460 }, latencyMs: 900, requestHash: null, frames: null, via: 'file' })}\n`,
      );
    }
    await f.close();
  }

  let judgments = 0;
  for (let jd = 0; jd < JUDGES.length; jd++) {
    const judge = JUDGES[jd];
    const judgeHash = hex(judge);
    const sent = JSON.stringify({ model: judge, temperature: 0, max_tokens: 1024 });
    const f = new LineFile(join(dir, 'judgments', `${judge}.jsonl`));
    for (let i = 0; i < samples; i++) {
      const id = sampleId(i);
      for (let m = 0; m < MODELS.length; m++) {
        const chars = answerChars(i, m);
        const responseHash = hex(`${id}/${m}`).slice(0, 16);
        for (let k = 0; k < METRICS.length; k++) {
          const [metric, min, max] = METRICS[k];
          const templateHash = `${hex(metric).slice(0, 16)}:${hex(`${id}${m}${k}`).slice(0, 16)}`;
          // A sample-level quality, a model effect and judge/round noise, on the metric's scale.
          const quality = noise(i, 0, k);
          for (let round = 1; round <= ROUNDS; round++) {
            const u = noise(i * 7 + round, m * 13 + jd, k);
            const failed = u < 0.004;
            const frac = Math.min(1, Math.max(0, 0.55 * quality + 0.3 * u + (m === 0 ? 0.1 : 0.05)));
            const score = failed ? null : min + Math.round(frac * (max - min));
            const raw = failed
              ? 'I would rate this reply as fairly natural overall.'
              : `The reply stays in character and answers what was said; some phrasing is stiff. Score: ${score}`;
            const failure = failed ? `,"failure":{"kind":"parse","message":"no score found in the reply"}` : '';
            await f.add(
              `{"type":"judgment","sampleId":"${id}","model":"${MODELS[m]}","metric":"${metric}","judge":"${judge}","round":${round},"selfId":[],"answerChars":${chars},` +
                `"provenance":{"judgeHash":"${judgeHash}","templateHash":"${templateHash}","rubricVersion":"1","responseHash":"${responseHash}","framesHash":null,"order":"single","round":${round}},` +
                `"mode":"per-response","score":${score}${failure},"raw":[${JSON.stringify(raw)}],"attempts":${failed ? 3 : 1},"usage":{"prompt":1900,"completion":70,"total":1970},"latencyMs":${(800 + 400 * u).toFixed(1)},"sent":${sent}}\n`,
            );
            judgments++;
          }
        }
      }
    }
    await f.close();
  }
  return { dir, judgments, responses: samples * MODELS.length };
}

/** A config whose run is the synthetic one (report reads only the run and the rubrics). */
export function writeReportConfig(base, runId, splitFile) {
  const file = join(base, 'report-bench.json');
  const config = {
    run: { id: runId, outputDir: join(base, 'runs'), reportsDir: join(base, 'reports') },
    dataset: { path: splitFile, format: 'rolejudge' },
    models: MODELS.map((name) => ({ name, kind: 'plain', outputs: join(base, 'runs', runId, 'responses', `${name}.jsonl`) })),
    judges: JUDGES,
    rubrics: METRICS.map(([id]) => id),
    compare: { candidates: [MODELS[0]], baselines: [MODELS[1]] },
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}
