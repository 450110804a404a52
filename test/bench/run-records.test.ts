// The report bench's synthetic run must look like a real one: noise in [0, 1)
// and a small share of failed judgments (0.4 %), not the half that a signed
// 32-bit xor once produced.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../video/helpers.js';

interface RunRecords {
  noise(a: number, b: number, c: number): number;
  writeRun(runsDir: string, runId: string, samples: number): Promise<{ dir: string; judgments: number; responses: number }>;
  METRICS: [string, number, number][];
}

// Imported through a computed URL: the bench is plain JavaScript with no type declarations.
const load = async (): Promise<RunRecords> => (await import(new URL('../../bench/lib/run-records.mjs', import.meta.url).href)) as RunRecords;

describe('bench run generator', () => {
  it('draws noise in [0, 1) spread over the whole interval', async () => {
    const { noise } = await load();
    const bins = new Array<number>(10).fill(0);
    let n = 0;
    for (let a = 0; a < 200; a++) {
      for (let b = 0; b < 10; b++) {
        for (let c = 0; c < 11; c++) {
          const u = noise(a, b, c);
          expect(u).toBeGreaterThanOrEqual(0);
          expect(u).toBeLessThan(1);
          bins[Math.floor(u * 10)]!++;
          n++;
        }
      }
    }
    // 22,000 draws: each tenth should hold about 2,200; a sign bug empties the upper half.
    for (const count of bins) expect(count / n).toBeGreaterThan(0.08);
    expect(noise(3, 4, 5)).toBe(noise(3, 4, 5));
  });

  it('writes about 0.4 % failed judgments, every other score on its metric scale', async () => {
    const { writeRun, METRICS } = await load();
    const scale = new Map(METRICS.map(([id, min, max]) => [id, [min, max] as const]));
    const run = await writeRun(tempDir('rolejudge-bench-gen-'), 'gen', 100);
    let total = 0;
    let failed = 0;
    for (const f of readdirSync(path.join(run.dir, 'judgments'))) {
      for (const line of readFileSync(path.join(run.dir, 'judgments', f), 'utf8').split('\n')) {
        if (line === '') continue;
        const j = JSON.parse(line) as { metric: string; score: number | null; failure?: unknown };
        total++;
        if (j.score === null) {
          expect(j.failure).toBeDefined();
          failed++;
          continue;
        }
        const [min, max] = scale.get(j.metric)!;
        expect(j.score).toBeGreaterThanOrEqual(min);
        expect(j.score).toBeLessThanOrEqual(max);
      }
    }
    expect(total).toBe(run.judgments);
    expect(total).toBe(100 * 11 * 2 * 3 * 2);
    // 13,200 judgments at p = 0.004: about 53 expected, standard deviation about 7.
    expect(failed / total).toBeGreaterThan(0.002);
    expect(failed / total).toBeLessThan(0.007);
  });
});
