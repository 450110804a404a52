// ResponseLookup: responses found by (sample, model) from their line locations.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ResponseLookup } from '../../src/store/response-lookup.js';
import { responseKey, RunStore } from '../../src/store/run.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const rec = (sampleId: string, model: string, answer: string) => ({ type: 'response', sampleId, model, kind: 'plain', raw: answer, answer, via: 'file' });
const jsonl = (rs: unknown[]) => rs.map((r) => `${JSON.stringify(r)}\n`).join('');

function emptyRun(): RunStore {
  dir = mkdtempSync(join(tmpdir(), 'rolejudge-lookup-'));
  const store = new RunStore(dir);
  mkdirSync(store.responsesDir, { recursive: true });
  return store;
}

describe('ResponseLookup', () => {
  it('finds every response of every model file, as RunStore.responseIndex does', async () => {
    const store = emptyRun();
    writeFileSync(store.responsesFile('a'), jsonl(Array.from({ length: 400 }, (_, i) => rec(`s${i}`, 'a', `a${i} – ${'é'.repeat(i % 7)}`))));
    // The other model's file in reverse order: lookups do not depend on file order.
    writeFileSync(store.responsesFile('b'), jsonl(Array.from({ length: 400 }, (_, i) => rec(`s${399 - i}`, 'b', `b${399 - i}`))));
    const lookup = await ResponseLookup.open(store.listFiles(store.responsesDir));
    const index = await store.responseIndex();
    expect(lookup.size).toBe(800);
    for (const [sampleId, byModel] of index) {
      for (const [model, r] of byModel) expect(await lookup.get(sampleId, model)).toEqual(r);
    }
    expect(lookup.has('s5', 'b')).toBe(true);
    expect(lookup.has('s5', 'c')).toBe(false);
    expect(await lookup.get('s400', 'a')).toBeUndefined();
    await lookup.close();
  });

  it('keeps the last record of a key, skips torn and blank lines, and tolerates a missing file', async () => {
    const store = emptyRun();
    const file = store.responsesFile('a');
    writeFileSync(file, `${jsonl([rec('s1', 'a', 'first'), rec('s2', 'a', 'two')])}\n{"type":"resp`);
    appendFileSync(file, `\n${jsonl([rec('s1', 'a', 'second')])}`);
    const lookup = await ResponseLookup.open([file, join(store.responsesDir, 'missing.jsonl')]);
    expect((await lookup.get('s1', 'a'))?.answer).toBe('second');
    expect((await lookup.get('s2', 'a'))?.answer).toBe('two');
    expect(lookup.size).toBe(2);
    await lookup.close();
  });

  it('knows which responses are usable, as a full parse of every record decides', async () => {
    const store = emptyRun();
    const file = store.responsesFile('a');
    const lines = [
      // The harness's own layout, read by key without parsing.
      JSON.stringify(rec('ok', 'a', 'fine')),
      JSON.stringify({ ...rec('failed', 'a', ''), error: 'HTTP 500' }),
      JSON.stringify({ ...rec('empty-error', 'a', 'x'), error: '' }),
      // Answers that mention an error: quoted inside a string, and as a whole value.
      JSON.stringify(rec('quoted', 'a', 'he said "error" twice')),
      JSON.stringify(rec('word', 'a', 'error')),
      // Other layouts and escapes go through JSON.parse.
      JSON.stringify({ model: 'a', sampleId: 'reordered', type: 'response', answer: 'r' }),
      JSON.stringify(rec('esc"aped', 'a', 'e')),
      JSON.stringify(rec('crlf', 'a', 'c')) + '\r',
      JSON.stringify({ type: 'response', sampleId: 'nested', model: 'a', format: { error: "not the record's own" }, answer: 'n' }),
    ];
    writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
    const lookup = await ResponseLookup.open([file]);
    const expected = new Set<string>();
    for await (const r of store.responses()) if (!r.error) expected.add(responseKey(r));
    expect(lookup.answeredKeys()).toEqual(expected);
    for (const key of expected) expect(lookup.isAnswered(key)).toBe(true);
    expect(lookup.isAnswered(responseKey({ sampleId: 'failed', model: 'a' }))).toBe(false);
    expect(expected.has(responseKey({ sampleId: 'failed', model: 'a' }))).toBe(false);
    expect(lookup.size).toBe(lines.length);
    for (const id of ['failed', 'esc"aped', 'reordered', 'crlf', 'quoted']) expect((await lookup.get(id, 'a'))?.sampleId).toBe(id);
    await lookup.close();
  });

  it('reads the same keys whether a record is laid out as the harness writes it or not', async () => {
    const store = emptyRun();
    const file = store.responsesFile('m');
    // Keys longer than keyOf's scratch buffer (512 bytes) are built the other way.
    const ids = ['plain', 'ünïcödé', 'with space', '0', 'a\u0000b', 'tab\there', 'é'.repeat(300), 'x'.repeat(600)];
    writeFileSync(file, jsonl(ids.map((id) => rec(id, 'm', id))));
    const lookup = await ResponseLookup.open([file]);
    for (const id of ids) {
      expect(lookup.has(id, 'm')).toBe(true);
      expect((await lookup.get(id, 'm'))?.answer).toBe(id);
    }
    expect(lookup.answeredKeys().size).toBe(ids.length);
    await lookup.close();
  });

  it('a line damaged after its key is no response (as a torn line), not a crash', async () => {
    const store = emptyRun();
    const file = store.responsesFile('a');
    writeFileSync(file, `{"type":"response","sampleId":"s1","model":"a","raw":"cut}\n${jsonl([rec('s2', 'a', 'two')])}`);
    const lookup = await ResponseLookup.open([file]);
    expect(await lookup.get('s1', 'a')).toBeUndefined();
    expect((await lookup.get('s2', 'a'))?.answer).toBe('two');
    await lookup.close();
  });
});
