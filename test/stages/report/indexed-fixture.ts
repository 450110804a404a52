// Judgment logs with everything the report's fold tells apart: failures of
// every kind, null scores, duplicated keys, listwise calls (one spend per
// callId, the other cells without), records from before spends (usage and
// attempts, offline mode), self-identification and anonymity flags, non-ASCII
// sample ids, blank lines — written through the score stage's own writer, so
// the columnar index is kept as a run keeps it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Judgment } from '../../../src/core/records.js';
import { RunStore } from '../../../src/store/run.js';

const KINDS = ['parse', 'error', 'empty-answer', 'missing-response', 'truncated', 'filtered', 'refused', 'dropped'] as const;
export const SAMPLES = ['s-001', 'séance-東京', 's-003', 'ünïcode-😀', 's-005', 's-006'];

export function judgment(i: number, judge: string): Judgment {
  // Keys are unique in i: model, metric, sample and round are its digits.
  const sampleId = `${SAMPLES[Math.floor(i / 6) % SAMPLES.length]!}-${Math.floor(i / 108)}`;
  const failed = i % 7 === 3;
  const listwise = i % 5 === 0;
  const old = i % 11 === 4;
  const j: Judgment = {
    type: 'judgment',
    sampleId,
    model: i % 2 ? 'cand' : 'base',
    metric: ['veg', 'spc', 'cn'][Math.floor(i / 2) % 3]!,
    judge,
    round: Math.floor(i / 36) % 3,
    mode: old && i % 2 ? 'offline' : listwise ? 'listwise' : 'per-response',
    score: failed ? null : ((i * 37) % 91) / 10 + 1,
    ...(failed ? { failure: { kind: KINDS[i % KINDS.length]!, message: 'x' } } : {}),
    raw: [`Score: ${i}`],
    attempts: 1 + (i % 3),
    usage: i % 13 === 0 ? null : { prompt: 100 + i, completion: 7 + (i % 5), total: 107 + i },
    latencyMs: 12,
    sent: i % 17 === 0 ? null : { model: judge, ...(i % 9 === 0 ? { anonymity: 'hit' } : {}) },
    provenance: { judgeHash: 'h', templateHash: 't', rubricVersion: '1', responseHash: 'r', framesHash: null, order: 'single', round: 0 },
    selfId: i % 19 === 0 ? ['as an AI'] : [],
    answerChars: 40 + (i % 23),
  };
  if (!old) {
    j.callId = `c${listwise ? Math.floor(i / 3) : i}`;
    // A listwise call's cells share its callId; only one carries the spend.
    if (!listwise || i % 3 === 0)
      j.spend = {
        callId: j.callId,
        requests: 1 + (i % 2),
        fromCache: i % 4 === 0 ? 1 : 0,
        promptTokens: 200 + i,
        completionTokens: 9 + (i % 7),
        promptTokensFromCache: i % 4 === 0 ? 50 : 0,
        completionTokensFromCache: 0,
        ...(i % 6 === 0 ? { cachedPromptTokens: 64 } : {}),
      };
  }
  return j;
}

/** A run directory with `n` judgments per judge (a few keys twice), written by the score stage's writer; returns the logs. */
export async function writeIndexedRun(dir: string, n: number, judges = ['j1', 'j2']): Promise<string[]> {
  const store = new RunStore(dir);
  mkdirSync(store.responsesDir, { recursive: true });
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ runId: 'idx', configHash: 'h', rolejudgeVersion: 't', createdAt: 'now', seed: 1 }));
  const files: string[] = [];
  for (const judge of judges) {
    const file = store.judgmentsFile(judge);
    const w = store.judgmentWriter(file);
    for (let i = 0; i < n; i++) {
      w.append(judgment(i, judge));
      // The same key again (a hand-merged log): counted once, flagged as a duplicate.
      if (i % 29 === 28) w.append({ ...judgment(i, judge), score: 2 });
    }
    await w.close();
    files.push(file);
  }
  return files;
}
