import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/dataset/errors.js';
import { nativeToSample, readNative } from '../../src/dataset/native.js';
import { collect, errorOf, jsonl, tempDir } from './tmp.js';

const root = '/data/split';
const at = { file: 'data/x.jsonl', line: 7 };

const good = {
  id: 'q1',
  session_id: 'sess',
  video: { frames: ['frames/q1/01.jpg', 'frames/q1/02.jpg'], duration: 4 },
  caption: 'A kitchen at dawn.',
  character: { name: 'Odile', description: 'A cheerful baker.' },
  user: { name: 'Customer', description: 'A regular.' },
  history: [{ speaker: 'Customer', text: 'Morning!' }],
  reference: 'Morning! First batch is out.',
};

function errorFor(rec: unknown): DatasetError {
  try {
    nativeToSample(rec, at, root);
  } catch (err) {
    if (err instanceof DatasetError) return err;
    throw err;
  }
  throw new Error('expected a DatasetError');
}

describe('native rolejudge format', () => {
  it('maps every field and resolves frame paths against the root', () => {
    const s = nativeToSample(good, at, root);
    expect(s).toEqual({
      id: 'q1',
      sessionId: 'sess',
      video: { frames: ['/data/split/frames/q1/01.jpg', '/data/split/frames/q1/02.jpg'], duration: 4 },
      caption: 'A kitchen at dawn.',
      character: { name: 'Odile', description: 'A cheerful baker.' },
      user: { name: 'Customer', description: 'A regular.' },
      history: [{ speaker: 'Customer', text: 'Morning!' }],
      references: ['Morning! First batch is out.'],
      origin: at,
    });
  });

  it('accepts a clip path or URL string for video, a user name string, and a list of references', () => {
    const s = nativeToSample({ ...good, video: 'clips/a.mp4', user: 'Fan', reference: ['one', 'two'] }, at, root);
    expect(s.video).toEqual({ path: '/data/split/clips/a.mp4' });
    expect(s.user).toEqual({ name: 'Fan', description: '' });
    expect(s.references).toEqual(['one', 'two']);
    expect(nativeToSample({ ...good, video: 'https://example.org/a.mp4' }, at, root).video).toEqual({ url: 'https://example.org/a.mp4' });
    expect(nativeToSample({ ...good, video: undefined }, at, root).video).toBeUndefined();
  });

  it('names file, line, field and expectation in every validation error', () => {
    const e = errorFor({ ...good, character: { name: '', description: 'x' } });
    expect(e.message).toBe('data/x.jsonl:7: field "character.name": expected a non-empty string, got ""');
    expect(e.field).toBe('character.name');
    expect(e.line).toBe(7);
  });

  it.each([
    ['id', { ...good, id: 3 }],
    ['character', { ...good, character: undefined }],
    ['character.description', { ...good, character: { name: 'A' } }],
    ['user', { ...good, user: 5 }],
    ['user.age', { ...good, user: { name: 'U', age: 3 } }],
    ['history', { ...good, history: {} }],
    ['history[0].text', { ...good, history: [{ speaker: 'A' }] }],
    ['history[0].mood', { ...good, history: [{ speaker: 'A', text: 'hi', mood: 'x' }] }],
    ['reference', { ...good, reference: [] }],
    ['reference[1]', { ...good, reference: ['ok', ''] }],
    ['reference', { ...good, reference: undefined }],
    ['references', { ...good, references: ['a'] }],
    ['video', { ...good, video: { duration: 3 } }],
    ['video.frames', { ...good, video: { frames: [] } }],
    ['video.duration', { ...good, video: { path: 'a.mp4', duration: -1 } }],
    ['video.url', { ...good, video: { url: 'ftp://x/y' } }],
    ['caption', { ...good, caption: 7 }],
    ['refrence', { ...good, refrence: 'typo' }],
    ['meta', { ...good, meta: [] }],
  ])('rejects a bad %s (case %#)', (field, rec) => {
    const e = errorFor(rec);
    expect(e.field).toBe(field);
    expect(e.message).toContain(`data/x.jsonl:7: field "${field}": expected`);
  });

  // Usual turns and personas are accepted without building field names
  // (native.ts); every other shape must still fail exactly as the full checks say.
  it.each([
    [
      {
        ...good,
        history: [
          { speaker: 'A', text: 'hi' },
          { speaker: ' ', text: 'x' },
        ],
      },
      'data/x.jsonl:7: field "history[1].speaker": expected a non-empty string, got " "',
    ],
    [{ ...good, history: [{ text: 'hi', speaker: 'A', extra: 1 }] }, 'history[0].extra'],
    [{ ...good, history: [JSON.parse('{"speaker":"A","text":"t","__proto__":1}')] }, 'history[0].__proto__'],
    [{ ...good, history: [{ speaker: 'A', text: 'hi' }, ['A', 'hi']] }, 'data/x.jsonl:7: field "history[1]": expected an object, got an array of 2'],
    [{ ...good, history: [{ speaker: 'A', text: 3 }] }, 'data/x.jsonl:7: field "history[0].text": expected a non-empty string, got number 3'],
    [{ ...good, character: { name: 'A', description: '   ' } }, 'data/x.jsonl:7: field "character.description": expected a non-empty string, got "   "'],
    [{ ...good, character: { description: 'd', name: 'A', age: 3 } }, 'character.age'],
    [{ ...good, user: { name: '', description: '' } }, 'data/x.jsonl:7: field "user.name": expected a non-empty string, got ""'],
    [{ ...good, user: { name: 'U', description: 4 } }, 'data/x.jsonl:7: field "user.description": expected a string, got number 4'],
  ])('a shape off the usual one fails as the full checks say (case %#)', (rec, want) => {
    const e = errorFor(rec);
    if (want.includes(': ')) expect(e.message).toBe(want);
    else {
      expect(e.field).toBe(want);
      expect(e.message).toContain(`data/x.jsonl:7: field "${want}": expected no such field`);
    }
  });

  it('maps the usual turn and persona shapes, and the others, to the same records', () => {
    const s = nativeToSample({ ...good, user: { name: 'U', description: '' }, history: [{ text: 't', speaker: 'S' }] }, at, root);
    expect(s.user).toEqual({ name: 'U', description: '' });
    expect(Object.keys(s.history[0]!)).toEqual(['speaker', 'text']);
    expect(s.history).toEqual([{ speaker: 'S', text: 't' }]);
    const withFields = nativeToSample({ ...good, character: { name: 'C', description: 'd', fields: { age: 3 } } }, at, root);
    expect(withFields.character).toEqual({ name: 'C', description: 'd', fields: { age: 3 } });
    expect(nativeToSample({ ...good, user: { name: 'U' } }, at, root).user).toEqual({ name: 'U', description: '' });
  });

  it('rejects a record that is not an object', () => {
    expect(errorFor(['a']).message).toBe('data/x.jsonl:7: expected a JSON object (one record), got an array of 1');
  });

  it.each([
    ['../outside.mp4', 'video'],
    ['/etc/passwd', 'video'],
    ['file:///etc/passwd', 'video'],
  ])('rejects a clip path escaping the dataset folder: %s', (p, field) => {
    const e = errorFor({ ...good, video: p });
    expect(e.field).toBe(field);
    expect(e.message).toContain('a path inside the dataset folder');
  });

  it('rejects an escaping frame path and names the frame index', () => {
    const e = errorFor({ ...good, video: { frames: ['ok.jpg', 'frames/../../x.jpg'] } });
    expect(e.field).toBe('video.frames[1]');
  });

  it('allows an absolute path that lies inside the root', () => {
    expect(nativeToSample({ ...good, video: '/data/split/clips/b.mp4' }, at, root).video?.path).toBe('/data/split/clips/b.mp4');
  });

  describe('reading a file', () => {
    const tmp = tempDir();

    it('streams samples with their line numbers, root defaulting to the file folder', async () => {
      const file = tmp.write('split.jsonl', `${jsonl(good)}\n${jsonl({ ...good, id: 'q2' })}`);
      const samples = await collect(readNative(file));
      expect(samples.map((s) => [s.id, s.origin?.line])).toEqual([
        ['q1', 1],
        ['q2', 3],
      ]);
      expect(samples[0]?.video?.frames?.[0]).toBe(path.join(tmp.dir, 'frames/q1/01.jpg'));
    });

    it('reports a malformed line with its file and line number', async () => {
      const file = tmp.write('bad.jsonl', `${jsonl(good)}{"id": "q2", "character": }\n`);
      const err = await errorOf(() => collect(readNative(file)));
      expect(err).toBeInstanceOf(DatasetError);
      expect(err.message).toContain(`${file}:2: expected valid JSON`);
    });
  });
});
