// The explorer's embedded data, built from a hand-written run directory:
// columns that match the records, a capped detail that keeps the telling
// samples, frames embedded only when asked, and a JSON island no reply can end.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildExplorer } from '../../../src/stages/report/explorer/build.js';
import { jsonIsland } from '../../../src/stages/report/explorer/data.js';
import { RunStore } from '../../../src/store/run.js';
import { sampleReport } from './fixture.js';
import { HOSTILE_REPLY, writeFixtureRun } from './explorer-fixture.js';

const report = sampleReport();
const s = (d: { s: string[] }, i: number) => d.s[i];

describe('explorer data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rolejudge-explorer-'));
  const run = writeFixtureRun(join(dir, 'run'), report.models);

  it('holds one column per model and metric with the mean over judges of each sample', async () => {
    const d = await buildExplorer(new RunStore(run.dir), report, { samples: run.samples });
    expect(d.ids.map((i) => s(d, i))).toEqual(run.samples.map((x) => x.id));
    expect(d.score).toHaveLength(9);
    // Sample s001, model 1, metric spc: judge-a 1 + ((7 + 3 + 0 + 3) % 10) = 4, judge-b 5 → 4.5.
    expect(d.score[1 * 3 + 1]![1]).toBe(4.5);
    // s003's failed judgment (model 0, veg, judge-a): counted, and the mean is judge-b's alone.
    expect(d.fail[0]![3]).toBe(1);
    expect(d.score[0]![3]).toBe(1 + ((21 + 0 + 1 + 3) % 10));
    expect(d.out).toHaveLength(1);
    expect(d.out[0]![7]).toBe('F');
    expect(d.out[0]![5]).toBe('t');
    expect(d.out[0]![1]).toBe('W');
    expect(Object.keys(d.detail)).toHaveLength(40);
    expect(d.notes).toEqual([]);
  });

  it('caps the detail, keeping the failed and disagreeing samples first, and says so', async () => {
    const d = await buildExplorer(new RunStore(run.dir), report, { samples: run.samples, detailLimit: 5 });
    const kept = Object.keys(d.detail).map((i) => s(d, d.ids[Number(i)]!));
    expect(kept).toHaveLength(5);
    for (const id of run.failed) expect(kept).toContain(id);
    expect(d.notes[0]).toContain('embedded for 5 of 40 samples');
    // Every sample keeps its figures.
    expect(d.score[0]!.filter((v) => v !== null)).toHaveLength(40);
  });

  it('says when the split is not there, and embeds frames only when asked', async () => {
    const png = join(dir, 'f.png');
    writeFileSync(png, Buffer.from('89504e470d0a1a0a', 'hex'));
    const store = new RunStore(run.dir);
    const without = await buildExplorer(store, report, { samplesNote: 'split gone' });
    expect(without.notes).toContain('split gone');
    expect(without.detail[0]!.cap).toBe(-1);
    const stub = {
      ...store,
      responses: async function* () {
        for await (const r of store.responses()) yield { ...r, frames: { policy: 'p', frames: [{ t: 0, sha: 'x', file: png }] } };
      },
    } as unknown as RunStore;
    Object.setPrototypeOf(stub, RunStore.prototype);
    const withFrames = await buildExplorer(stub, report, { frames: true });
    expect(s(withFrames, withFrames.detail[0]!.fr[0]!)).toBe('data:image/png;base64,iVBORw0KGgo=');
    const noFrames = await buildExplorer(stub, report, {});
    expect(noFrames.detail[0]!.fr).toEqual([]);

    // Where a judgment recorded the frames its judge saw, those are the thumbnails, not the model's input frames.
    const jpg = join(dir, 'judge.jpg');
    writeFileSync(jpg, Buffer.from('ffd8ffe0', 'hex'));
    const judged = {
      ...stub,
      judgmentBatches: async function* () {
        for await (const b of store.judgmentBatches())
          yield b.map((j) => ({ ...j, frames: { policy: 'uniform:8:512:jpeg', frames: [{ t: 0, sha: 'y', file: jpg }] } }));
      },
    } as unknown as RunStore;
    Object.setPrototypeOf(judged, RunStore.prototype);
    const judgeFrames = await buildExplorer(judged, report, { frames: true });
    expect(s(judgeFrames, judgeFrames.detail[0]!.fr[0]!)).toBe('data:image/jpeg;base64,/9j/4A==');
  });

  it('writes a JSON island that no string can close', async () => {
    const d = await buildExplorer(new RunStore(run.dir), report, { samples: run.samples });
    const text = jsonIsland(d);
    expect(d.s).toContain(HOSTILE_REPLY);
    expect(text).not.toContain('<');
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(d)));
  });
});
