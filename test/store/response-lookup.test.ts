// ResponseLookup: responses found by (sample, model) from their line locations.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ResponseLookup } from '../../src/store/response-lookup.js';
import { RunStore } from '../../src/store/run.js';

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
});
