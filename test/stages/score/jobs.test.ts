// Streaming job generation: the same jobs, in the same order, as the in-memory
// generator, with each response read once and only when some job needs it.
import { describe, expect, it } from 'vitest';
import { pointJobIds, pointJobs, streamPointJobs, type JobId } from '../../../src/stages/score/jobs.js';
import { arraySource, surveySamples } from '../../../src/pipeline/source.js';
import type { JudgingPlan } from '../../../src/pipeline/plan.js';
import type { ResponseRecord, Sample } from '../../../src/core/records.js';

const sample = (id: string, extra: Partial<Sample> = {}): Sample => ({
  id,
  character: { name: 'C', description: 'd' },
  user: { name: 'U', description: '' },
  history: [],
  references: ['r'],
  ...extra,
});
const samples = ['a', 'b', 'c'].map((id) => sample(id));
const models = ['m1', 'm2'];
// Only the fields job generation reads.
const plan = {
  rubrics: [{ id: 'veg' }, { id: 'cn' }],
  judges: [{ name: 'j1' }, { name: 'j2' }],
  rounds: new Map([
    ['j1', 1],
    ['j2', 2],
  ]),
} as unknown as JudgingPlan;
const response = (sampleId: string, model: string) => ({ sampleId, model, answer: `${sampleId}/${model}` }) as ResponseRecord;
const index = new Map(samples.map((s) => [s.id, new Map(models.map((m) => [m, response(s.id, m)]))]));
const idOf = (j: { sample: Sample; model: string; rubric: { id: string }; judge: { name: string }; round: number }): JobId => ({
  sampleId: j.sample.id,
  model: j.model,
  metric: j.rubric.id,
  judge: j.judge.name,
  round: j.round,
});

function lookup() {
  const reads: string[] = [];
  return {
    reads,
    async get(sampleId: string, model: string) {
      reads.push(`${sampleId}/${model}`);
      return index.get(sampleId)?.get(model);
    },
  };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('streamPointJobs', () => {
  it('yields the jobs of pointJobs in the same order, reading each response once', async () => {
    const expected = [...pointJobs(samples, models, plan, index)];
    const r = lookup();
    const got = await collect(streamPointJobs(samples, models, plan, r, () => true));
    expect(got.map(idOf)).toEqual(expected.map(idOf));
    expect(got.map((j) => j.response)).toEqual(expected.map((j) => j.response));
    expect(r.reads).toEqual(['a/m1', 'a/m2', 'b/m1', 'b/m2', 'c/m1', 'c/m2']);
    expect(got).toHaveLength(3 * 2 * 2 * 3);
  });

  it('skips unwanted jobs and never reads a response no wanted job needs', async () => {
    const r = lookup();
    const wanted = (j: JobId) => j.sampleId === 'b' && j.model === 'm2' && j.judge === 'j2';
    const got = await collect(streamPointJobs(samples, models, plan, r, wanted));
    expect(got.map(idOf)).toEqual([
      { sampleId: 'b', model: 'm2', metric: 'veg', judge: 'j2', round: 1 },
      { sampleId: 'b', model: 'm2', metric: 'veg', judge: 'j2', round: 2 },
      { sampleId: 'b', model: 'm2', metric: 'cn', judge: 'j2', round: 1 },
      { sampleId: 'b', model: 'm2', metric: 'cn', judge: 'j2', round: 2 },
    ]);
    expect(r.reads).toEqual(['b/m2']);
  });

  it('pointJobIds lists the same identities from ids alone', () => {
    expect([...pointJobIds(['a', 'b', 'c'], models, plan)]).toEqual([...pointJobs(samples, models, plan, index)].map(idOf));
  });
});

describe('sample sources', () => {
  it('survey a stream once for ids and the inputs every sample carries, and re-read it on demand', async () => {
    let passes = 0;
    const split = [sample('x', { caption: 'a harbour' }), sample('y', { caption: 'a bakery' }), sample('z')];
    const stream = {
      async *[Symbol.asyncIterator]() {
        passes++;
        yield* split;
      },
    };
    const source = await surveySamples(stream);
    expect(source.ids).toEqual(['x', 'y', 'z']);
    expect(source.inputs).toEqual(arraySource(split).inputs);
    // 'z' has no caption, so caption is not an input every sample carries.
    expect(source.inputs).not.toContain('caption');
    expect(source.inputs).toContain('reference');
    expect(passes).toBe(1);
    expect((await collect(source.samples() as AsyncIterable<Sample>)).map((s) => s.id)).toEqual(['x', 'y', 'z']);
    expect(passes).toBe(2);
  });
});
