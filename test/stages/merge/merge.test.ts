import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { mergeRuns } from '../../../src/stages/merge/merge.js';
import { countMediaDrops } from '../../../src/pipeline/media.js';
import { comparisonKey } from '../../../src/store/run.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'rolejudge-merge-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

interface ShardSpec {
  runId?: string;
  hash?: string;
  shard?: string;
  config?: Record<string, unknown>;
  samples: string[];
}

const CONFIG = { run: { id: 'r', seed: 1 }, judges: ['j'], rubrics: ['veg'] };

/** A tiny run directory: two models, one judge, one metric, one pair per sample. */
function shard(name: string, spec: ShardSpec): string {
  const dir = join(root, name);
  const runId = spec.runId ?? 'r';
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'run.json'),
    JSON.stringify({ runId, configHash: spec.hash ?? 'h1', rolejudgeVersion: '0', createdAt: 'x', seed: 1, ...(spec.shard ? { shard: spec.shard } : {}) }),
  );
  const config = spec.config ?? CONFIG;
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, run: { ...(config.run as object), id: runId } }));
  const log = (kind: string, file: string, recs: object[]) => {
    mkdirSync(join(dir, kind), { recursive: true });
    writeFileSync(join(dir, kind, file), recs.map((r) => JSON.stringify(r) + '\n').join(''));
  };
  for (const model of ['a', 'b'])
    log(
      'responses',
      `${model}.jsonl`,
      spec.samples.map((s) => ({ type: 'response', sampleId: s, model })),
    );
  log(
    'judgments',
    'j.jsonl',
    spec.samples.flatMap((s) => ['a', 'b'].map((model) => ({ type: 'judgment', sampleId: s, model, metric: 'veg', judge: 'j', round: 0, score: 1 }))),
  );
  log(
    'comparisons',
    'j.jsonl',
    spec.samples.map((s) => ({ type: 'comparison', sampleId: s, candidate: 'a', baseline: 'b', metric: 'veg', judge: 'j', round: 0 })),
  );
  return dir;
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);
const ids = (file: string) => lines(file).map((l) => (JSON.parse(l) as { sampleId: string }).sampleId);

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UsageError);
  return (err as Error).message;
}

describe('mergeRuns', () => {
  it('carries the ledger of every shard of requests no record holds (a torn last line left out)', async () => {
    const a = shard('s1', { shard: '1/2', samples: ['x1'] });
    const b = shard('s2', { shard: '2/2', samples: ['x2'] });
    const line = (judge: string) => JSON.stringify({ type: 'unrecorded-spend', judge, spend: { requests: 1 } }) + '\n';
    writeFileSync(join(a, 'unrecorded-spend.jsonl'), line('j') + '{"type":"unrec');
    writeFileSync(join(b, 'unrecorded-spend.jsonl'), line('k'));
    const out = join(root, 'merged');
    await mergeRuns({ inputs: [a, b], out });
    expect(lines(join(out, 'unrecorded-spend.jsonl')).map((l) => JSON.parse(l).judge)).toEqual(['j', 'k']);
  });

  it('carries the answered orders of comparisons a shard did not record (store/order-log.ts) into the merged ledger', async () => {
    const a = shard('o1', { shard: '1/2', samples: ['x1'] });
    const b = shard('o2', { shard: '2/2', samples: ['x2'] });
    const spend = { callId: 'c', requests: 1, fromCache: 0, promptTokens: 5, completionTokens: 1, promptTokensFromCache: 0, completionTokensFromCache: 0 };
    // x3 has no comparison record in shard 2: its answered order is cut off. x2's is in its record: stale.
    const entry = (sampleId: string) =>
      JSON.stringify({
        key: comparisonKey({ sampleId, candidate: 'a', baseline: 'b', metric: 'veg', judge: 'j', round: 0 }),
        judge: 'j',
        replaces: null,
        responseHash: 'r',
        order: { order: 'AB', spend },
      }) + '\n';
    writeFileSync(join(b, 'comparisons', 'j.jsonl.orders'), entry('x2') + entry('x3'));
    const out = join(root, 'merged-orders');
    await mergeRuns({ inputs: [a, b], out });
    expect(lines(join(out, 'unrecorded-spend.jsonl')).map((l) => [JSON.parse(l).judge, JSON.parse(l).spend.requests])).toEqual([['j', 1]]);
  });

  it("carries every shard's dropped samples, so the merged report counts them", async () => {
    const a = shard('d1', { shard: '1/2', samples: ['x1'] });
    const b = shard('d2', { shard: '2/2', samples: ['x2', 'x3'] });
    const drop = (id: string) => JSON.stringify({ type: 'drop', sampleId: id, reason: 'missing-media', field: 'video', file: `${id}.mp4` }) + '\n';
    writeFileSync(join(b, 'drops.jsonl'), drop('x2') + drop('x3'));
    const out = join(root, 'merged-drops');
    await mergeRuns({ inputs: [a, b], out });
    expect(lines(join(out, 'drops.jsonl')).map((l) => JSON.parse(l).sampleId)).toEqual(['x2', 'x3']);
    expect(countMediaDrops(out)).toBe(2);
  });

  it('concatenates each log per file name, in input order, and drops the shard field', async () => {
    const a = shard('s1', { shard: '1/2', samples: ['x1', 'x2'] });
    const b = shard('s2', { shard: '2/2', samples: ['x3'] });
    const out = join(root, 'merged');
    const r = await mergeRuns({ inputs: [a, b], out });
    expect(r.records).toEqual({ responses: 6, judgments: 6, comparisons: 3 });
    expect(r.warnings).toEqual([]);
    expect(ids(join(out, 'responses', 'a.jsonl'))).toEqual(['x1', 'x2', 'x3']);
    expect(ids(join(out, 'comparisons', 'j.jsonl'))).toEqual(['x1', 'x2', 'x3']);
    // Lines are copied byte for byte.
    expect(lines(join(out, 'judgments', 'j.jsonl'))).toEqual([...lines(join(a, 'judgments', 'j.jsonl')), ...lines(join(b, 'judgments', 'j.jsonl'))]);
    const manifest = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(manifest).toEqual({ runId: 'r', configHash: 'h1', rolejudgeVersion: '0', createdAt: 'x', seed: 1 });
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toEqual(CONFIG);
    // No temporary folder is left next to the output.
    expect(readdirSync(root).sort()).toEqual(['merged', 's1', 's2']);
  });

  it('refuses overlapping shards, naming the record and both inputs, and writes nothing', async () => {
    const a = shard('s1', { samples: ['x1', 'x2'] });
    const b = shard('s2', { samples: ['x2', 'x3'] });
    const out = join(root, 'merged');
    const msg = await refusal(mergeRuns({ inputs: [a, b], out }));
    expect(msg).toMatch(/overlap/);
    expect(msg).toContain('x2 / a');
    expect(msg).toContain(a);
    expect(msg).toContain(b);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root).sort()).toEqual(['s1', 's2']);
  });

  it('refuses inputs of different configs', async () => {
    const a = shard('s1', { samples: ['x1'] });
    const b = shard('s2', { hash: 'h2', config: { ...CONFIG, rubrics: ['spc'] }, samples: ['x2'] });
    expect(await refusal(mergeRuns({ inputs: [a, b], out: join(root, 'm') }))).toMatch(/another config.*h2 vs h1/);
  });

  it('accepts shards whose configs differ only in run id (--run-id), with a note', async () => {
    const a = shard('s1', { runId: 'r1', hash: 'h1', shard: '1/2', samples: ['x1'] });
    const b = shard('s2', { runId: 'r2', hash: 'h2', shard: '2/2', samples: ['x2'] });
    const out = join(root, 'joined');
    const r = await mergeRuns({ inputs: [a, b], out });
    // Ids disagree: the merged run is named after its folder, in run.json and config.json alike.
    expect(r.runId).toBe('joined');
    expect(r.warnings.join('\n')).toMatch(/differ only in run id/);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).runId).toBe('joined');
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).run.id).toBe('joined');
    const named = await mergeRuns({ inputs: [a, b], out: join(root, 'named'), runId: 'final' });
    expect(named.runId).toBe('final');
  });

  it('refuses a non-empty output directory but fills an empty one', async () => {
    const a = shard('s1', { samples: ['x1'] });
    const full = join(root, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'keep.txt'), 'mine');
    expect(await refusal(mergeRuns({ inputs: [a], out: full }))).toMatch(/not empty/);
    expect(readFileSync(join(full, 'keep.txt'), 'utf8')).toBe('mine');
    // An input is never empty, so it can never be the output.
    expect(await refusal(mergeRuns({ inputs: [a], out: a }))).toMatch(/not empty/);
    const empty = join(root, 'empty');
    mkdirSync(empty);
    await mergeRuns({ inputs: [a], out: empty });
    expect(ids(join(empty, 'responses', 'b.jsonl'))).toEqual(['x1']);
  });

  it('refuses a directory without run.json and the same input twice', async () => {
    mkdirSync(join(root, 'junk'));
    expect(await refusal(mergeRuns({ inputs: [join(root, 'junk')], out: join(root, 'm') }))).toMatch(/not a run directory/);
    const a = shard('s1', { samples: ['x1'] });
    expect(await refusal(mergeRuns({ inputs: [a, a], out: join(root, 'm') }))).toMatch(/given twice/);
  });

  it('drops a torn last line and warns about missing shards', async () => {
    const a = shard('s1', { shard: '1/3', samples: ['x1'] });
    const b = shard('s2', { shard: '3/3', samples: ['x2'] });
    writeFileSync(join(b, 'responses', 'a.jsonl'), readFileSync(join(b, 'responses', 'a.jsonl'), 'utf8') + '{"type":"respo');
    const r = await mergeRuns({ inputs: [a, b], out: join(root, 'm') });
    expect(r.tornLines).toBe(1);
    expect(r.records.responses).toBe(4);
    expect(r.warnings.join('\n')).toMatch(/shard 2\/3 not among the inputs/);
  });

  it('warns naming a shard that stopped at its budget, and carries the stop into the merged run', async () => {
    const a = shard('b1', { shard: '1/2', samples: ['x1'] });
    const b = shard('b2', { shard: '2/2', samples: ['x2'] });
    const stop = { stage: 'score', planned: 16, notDone: 11, unit: 'judgments' };
    writeFileSync(
      join(b, 'status.json'),
      JSON.stringify({ selected: 4, budgetStops: [stop, { stage: 'compare', planned: null, notDone: null, unit: 'comparisons' }] }),
    );
    writeFileSync(join(a, 'status.json'), JSON.stringify({ selected: 4 }));
    const out = join(root, 'merged-stop');
    const r = await mergeRuns({ inputs: [a, b], out });
    const said = r.warnings.join('\n');
    expect(said).toContain('shard 2/2: score stopped at the budget (--max-calls/--max-tokens): 11 of 16 judgments not done');
    expect(said).toContain('shard 2/2: compare not run');
    expect(said).toContain(b);
    expect(said).toMatch(/INCOMPLETE/);
    const status = JSON.parse(readFileSync(join(out, 'status.json'), 'utf8'));
    expect(status.selected).toBe(8);
    expect(status.budgetStops).toEqual([
      { ...stop, shard: '2/2' },
      { stage: 'compare', planned: null, notDone: null, unit: 'comparisons', shard: '2/2' },
    ]);
    // Merging the merged run again keeps the shard it happened in.
    const again = await mergeRuns({ inputs: [out], out: join(root, 'again') });
    expect(again.warnings.join('\n')).toContain('shard 2/2: score stopped');
  });

  it("checks the shards' media drops together against dataset.maxMissingMedia", async () => {
    const config = { ...CONFIG, dataset: { maxMissingMedia: 0.1 } };
    const drop = (id: string) => JSON.stringify({ type: 'drop', sampleId: id, reason: 'missing-media', field: 'video', file: `${id}.mp4` }) + '\n';
    const make = (name: string, k: string, selected: number, dropped: string[]) => {
      const dir = shard(name, { shard: `${k}/2`, config, samples: [`${name}-x`] });
      writeFileSync(join(dir, 'status.json'), JSON.stringify({ selected }));
      if (dropped.length) writeFileSync(join(dir, 'drops.jsonl'), dropped.map(drop).join(''));
      return dir;
    };
    // 1 of 10 and 1 of 10: 10 %, within the threshold — nothing said.
    const ok = await mergeRuns({ inputs: [make('m1', '1', 10, ['d1']), make('m2', '2', 10, ['d2'])], out: join(root, 'ok') });
    expect(ok.warnings).toEqual([]);
    // 1 of 10 and 2 of 4 (a shard checked by no one): 3 of 14, 21.4 % — said, with the figures.
    const over = await mergeRuns({ inputs: [make('m3', '1', 10, ['d3']), make('m4', '2', 4, ['d4', 'd5'])], out: join(root, 'over') });
    expect(over.warnings.join('\n')).toContain(
      '3 of 14 selected samples across the shards (21.4 %) were dropped for missing media, more than dataset.maxMissingMedia = 0.1',
    );
    // A shard without status.json: the total cannot be checked, and that is said.
    const old = shard('m5', { shard: '1/1', config, samples: ['m5-x'] });
    writeFileSync(join(old, 'drops.jsonl'), drop('d6'));
    const unknown = await mergeRuns({ inputs: [old], out: join(root, 'unknown') });
    expect(unknown.warnings.join('\n')).toMatch(/1 samples dropped for missing media across the shards; not checked/);
  });
});
