import { describe, expect, it } from 'vitest';
import { pollAll, progressLine, type Polled } from '../../../src/pipeline/batch/poll.js';
import type { Batch } from '../../../src/pipeline/batch/submit.js';

const batch = (id: string, status: Batch['status'], done = 0): Batch =>
  ({
    id,
    object: 'batch',
    status,
    endpoint: '/v1/chat/completions',
    input_file_id: 'f',
    completion_window: '24h',
    created_at: 0,
    request_counts: { total: 4, completed: done, failed: 0 },
  }) as Batch;

function scripted(id: string, statuses: Batch['status'][], seen: string[]): Polled {
  let i = 0;
  return {
    batchId: id,
    retrieve: async () => batch(id, statuses[Math.min(i++, statuses.length - 1)]!),
    onUpdate: (b) => void seen.push(`${b.id}:${b.status}`),
  };
}

describe('pollAll', () => {
  it('retrieves until every batch is terminal, doubling the wait up to the maximum', async () => {
    const seen: string[] = [];
    const waits: number[] = [];
    await pollAll(
      [
        scripted('a', ['validating', 'in_progress', 'in_progress', 'in_progress', 'finalizing', 'completed'], seen),
        scripted('b', ['in_progress', 'expired'], seen),
      ],
      { initialMs: 10, maxMs: 35 },
      async (ms) => void waits.push(ms),
    );
    expect(waits).toEqual([10, 20, 35, 35, 35]);
    expect(seen.filter((s) => s.startsWith('a:'))).toEqual(['a:validating', 'a:in_progress', 'a:in_progress', 'a:in_progress', 'a:finalizing', 'a:completed']);
    // A terminal batch is not asked again.
    expect(seen.filter((s) => s.startsWith('b:'))).toEqual(['b:in_progress', 'b:expired']);
  });

  it('does not wait at all when everything is already terminal', async () => {
    const waits: number[] = [];
    await pollAll([scripted('a', ['failed'], [])], { initialMs: 10, maxMs: 10 }, async (ms) => void waits.push(ms));
    expect(waits).toEqual([]);
  });
});

describe('progressLine', () => {
  it('reports status and counts, and nothing when unchanged', () => {
    const line = progressLine('score, gpt-5-mini', batch('b1', 'in_progress', 2), null);
    expect(line).toBe('batch b1 (score, gpt-5-mini): in_progress, 2/4 done, 0 failed');
    expect(progressLine('score, gpt-5-mini', batch('b1', 'in_progress', 2), line)).toBeNull();
    expect(progressLine('score, gpt-5-mini', batch('b1', 'in_progress', 3), line)).toContain('3/4 done');
  });
});
