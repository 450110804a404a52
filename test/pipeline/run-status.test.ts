// runs/<id>/status.json: budget stops recorded, kept while a narrower pass
// finishes, cleared by a pass that covers the stopped one; never misread.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { clearBudgetStop, readRunStatus, recordBudgetStop, recordSelected } from '../../src/pipeline/run-status.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolejudge-status-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('run status', () => {
  it('keeps a stop while a narrower pass finishes, and clears it once a pass covers it', () => {
    recordSelected(dir, 4);
    recordBudgetStop(dir, 'score', 16, 11);
    recordBudgetStop(dir, 'compare', null, null);
    // `score --models a` finished 8 of the 16: the other model's judgments may still be missing.
    clearBudgetStop(dir, 'score', 8);
    expect(readRunStatus(dir).budgetStops?.map((b) => b.stage)).toEqual(['score', 'compare']);
    clearBudgetStop(dir, 'score', 16);
    clearBudgetStop(dir, 'compare', 4);
    expect(readRunStatus(dir)).toEqual({ selected: 4 });
  });

  it('refuses an unreadable status file, naming it, rather than call a stopped run complete', () => {
    writeFileSync(join(dir, 'status.json'), '{"budgetStops": [');
    expect(() => readRunStatus(dir)).toThrow(UsageError);
    expect(() => readRunStatus(dir)).toThrow(join(dir, 'status.json'));
  });
});
