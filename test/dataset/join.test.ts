// Joins that cannot lie, on the released EBM-RL records: the outputs embed the
// sample they answered, and that sample is compared with the split's sample of
// the same id.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/core/records.js';
import { checkJoin, joinByContent, mismatchMessage } from '../../src/dataset/join.js';
import { loadOutputs } from '../../src/dataset/outputs.js';
import { readEbmRl } from '../../src/dataset/ebm-rl.js';
import { collect, tempDir } from './tmp.js';

const FIX = new URL('../fixtures/ebm-rl/', import.meta.url).pathname;
const TEST = `${FIX}ebm-rl-test.sample.json`;
const OUTPUTS = `${FIX}ebm-rl-outputs.sample.jsonl`;
const PROFILES = `${FIX}ebm-rl-profiles.sample.json`;

async function split(file = TEST): Promise<Sample[]> {
  return collect(readEbmRl(file, { profiles: PROFILES, root: FIX }));
}

describe('joining released outputs to the split', () => {
  it('the two released files share no problem id: nothing is compared, both sides are counted by the caller', async () => {
    const samples = await split();
    const report = await loadOutputs(
      OUTPUTS,
      samples.map((s) => s.id),
    );
    expect(report.missing.sort()).toEqual(samples.map((s) => s.id).sort());
    expect(report.extra).toHaveLength(report.outputs.size);
    expect(checkJoin(report.outputs.values(), new Map(samples.map((s) => [s.id, s])))).toEqual({ compared: 0, mismatches: [] });
  });

  it("an output carrying another sample's id is a mismatch naming id, field and both values", async () => {
    const samples = await split();
    const target = samples[0]!;
    // Built from the released records: the first output, relabelled with the split's first id.
    const text = readFileSync(OUTPUTS, 'utf8');
    const first = JSON.parse(text.split(/\n(?=\{)/)[0]!);
    const tmp = tempDir();
    const file = tmp.write('relabelled.jsonl', `${JSON.stringify({ ...first, problem_id: Number(target.id) })}\n`);
    const report = await loadOutputs(file);
    const check = checkJoin(report.outputs.values(), new Map(samples.map((s) => [s.id, s])));
    expect(check.compared).toBe(1);
    expect(check.mismatches).toEqual([{ id: target.id, line: 1, field: 'session_id', output: first.session_id, split: target.sessionId }]);
    const msg = mismatchMessage(check, 'qwen');
    expect(msg).toMatch(/^1 of 1 outputs of model "qwen" answer a different sample/);
    expect(msg).toContain(`id "${target.id}" field "session_id"`);
    expect(msg).toMatch(/models\.join to "content"/);
  });

  it('the same record is matched by content to the split sample it really answered', async () => {
    const text = readFileSync(OUTPUTS, 'utf8');
    const outs = text.split(/\n(?=\{)/).map((t) => JSON.parse(t));
    // A split holding the output's own sample under another id (another ordering).
    const tmp = tempDir();
    const { raw_output: _r, model_prediction: _p, ...asSample } = outs[0];
    const testFile = tmp.write('reordered.json', JSON.stringify([{ ...asSample, problem_id: 77 }]));
    const samples = await split(testFile);
    const report = await loadOutputs(OUTPUTS);
    const byId = checkJoin(report.outputs.values(), new Map(samples.map((s) => [s.id, s])));
    expect(byId.compared).toBe(0);
    const joined = joinByContent(report.outputs.values(), samples);
    expect([...joined.bySample.keys()]).toEqual(['77']);
    expect(joined.bySample.get('77')!.id).toBe(String(outs[0].problem_id));
    expect(joined.unmatched.map((o) => o.id)).toEqual([String(outs[1].problem_id)]);
  });
});

describe('joining by content: the roles count', () => {
  /** The released split's first record (Frodo answering Pippin), and that record as an output with the given changes. */
  async function frodo() {
    const [rec] = JSON.parse(readFileSync(TEST, 'utf8'));
    const asOutput = (o: Record<string, unknown>) => ({ ...rec, raw_output: '<answer>x</answer>', ...o });
    return { rec, asOutput, tmp: tempDir() };
  }

  it('an output with the same session and dialogue but assistant and user swapped is not joined, and says why', async () => {
    const { rec, asOutput, tmp } = await frodo();
    const samples = await split(tmp.write('one.json', JSON.stringify([rec])));
    const out = tmp.write(
      'swapped.jsonl',
      `${JSON.stringify(asOutput({ assistant: rec.user, user: rec.assistant, raw_output: '<answer>PIPPIN</answer>' }))}\n`,
    );
    const joined = joinByContent((await loadOutputs(out)).outputs.values(), samples);
    expect(joined.bySample.size).toBe(0);
    expect(joined.unmatched.map((o) => o.id)).toEqual([String(rec.problem_id)]);
    expect(joined.otherRole.map((r) => [r.field, r.value, r.split, r.sampleId])).toEqual([['assistant', 'Pippin', 'Frodo', String(rec.problem_id)]]);
  });

  it("two samples of one dialogue with the roles swapped: each output joins its own role's sample; without roles it is ambiguous", async () => {
    const { rec, asOutput, tmp } = await frodo();
    const swapped = { ...rec, problem_id: 900, assistant: rec.user, user: rec.assistant };
    const samples = await split(tmp.write('two.json', JSON.stringify([rec, swapped])));
    const outs = [
      asOutput({ problem_id: 7, raw_output: '<answer>FRODO</answer>' }),
      asOutput({ problem_id: 8, assistant: rec.user, user: rec.assistant, raw_output: '<answer>PIPPIN</answer>' }),
    ];
    const joined = joinByContent((await loadOutputs(tmp.write('both.jsonl', outs.map((o) => JSON.stringify(o)).join('\n')))).outputs.values(), samples);
    expect(Object.fromEntries([...joined.bySample].map(([id, o]) => [id, o.output]))).toEqual({
      [String(rec.problem_id)]: '<answer>FRODO</answer>',
      '900': '<answer>PIPPIN</answer>',
    });
    const { assistant: _a, user: _u, ...roleless } = asOutput({ problem_id: 9 });
    const blind = joinByContent((await loadOutputs(tmp.write('roleless.jsonl', JSON.stringify(roleless)))).outputs.values(), samples);
    expect(blind.bySample.size).toBe(0);
    expect(blind.ambiguous.sort()).toEqual([String(rec.problem_id), '900'].sort());
  });

  it('two outputs for one sample are reported, conflicting when their texts differ', async () => {
    const { rec, asOutput, tmp } = await frodo();
    const samples = await split(tmp.write('one-again.json', JSON.stringify([rec])));
    const outs = [asOutput({ problem_id: 7 }), asOutput({ problem_id: 8, raw_output: '<answer>other</answer>' })];
    const joined = joinByContent((await loadOutputs(tmp.write('twice.jsonl', outs.map((o) => JSON.stringify(o)).join('\n')))).outputs.values(), samples);
    expect(joined.bySample.get(String(rec.problem_id))!.id).toBe('7');
    expect(joined.repeated).toEqual([{ sampleId: String(rec.problem_id), lines: [1, 2], conflicting: true }]);
  });
});
