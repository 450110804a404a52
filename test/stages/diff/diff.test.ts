// `rolejudge diff` on two real runs of the sample split: the demo's offline
// judge, once on the recorded answers ("checkpoint 41") and once with four of
// the plain model's answers replaced and two samples left out ("checkpoint 42").
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig } from '../../../src/config/demo.js';
import { exitCodeFor } from '../../../src/core/errors.js';
import { runAll } from '../../../src/run/run.js';
import type { RunDiff } from '../../../src/stages/diff/compute.js';
import { diffStage } from '../../../src/stages/diff/diff.js';
import { runCli } from '../../helpers/cli.js';
import { makeWorkspace, SAMPLE_OUTPUTS, SAMPLE_SPLIT, type Workspace } from '../../e2e/workspace.js';

const CHANGED = ['s01', 's02', 's03', 's04'];

describe('rolejudge diff', () => {
  let ws: Workspace;
  let diff: RunDiff;
  let files: string[];

  beforeAll(async () => {
    ws = makeWorkspace('diff');
    const outputs = readFileSync(SAMPLE_OUTPUTS.plain, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; output: string });
    const edited = outputs.map((o) => (CHANGED.includes(o.id) ? { ...o, output: 'I am not sure. Let us talk about something else.' } : o));
    const plain42 = join(ws.dir, 'plain-42.jsonl');
    writeFileSync(plain42, `${edited.map((o) => JSON.stringify(o)).join('\n')}\n`);
    const base = demoConfig(ws.dir);
    const a = ws.config('ckpt-41', { ...base, run: { ...(base.run as object), id: 'ckpt-41' } });
    const models = (base.models as { name: string; outputs: string }[]).map((m) => (m.name === 'plain-vlm' ? { ...m, outputs: plain42 } : m));
    const b = ws.config('ckpt-42', { ...base, run: { ...(base.run as object), id: 'ckpt-42' }, models });
    expect(await runAll({ config: a, quiet: true })).toBe(0);
    expect(await runAll({ config: b, quiet: true, ids: 's01,s02,s03,s04,s05,s06,s07,s08,s09,s10' })).toBe(0);
    ({ diff, files } = await diffStage(ws.runDir('ckpt-41'), ws.runDir('ckpt-42'), join(ws.dir, 'out')));
  }, 120_000);

  afterAll(() => ws?.remove());

  it('writes diff.md, diff.json and diff.html, and says how many samples are shared', () => {
    expect(files.map((f) => basename(f))).toEqual(['diff.md', 'diff.json', 'diff.html']);
    expect(diff.sharedSamples).toBe(10);
    expect(diff.onlyA).toBe(2);
    expect(diff.onlyB).toBe(0);
    const md = readFileSync(join(ws.dir, 'out', 'diff.md'), 'utf8');
    expect(md).toContain('10 samples shared (run A has 12, 2 only in A; run B has 10, 0 only in B).');
    expect(JSON.parse(readFileSync(join(ws.dir, 'out', 'diff.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(diff)));
    const html = readFileSync(join(ws.dir, 'out', 'diff.html'), 'utf8');
    expect(html).toContain('10 samples shared');
    expect(html).not.toMatch(/<script|src=|href=/);
  });

  it('finds the change where the answers changed, and none where they did not', () => {
    const ebm = diff.scores.filter((s) => s.model === 'ebm-rl');
    expect(ebm.length).toBe(11);
    // s08's recorded EBM-RL answer is empty in both runs: its judgments failed, so 9 of the 10 shared samples count.
    for (const s of ebm) {
      expect(s.n).toBe(9);
      expect(s.delta).toBe(0);
    }
    const moved = new Set(diff.movers.map((m) => m.sampleId));
    expect(diff.movers.length).toBeGreaterThan(0);
    expect([...moved].every((id) => CHANGED.includes(id))).toBe(true);
    expect(diff.movers.every((m) => m.model === 'plain-vlm')).toBe(true);
    // The mean change equals the mean of the per-sample changes over the shared samples.
    const veg = diff.scores.find((s) => s.model === 'plain-vlm' && s.metric === 'veg')!;
    expect(veg.delta).toBeCloseTo(veg.meanB! - veg.meanA!, 12);
    expect(veg.ci95![0]).toBeLessThanOrEqual(veg.delta!);
    expect(veg.ci95![1]).toBeGreaterThanOrEqual(veg.delta!);
  });

  it('puts the pairwise rows of both runs side by side over shared samples', () => {
    expect(diff.pairwise.map((r) => r.metric).sort()).toEqual(['cn', 'spc', 'veg']);
    expect(diff.scores.filter((s) => s.model === 'plain-vlm').every((s) => s.n === 10)).toBe(true);
    for (const r of diff.pairwise) {
      // s08's comparisons failed in both runs (empty candidate answer).
      expect(r.a?.n).toBe(9);
      expect(r.b?.n).toBe(9);
      expect(r.deltaNet).toBeCloseTo(r.b!.net - r.a!.net, 12);
    }
    // The candidate faces worse baseline answers in run B: it cannot lose ground.
    expect(diff.pairwise.every((r) => r.deltaNet! >= 0)).toBe(true);
  });

  it('refuses runs of different splits (exit 2) and writes nothing', async () => {
    const other = join(ws.dir, 'other-split.jsonl');
    writeFileSync(other, readFileSync(SAMPLE_SPLIT, 'utf8').split('\n').slice(0, 6).join('\n') + '\n');
    const cfg = JSON.parse(readFileSync(join(ws.runDir('ckpt-42'), 'config.json'), 'utf8'));
    const fake = ws.runDir('other');
    mkdirSync(fake, { recursive: true });
    writeFileSync(join(fake, 'run.json'), readFileSync(join(ws.runDir('ckpt-42'), 'run.json')));
    writeFileSync(join(fake, 'config.json'), JSON.stringify({ ...cfg, dataset: { ...cfg.dataset, path: other } }));
    const out = join(ws.dir, 'refused');
    const err = await diffStage(ws.runDir('ckpt-41'), fake, out).catch((e: unknown) => e);
    expect(exitCodeFor(err)).toBe(2);
    expect(String((err as Error).message)).toMatch(/different splits[\s\S]*run A: .*split\.jsonl[\s\S]*run B: .*other-split\.jsonl/);
    expect(existsSync(out)).toBe(false);
    const cli = await runCli(['diff', ws.runDir('ckpt-41'), fake, '-o', out]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('the runs are of different splits');
    expect(existsSync(out)).toBe(false);
  });
});
