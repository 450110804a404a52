import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadOutputs, readOutputs, toRecordedOutput } from '../../src/dataset/outputs.js';
import { collect, errorOf, tempDir } from './tmp.js';

const REAL = fileURLToPath(new URL('../fixtures/ebm-rl/ebm-rl-outputs.sample.jsonl', import.meta.url));

const at = { file: 'o.jsonl', line: 4 };

describe('recorded outputs', () => {
  it('prefers raw_output, then output, then model_prediction', () => {
    expect(toRecordedOutput({ id: 'a', raw_output: 'R', output: 'O', model_prediction: 'P' }, at)).toEqual({
      id: 'a',
      output: 'R',
      field: 'raw_output',
      prediction: 'P',
      origin: at,
    });
    expect(toRecordedOutput({ id: 'a', output: 'O', model_prediction: 'P' }, at).output).toBe('O');
    expect(toRecordedOutput({ problem_id: 9, model_prediction: 'P' }, at)).toEqual({
      id: '9',
      output: 'P',
      field: 'model_prediction',
      prediction: 'P',
      origin: at,
    });
    expect(toRecordedOutput({ id: 'a', raw_output: null, output: 'O' }, at).output).toBe('O');
  });

  it('rejects records without id or text, naming the field', () => {
    expect(() => toRecordedOutput({ output: 'x' }, at)).toThrow('o.jsonl:4: field "problem_id": expected a non-empty string or an integer, got nothing');
    expect(() => toRecordedOutput({ id: 'a' }, at)).toThrow('o.jsonl:4: field "raw_output": expected one of');
    expect(() => toRecordedOutput({ id: 'a', output: 3 }, at)).toThrow('field "output": expected a string');
  });

  it('reports duplicates (all lines), missing and extra ids', async () => {
    const tmp = tempDir();
    const file = tmp.write(
      'o.jsonl',
      [
        { id: 'a', output: '1' },
        { id: 'b', output: '2' },
        { id: 'a', output: '3' },
        { id: 'z', output: '4' },
        { id: 'a', output: '1' },
        { id: 'b', output: '2' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const report = await loadOutputs(file, ['a', 'b', 'c']);
    expect(report.outputs.get('a')?.output).toBe('1');
    // Copies of the first text are harmless; a different text for the same id is a conflict, named by line and field.
    expect(report.duplicates).toEqual([
      { id: 'a', lines: [1, 3, 5], conflicts: [{ line: 3, field: 'output', output: '3' }] },
      { id: 'b', lines: [2, 6], conflicts: [] },
    ]);
    expect(report.missing).toEqual(['c']);
    expect(report.extra).toEqual(['z']);
  });

  it('names file and line of a malformed record', async () => {
    const tmp = tempDir();
    const file = tmp.write('bad.jsonl', '{"id": "a", "output": "x"}\n{"id": "b", "output": }\n');
    const err = await errorOf(() => collect(readOutputs(file)));
    expect(err.message).toContain(`${file}:2: expected valid JSON`);
  });
});

describe('real EBM-RL outputs sample (concatenated pretty-printed JSON)', () => {
  it('reads both records with raw output and the empty prediction', async () => {
    const report = await loadOutputs(REAL, ['1', '41']);
    expect([...report.outputs.keys()]).toEqual(['1', '41']);
    expect(report.missing).toEqual([]);
    expect(report.duplicates).toEqual([]);
    const first = report.outputs.get('1');
    expect(first?.output.startsWith('<vision>')).toBe(true);
    expect(first?.prediction).toContain('Malfoys');
    expect(first?.origin.line).toBe(1);
    const second = report.outputs.get('41');
    expect(second?.prediction).toBe('');
    expect(second?.output).toContain('<answer>\n"Harry');
    expect(second?.origin.line).toBeGreaterThan(20);
  });
});
