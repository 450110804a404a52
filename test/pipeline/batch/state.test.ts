import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchState, isTerminal, type BatchEntry } from '../../../src/pipeline/batch/state.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolejudge-bstate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const entry = (batchId: string, stage = 'score'): BatchEntry => ({
  stage,
  endpoint: { name: 'j', baseUrl: 'http://x/v1', model: 'm', apiKeyEnv: 'KEY' },
  inputFileId: `f-${batchId}`,
  batchId,
  requests: 1,
  customIds: ['h1'],
  status: 'validating',
  counts: null,
  outputFileId: null,
  errorFileId: null,
  ingested: false,
  ingestedCount: 0,
  createdAt: 't',
  updatedAt: 't',
});

describe('BatchState', () => {
  it('persists every change at once and reloads it', () => {
    const s = BatchState.load(dir);
    expect(s.batches).toEqual([]);
    expect(existsSync(join(dir, 'batches.json'))).toBe(false);
    s.add(entry('b1'));
    s.add(entry('b2', 'compare'));
    expect(BatchState.load(dir).batches.map((b) => b.batchId)).toEqual(['b1', 'b2']);
    s.update('b1', { status: 'completed', ingested: true });
    const again = BatchState.load(dir);
    expect(again.batches[0]).toMatchObject({ status: 'completed', ingested: true });
    expect(again.pending('score')).toEqual([]);
    expect(again.pending('compare').map((b) => b.batchId)).toEqual(['b2']);
    // Atomic writes leave no temp file behind, and no secret: only the variable's name.
    expect(readdirSync(dir)).toEqual(['batches.json']);
    expect(readFileSync(join(dir, 'batches.json'), 'utf8')).toContain('"apiKeyEnv": "KEY"');
  });

  it('refuses an unknown batch and a foreign file', () => {
    expect(() => BatchState.load(dir).update('nope', {})).toThrow(/nope/);
    writeFileSync(join(dir, 'batches.json'), JSON.stringify({ version: 7, batches: [] }));
    expect(() => BatchState.load(dir)).toThrow(/not a rolejudge batch state/);
  });

  it('knows the terminal statuses', () => {
    expect(['completed', 'failed', 'expired', 'cancelled'].every(isTerminal)).toBe(true);
    expect(['validating', 'in_progress', 'finalizing', 'cancelling'].some(isTerminal)).toBe(false);
  });
});
