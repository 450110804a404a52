// The run store's write path: append-only JSONL with torn-tail repair, atomic
// rewrites, and a run directory that refuses records of another config.
import { appendFileSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JsonlWriter, lineRanges, readJsonl, readJsonlBatches, repairTail, rewriteJsonl, writeFileAtomic } from '../../src/store/jsonl.js';
import { RunStore, judgmentKey, type RunManifest } from '../../src/store/run.js';

const root = mkdtempSync(join(tmpdir(), 'rolejudge-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => {
  const d = join(root, `t${n++}`);
  mkdirSync(d, { recursive: true });
  return d;
};

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

interface Rec {
  id: number;
  text?: string;
}

describe('JsonlWriter and readJsonl', () => {
  it('appends one line per record and streams them back in order', async () => {
    const file = join(fresh(), 'nested', 'log.jsonl');
    const w = new JsonlWriter(file);
    w.append({ id: 1, text: 'a\nb' });
    w.append({ id: 2 });
    await w.close();
    const w2 = new JsonlWriter(file);
    w2.append({ id: 3 });
    await w2.close();
    const text = readFileSync(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trimEnd().split('\n')).toHaveLength(3);
    expect(await all(readJsonl<Rec>(file))).toEqual([{ id: 1, text: 'a\nb' }, { id: 2 }, { id: 3 }]);
  });

  it('reads lines across 1 MiB read chunks: a character cut by the seam, CRLF, blank lines, an ASCII-only chunk', async () => {
    const file = join(fresh(), 'big.jsonl');
    const recs: Rec[] = [];
    const lines: string[] = [];
    let bytes = 0;
    const push = (r: Rec, eol = '\n') => {
      recs.push(r);
      const line = JSON.stringify(r) + eol;
      lines.push(line);
      bytes += Buffer.byteLength(line);
    };
    // Mixed text (1-3 byte characters), CRLF and blank lines up to ~1 MiB.
    for (let i = 0; bytes < (1 << 20) - 5000; i++) push({ id: i, text: `é漢${'x'.repeat(i % 900)}` }, i % 7 === 0 ? '\r\n' : i % 11 === 0 ? '\n\n' : '\n');
    // A 4-byte character straddling the first read boundary (byte 1 MiB).
    const prefix = `{"id":${recs.length},"text":"`.length;
    push({ id: recs.length, text: `${'y'.repeat((1 << 20) - 2 - bytes - prefix)}😀tail` });
    // Then a pure-ASCII megabyte; the last line has no newline but is complete.
    for (let i = 0; bytes < (2 << 20) + 4000; i++) push({ id: recs.length, text: 'z'.repeat(i % 1200) });
    const text = lines.join('');
    expect(
      Buffer.from(text)
        .subarray((1 << 20) - 2, (1 << 20) + 2)
        .toString(),
    ).toBe('😀');
    writeFileSync(file, text.trimEnd());
    expect(await all(readJsonl<Rec>(file))).toEqual(recs);
  });

  it('cuts a log into ranges of whole lines that together read back every record once', async () => {
    const file = join(fresh(), 'ranges.jsonl');
    const recs = Array.from({ length: 500 }, (_, i) => ({ id: i, text: 'w'.repeat((i * 37) % 300) }));
    const text = recs.map((r) => JSON.stringify(r) + '\n').join('');
    writeFileSync(file, text);
    const ranges = lineRanges(file, 4000);
    expect(ranges.length).toBeGreaterThan(10);
    expect(ranges[0]!.start).toBe(0);
    expect(ranges.at(-1)!.end).toBe(Buffer.byteLength(text));
    for (let i = 0; i < ranges.length; i++) {
      if (i > 0) expect(ranges[i]!.start).toBe(ranges[i - 1]!.end);
      expect(text[ranges[i]!.end - 1]).toBe('\n');
    }
    const back: Rec[] = [];
    for (const range of ranges) for await (const batch of readJsonlBatches<Rec>(file, range)) back.push(...batch);
    expect(back).toEqual(recs);
    // One line longer than the range size still lands whole in one range.
    const long = join(fresh(), 'long.jsonl');
    const first = `${JSON.stringify({ id: 1, text: 'x'.repeat(200_000) })}\n`;
    writeFileSync(long, `${first}{"id":2}\n`);
    expect(lineRanges(long, 10)).toEqual([
      { start: 0, end: first.length },
      { start: first.length, end: first.length + 9 },
    ]);
    expect(lineRanges(join(fresh(), 'absent.jsonl'), 10)).toEqual([]);
  });

  it('reads nothing from a missing file', async () => {
    expect(await all(readJsonl(join(fresh(), 'absent.jsonl')))).toEqual([]);
  });
});

describe('repairTail', () => {
  it('cuts a torn last line so the next append starts on a fresh line', async () => {
    const file = join(fresh(), 'log.jsonl');
    const good = JSON.stringify({ id: 1 }) + '\n' + JSON.stringify({ id: 2 }) + '\n';
    // A process killed mid-write: half of record 3, no newline.
    writeFileSync(file, good + '{"id":3,"text":"half wri');
    const w = new JsonlWriter(file);
    expect(readFileSync(file, 'utf8')).toBe(good);
    w.append({ id: 4 });
    await w.close();
    expect(readFileSync(file, 'utf8')).toBe(good + '{"id":4}\n');
    const recs = await all(readJsonl<Rec>(file));
    expect(recs.map((r) => r.id)).toEqual([1, 2, 4]);
  });

  it('returns the number of bytes cut, 0 when the file ends on a newline', () => {
    const file = join(fresh(), 'log.jsonl');
    writeFileSync(file, '{"id":1}\n{"id":');
    expect(repairTail(file)).toBe(6);
    expect(readFileSync(file, 'utf8')).toBe('{"id":1}\n');
    expect(repairTail(file)).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('{"id":1}\n');
    expect(repairTail(join(fresh(), 'absent.jsonl'))).toBe(0);
  });

  it('empties a file that is one torn line', () => {
    const file = join(fresh(), 'log.jsonl');
    writeFileSync(file, '{"id":1,"te');
    expect(repairTail(file)).toBe(11);
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  it('finds the last newline beyond one 64 KiB read chunk', () => {
    const file = join(fresh(), 'log.jsonl');
    const head = JSON.stringify({ id: 1 }) + '\n';
    const torn = '{"id":2,"text":"' + 'x'.repeat(200_000);
    writeFileSync(file, head + torn);
    expect(repairTail(file)).toBe(torn.length);
    expect(readFileSync(file, 'utf8')).toBe(head);
  });

  it('a torn last line is never yielded as a record, before or after repair', async () => {
    const file = join(fresh(), 'log.jsonl');
    writeFileSync(file, '{"id":1}\n{"id":5');
    expect((await all(readJsonl<Rec>(file))).map((r) => r.id)).toEqual([1]);
    await new JsonlWriter(file).close();
    expect(readFileSync(file, 'utf8')).toBe('{"id":1}\n');
    expect((await all(readJsonl<Rec>(file))).map((r) => r.id)).toEqual([1]);
  });
});

describe('rewriteJsonl', () => {
  it('replaces and drops records, keeping order', async () => {
    const file = join(fresh(), 'log.jsonl');
    writeFileSync(file, [1, 2, 3, 4].map((id) => JSON.stringify({ id })).join('\n') + '\n');
    await rewriteJsonl<Rec>(file, (r) => (r.id === 2 ? null : r.id === 3 ? { id: 3, text: 'retried' } : r));
    expect(await all(readJsonl<Rec>(file))).toEqual([{ id: 1 }, { id: 3, text: 'retried' }, { id: 4 }]);
    // No temporary file is left next to the log.
    expect(readdirSync(join(file, '..'))).toEqual(['log.jsonl']);
  });

  it('swaps in a new file: a reader holding the old one still sees the old contents whole', async () => {
    const file = join(fresh(), 'log.jsonl');
    const old = [1, 2, 3].map((id) => JSON.stringify({ id })).join('\n') + '\n';
    writeFileSync(file, old);
    const fd = openSync(file, 'r');
    try {
      await rewriteJsonl<Rec>(file, (r) => (r.id === 1 ? null : r));
      const buf = Buffer.alloc(old.length + 10);
      const got = readSync(fd, buf, 0, buf.length, 0);
      expect(buf.subarray(0, got).toString('utf8')).toBe(old);
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(file, 'utf8')).toBe('{"id":2}\n{"id":3}\n');
  });

  it('does nothing for a missing file', async () => {
    const file = join(fresh(), 'absent.jsonl');
    await rewriteJsonl(file, () => null);
    expect(existsSync(file)).toBe(false);
  });

  it('writeFileAtomic replaces a file whole', () => {
    const file = join(fresh(), 'sub', 'x.json');
    writeFileAtomic(file, 'one');
    writeFileAtomic(file, 'two');
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(readdirSync(join(file, '..'))).toEqual(['x.json']);
  });
});

describe('RunStore', () => {
  const manifest = (configHash: string): RunManifest => ({
    runId: 'r',
    configHash,
    rolejudgeVersion: '0.0.0-test',
    createdAt: '2025-01-01T00:00:00.000Z',
    seed: 1,
  });

  it('init writes run.json and config.json, accepts the same hash again, refuses another', () => {
    const store = new RunStore(join(fresh(), 'runs', 'r'));
    expect(store.exists()).toBe(false);
    store.init(manifest('aaaa'), { a: 1 });
    expect(store.exists()).toBe(true);
    expect(store.readManifest()?.configHash).toBe('aaaa');
    expect(JSON.parse(readFileSync(join(store.dir, 'config.json'), 'utf8'))).toEqual({ a: 1 });

    // Same config again: the original manifest (creation time) is kept.
    store.init({ ...manifest('aaaa'), createdAt: '2030-01-01T00:00:00.000Z' }, { a: 1 });
    expect(store.readManifest()?.createdAt).toBe('2025-01-01T00:00:00.000Z');

    expect(() => store.init(manifest('bbbb'), { a: 2 })).toThrow(/another config.*aaaa.*bbbb/);
    expect(store.readManifest()?.configHash).toBe('aaaa');
    expect(JSON.parse(readFileSync(join(store.dir, 'config.json'), 'utf8'))).toEqual({ a: 1 });

    store.init(manifest('bbbb'), { a: 2 }, true);
    expect(store.readManifest()?.configHash).toBe('bbbb');
  });

  it('doneKeys collects the keys of recorded records, filtered by keep', async () => {
    const store = new RunStore(fresh());
    const file = store.judgmentsFile('j');
    const w = store.writer(file);
    const base = { model: 'm', metric: 'veg', judge: 'j', round: 0 };
    w.append({ ...base, sampleId: 's1', score: 3 });
    w.append({ ...base, sampleId: 's2', score: null });
    w.append({ ...base, sampleId: 's3', round: 1, score: 5 });
    await w.close();
    type J = typeof base & { sampleId: string; score: number | null };
    const all = await store.doneKeys<J>(file, judgmentKey);
    expect([...all].sort()).toEqual(
      [judgmentKey({ ...base, sampleId: 's1' }), judgmentKey({ ...base, sampleId: 's2' }), judgmentKey({ ...base, sampleId: 's3', round: 1 })].sort(),
    );
    const ok = await store.doneKeys<J>(file, judgmentKey, (r) => r.score !== null);
    expect(ok.has(judgmentKey({ ...base, sampleId: 's2' }))).toBe(false);
    expect(ok.size).toBe(2);
    expect((await store.doneKeys(store.judgmentsFile('absent'), judgmentKey)).size).toBe(0);
  });

  it('streams records of every log file in the folder', async () => {
    const store = new RunStore(fresh());
    for (const judge of ['b', 'a']) {
      const w = store.writer(store.judgmentsFile(judge));
      w.append({ judge, sampleId: 's' });
      await w.close();
    }
    appendFileSync(join(store.judgmentsDir, 'notes.txt'), 'not a log');
    expect((await all(store.judgments())).map((j) => j.judge)).toEqual(['a', 'b']);
  });
});
