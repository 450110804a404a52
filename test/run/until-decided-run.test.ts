// --until-decided driven in-process: recorded answers, the offline judge; the
// comparisons recorded must be exactly the samples it says it judged.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAll } from '../../src/run/run.js';
import { configFor, makeWorkspace, readJsonl, recordedModel, type Workspace } from '../e2e/workspace.js';

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace('until-decided');
});
afterAll(() => ws.remove());

describe('run --until-decided', () => {
  it('judges in seeded order and records what it judged, the stop and the e-values', async () => {
    const config = configFor(ws, {
      runId: 'ud',
      models: [recordedModel('ebm', 'ebm'), recordedModel('plain', 'plain')],
      judges: ['offline'],
      rubrics: ['utterance-fluency'],
      compare: { candidates: ['ebm'], baselines: ['plain'], bothOrders: false },
    });
    const code = await runAll({ config: ws.config('ud', config), quiet: true, 'until-decided': true, stages: 'generate,compare' } as never);
    expect(code).toBe(0);
    const file = join(ws.runDir('ud'), 'until-decided.json');
    expect(existsSync(file)).toBe(true);
    const r = JSON.parse(readFileSync(file, 'utf8')).compare;
    const records = readJsonl(join(ws.runDir('ud'), 'comparisons', 'offline.jsonl'));
    // One comparison per judged sample (one pair, one metric, one judge, one round, one order).
    expect(new Set(records.map((c: { sampleId: string }) => c.sampleId)).size).toBe(r.samplesJudged);
    expect(r.callsSaved).toBe((r.samplesInSplit - r.samplesJudged) * r.callsPerSample);
    expect(r.callsPerSample).toBe(1);
    expect(r.stoppedEarly).toBe(r.samplesJudged < r.samplesInSplit);
    expect(r.comparisons).toHaveLength(1);
    const c = r.comparisons[0];
    expect(c.wins + c.losses + c.ties).toBe(records.filter((x: { credit: number | null }) => x.credit !== null).length);
    expect(c.pAnytime).toBeCloseTo(Math.min(1, 1 / c.eValue), 9);
    expect(c.decidedAfter).toBeLessThanOrEqual(r.samplesJudged);
    expect(r.stoppingPrefix).toBe(c.decidedAfter);
  });
});
