// The stage-end failure tally counts a key logged twice once, as the report
// does (a judgment's or comparison's first record, a response's last), and
// stays exact when distinct keys hash alike.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { comparisonTally, judgmentTally, responseTally } from '../../src/run/failures.js';
import { hash53, oncePerKey } from '../../src/run/once-per-key.js';
import { RunStore } from '../../src/store/run.js';

async function* from<T>(xs: T[]): AsyncGenerator<T> {
  yield* xs;
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function store(files: Record<string, object[]>): RunStore {
  const dir = mkdtempSync(join(tmpdir(), 'rolejudge-once-'));
  dirs.push(dir);
  const s = new RunStore(dir);
  for (const [f, recs] of Object.entries(files)) {
    const path = f.startsWith('judgments:')
      ? s.judgmentsFile(f.slice(10))
      : f.startsWith('comparisons:')
        ? s.comparisonsFile(f.slice(12))
        : s.responsesFile(f.slice(10));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
  }
  return s;
}

const j = (sampleId: string, model: string, failure?: string, round = 1) => ({
  type: 'judgment',
  sampleId,
  model,
  metric: 'cn',
  judge: 'gpt-5-mini',
  round,
  score: failure ? null : 7,
  ...(failure ? { failure: { kind: failure, message: 'x' } } : {}),
});

describe('oncePerKey', () => {
  const recs = [
    { k: 'a', v: 1 },
    { k: 'b', v: 2 },
    { k: 'a', v: 3 },
    { k: 'c', v: 4 },
    { k: 'b', v: 5 },
  ];
  const pick = (r: { k: string; v: number }) => ({ key: r.k, value: r.v });
  const list = async (p: Promise<Float64Array>) => [...(await p)];

  // The same answers whatever the hash: the real one, or one under which every key collides.
  const kept = (keep: 'first' | 'last', hash?: (k: string) => number) => list(oncePerKey(() => from(recs), pick, keep, hash));

  it("keeps a key's first or last record, in log order", async () => {
    expect(await kept('first')).toEqual([1, 2, 4]);
    expect(await kept('last')).toEqual([3, 4, 5]);
  });

  it('is exact when every key hashes alike: distinct keys are all kept', async () => {
    expect(await kept('first', () => 42)).toEqual([1, 2, 4]);
    expect(await kept('last', () => 42)).toEqual([3, 4, 5]);
  });

  it('leaves out what pick refuses, and reads once when no hash repeats', async () => {
    let reads = 0;
    const read = () => {
      reads++;
      return from(recs);
    };
    expect(
      await list(
        oncePerKey(
          read,
          (r) => (r.k === 'a' ? null : pick(r)),
          'first',
          (k) => (k === 'b' ? 1 : 2),
        ),
      ),
    ).toEqual([2, 4]);
    // b's two records hash alike: a second read compares them exactly.
    expect(reads).toBe(2);
    reads = 0;
    expect(await list(oncePerKey(read, (r) => (r.v > 2 ? null : pick(r)), 'first'))).toEqual([1, 2]);
    expect(reads).toBe(1);
  });

  it('hashes to integers a float holds exactly, differently for near keys', () => {
    const hs = ['s1\u0000m', 's2\u0000m', 's1\u0000n', ''].map(hash53);
    for (const h of hs) expect(Number.isSafeInteger(h) && h >= 0).toBe(true);
    expect(new Set(hs).size).toBe(4);
  });
});

describe('stage-end failure tallies count a key logged twice once', () => {
  it('judgments: the first record of a key counts (a failure, then a copy that scored)', async () => {
    const s = store({ 'judgments:gpt-5-mini': [j('u1', 'a', 'parse'), j('u2', 'a'), j('u1', 'a'), j('u1', 'b'), j('u1', 'a', undefined, 2)] });
    const t = await judgmentTally(s, ['a', 'b'], ['gpt-5-mini']);
    expect(t.total).toBe(4);
    expect(t.failed).toBe(1);
    expect(t.byModel.get('a')).toEqual([3, 1]);
    expect([...t.byKind]).toEqual([['parse', 1]]);
  });

  it('comparisons: the first record of a key counts', async () => {
    const c = (sampleId: string, outcome: string | null) => ({
      sampleId,
      candidate: 'a',
      baseline: 'b',
      metric: 'cn',
      judge: 'gpt-5-mini',
      round: 1,
      outcome,
      ...(outcome === null ? { failure: { kind: 'error', message: 'x' } } : {}),
    });
    const s = store({ 'comparisons:gpt-5-mini': [c('u1', 'win'), c('u1', null), c('u2', null)] });
    const t = await comparisonTally(s, { candidates: ['a'], baselines: ['b'] }, ['gpt-5-mini']);
    expect([t.total, t.failed]).toEqual([2, 1]);
  });

  it('responses: the last record of a key counts (the one the judges read)', async () => {
    const r = (sampleId: string, error?: string) => ({ type: 'response', sampleId, model: 'a', output: error ? '' : 'hi', ...(error ? { error } : {}) });
    const s = store({ 'responses:a': [r('u1', 'boom'), r('u1'), r('u2'), r('u2', 'boom')] });
    const t = await responseTally(s, ['a']);
    expect([t.total, t.failed]).toEqual([2, 1]);
  });
});
