import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/dataset/errors.js';
import { assertValidSplit, collectSamples, loadSamples, validateSplit } from '../../src/dataset/load.js';
import { collect, errorOf, jsonl, tempDir } from './tmp.js';

const rec = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  video: { frames: [`frames/${id}/01.jpg`] },
  character: { name: 'Hero', description: 'Brave.' },
  user: 'Fan',
  history: [{ speaker: 'Fan', text: 'Hi' }],
  reference: 'Hello.',
  ...extra,
});

const tmp = tempDir();
const ids = Array.from({ length: 30 }, (_, i) => `s${i}`);
const splitFile = tmp.write('split/split.jsonl', jsonl(...ids.map((id) => rec(id))));

describe('loadSamples', () => {
  it('streams the whole split in file order with absolute media paths', async () => {
    const { samples, warnings } = await collectSamples({ path: splitFile, format: 'rolejudge' });
    expect(samples.map((s) => s.id)).toEqual(ids);
    expect(samples[3]?.video?.frames).toEqual([path.join(tmp.dir, 'split/frames/s3/01.jpg')]);
    expect(warnings).toEqual([]);
  });

  it('applies ids → shard → limit and reports requested ids that do not exist', async () => {
    const { samples, missingIds } = await collectSamples({ path: splitFile, format: 'rolejudge' }, { ids: ['s5', 's1', 'ghost'], limit: 1 });
    expect(samples.map((s) => s.id)).toEqual(['s1']);
    const all = await collectSamples({ path: splitFile, format: 'rolejudge' }, { ids: ['s5', 's1', 'ghost'] });
    expect(all.samples.map((s) => s.id)).toEqual(['s1', 's5']);
    expect(all.missingIds).toEqual(['ghost']);
    expect(missingIds).toEqual([]);
    const shards = await Promise.all([1, 2, 3].map((k) => collectSamples({ path: splitFile, format: 'rolejudge' }, { shard: { index: k, count: 3 } })));
    const union = shards.flatMap((s) => s.samples.map((x) => x.id));
    expect(union.sort()).toEqual([...ids].sort());
  });

  it('resolves media against an explicit root', async () => {
    const { samples } = await collectSamples({ path: splitFile, format: 'rolejudge', root: tmp.dir }, { limit: 1 });
    expect(samples[0]?.video?.frames?.[0]).toBe(path.join(tmp.dir, 'frames/s0/01.jpg'));
  });

  it('throws on a duplicate id, naming both lines', async () => {
    const file = tmp.write('dup.jsonl', jsonl(rec('a'), rec('b'), rec('a')));
    const err = await errorOf(() => collect(loadSamples({ path: file, format: 'rolejudge' })));
    expect(err).toBeInstanceOf(DatasetError);
    expect(err.message).toBe(`${file}:3: field "id": expected a unique id, got "a", already used at line 1`);
  });

  it('rejects an unknown format', async () => {
    await expect(
      loadSamples({ path: splitFile, format: 'csv' as never })
        [Symbol.asyncIterator]()
        .next(),
    ).rejects.toThrow('unknown dataset format');
  });
});

describe('validateSplit', () => {
  it('accepts a good split', async () => {
    const report = await validateSplit({ path: splitFile, format: 'rolejudge' });
    expect(report).toMatchObject({ ok: true, records: 30, valid: 30, errors: [], unknownIds: [] });
  });

  it('collects every problem with file, line and field: malformed line, missing field, duplicate, path escape', async () => {
    const file = tmp.write(
      'bad/split.jsonl',
      [
        JSON.stringify(rec('a')),
        '{"id": "b", "character": ',
        JSON.stringify(rec('c', { character: { name: 'Hero' } })),
        JSON.stringify(rec('a')),
        JSON.stringify(rec('e', { video: '../../secret.mp4' })),
        JSON.stringify(rec('f', { video: { frames: ['/etc/passwd'] } })),
        JSON.stringify(rec('g', { video: 'https://example.org/clip.mp4' })),
      ].join('\n'),
    );
    const report = await validateSplit({ path: file, format: 'rolejudge' });
    expect(report.ok).toBe(false);
    expect(report.records).toBe(7);
    expect(report.valid).toBe(2);
    expect(report.errors.map((e) => [e.line, e.field])).toEqual([
      [2, null],
      [3, 'character.description'],
      [4, 'id'],
      [5, 'video'],
      [6, 'video.frames[0]'],
    ]);
    for (const e of report.errors) expect(e.message.startsWith(`${file}:${e.line}: `)).toBe(true);
    expect(report.errors[2]?.message).toContain('already used at line 1');
    expect(report.errors[3]?.message).toContain('a path inside the dataset folder');
  });

  it('stops at maxErrors, and assertValidSplit throws the first error', async () => {
    const file = tmp.write('many.jsonl', jsonl(rec('a', { id: 1 }), rec('b', { id: 2 }), rec('c', { id: 3 })));
    const report = await validateSplit({ path: file, format: 'rolejudge' }, { maxErrors: 2 });
    expect(report.errors.map((e) => e.line)).toEqual([1, 2]);
    const err = await errorOf(() => assertValidSplit({ path: file, format: 'rolejudge' }));
    expect(err.message).toBe(`${file}:1: field "id": expected a non-empty string, got number 1`);
  });

  it('reports a structural JSON error in an array-format split and stops', async () => {
    const file = tmp.write('ebm/test.json', '[\n{"problem_id": 1}\n{"problem_id": 2}\n]');
    const report = await validateSplit({ path: file, format: 'ebm-rl' });
    expect(report.errors.map((e) => e.line)).toEqual([2, 3]);
    expect(report.errors[1]?.message).toContain('"," or "]"');
  });

  it('flags unknown requested ids, missing media files (checkFiles) and empty splits', async () => {
    const report = await validateSplit({ path: splitFile, format: 'rolejudge' }, { selection: { ids: ['s1', 'nope'] }, checkFiles: true, maxErrors: 100 });
    expect(report.unknownIds).toEqual(['nope']);
    expect(report.errors).toHaveLength(30);
    expect(report.errors[0]?.field).toBe('video.frames[0]');
    expect(report.errors[0]?.message).toContain('expected an existing file');
    const empty = await validateSplit({ path: tmp.write('empty.jsonl', '\n'), format: 'rolejudge' });
    expect(empty.errors[0]?.message).toContain('expected at least one record');
  });
});
