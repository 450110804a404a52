// Missing media: a sample whose frame file is gone is dropped from every stage
// alike, listed in drops.jsonl and counted in the report; above
// dataset.maxMissingMedia the run stops before anything is spent (exit 2,
// each missing file named with the split's line and field).
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/core/errors.js';
import { runAll } from '../../src/run/run.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { roleplayHandler } from '../e2e/fake-roleplay.js';
import { configFor, liveModel, makeWorkspace, SAMPLE_DIR, type Workspace } from '../e2e/workspace.js';

let server: FakeServer;
let ws: Workspace;
let split: string;

beforeAll(async () => {
  server = await startFakeServer({ handler: roleplayHandler() });
  ws = makeWorkspace('media');
  const data = join(ws.dir, 'data');
  cpSync(SAMPLE_DIR, data, { recursive: true });
  rmSync(join(data, 'frames', 's03', '02.jpg'));
  split = join(data, 'split.jsonl');
});
afterAll(async () => {
  await server.close();
  ws.remove();
});

function config(runId: string, maxMissingMedia: number) {
  const cfg = configFor(ws, {
    runId,
    models: [liveModel('cand', 'plain', server.url, { video: 'frames' })],
    judges: ['offline'],
    rubrics: ['utterance-fluency'],
  });
  cfg.dataset = { path: split, format: 'rolejudge', maxMissingMedia };
  return ws.config(runId, cfg);
}

describe('missing media', () => {
  it('drops the sample from every stage, lists it and counts it', async () => {
    const before = server.requests.length;
    expect(await runAll({ config: config('m1', 0.1), quiet: true })).toBe(0);
    // 12 samples, one dropped: 11 model calls, no error response, no judgment of s03.
    expect(server.requests.length - before).toBe(11);
    const drops = readFileSync(join(ws.runDir('m1'), 'drops.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(drops).toEqual([
      { type: 'drop', sampleId: 's03', reason: 'missing-media', field: 'video.frames[1]', file: join(split, '..', 'frames', 's03', '02.jpg'), line: 3 },
    ]);
    const responses = readFileSync(join(ws.runDir('m1'), 'responses', 'cand.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(responses).toHaveLength(11);
    expect(responses.some((l) => l.includes('"s03"'))).toBe(false);
    const report = JSON.parse(readFileSync(join(ws.reports, 'm1', 'report.json'), 'utf8'));
    expect(report.counts.mediaDrops).toBe(1);
    // A rerun lists it once, not twice.
    expect(await runAll({ config: config('m1', 0.1), quiet: true })).toBe(0);
    expect(
      readFileSync(join(ws.runDir('m1'), 'drops.jsonl'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(1);
  });

  it('above the allowed share, stops before anything is spent (exit 2, file:line and field named)', async () => {
    const before = server.requests.length;
    let err: unknown;
    try {
      await runAll({ config: config('m2', 0), quiet: true });
    } catch (e) {
      err = e;
    }
    expect(exitCodeFor(err)).toBe(2);
    expect((err as Error).message).toMatch(
      /1 of 12 selected samples \(8\.3 %\) have missing media, more than dataset\.maxMissingMedia = 0 allows: s03 \(video\.frames\[1\]/,
    );
    // The missing file itself, at the sample's line of the split, by field.
    expect((err as Error).message).toMatch(/split\.jsonl:3: .*video\.frames\[1\]/);
    expect(server.requests.length - before).toBe(0);
    expect(existsSync(ws.runDir('m2'))).toBe(false);
  });
});
