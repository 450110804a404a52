// Judge replies cut off before the score or verdict (finish_reason "length"):
// a transient cut is re-asked (afresh, with a larger token budget) and ends
// with the reference's score; a reply that stays cut for a prompt becomes a
// recorded "truncated" failure with score null, counted in the report and left
// out of the means (never a made-up 0).
import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeHandler } from '../helpers/fake-server.js';
import { isJudgeKind, kindOf, promptParts, roleplayReply } from '../e2e/fake-roleplay.js';
import { draw } from './faulty.js';
import { disturbedRun, type Disturbed } from './disturbed.js';
import { buildReference, comparisonKey, expectOnePerKey, figures, judgmentKey, MODELS, METRICS, STAGES, type Reference } from './pipeline.js';

const MAX_PARSE_RETRIES = 2;

/** The reply as a judge out of tokens sends it: everything up to the score or verdict. */
export function cutReply(full: string): string {
  const cut = full
    .replace(/Score: \d+$/, 'Score:')
    .replace(/"score": \d+\}$/, '"sco')
    .replace(/\[\[[ABC]\]\]$/, '[[');
  if (cut === full) throw new Error(`no score or verdict to cut in: ${full}`);
  return cut;
}

interface Cuts {
  /** First-attempt prompts (pointwise and pairwise) answered with a cut reply once. */
  transient: Map<string, 'pointwise' | 'pairwise'>;
  /** Pointwise prompts whose every attempt is cut. */
  persistent: Set<string>;
}

function cuttingJudge(cuts: Cuts): FakeHandler {
  return (body) => {
    const full = roleplayReply(body);
    const kind = kindOf(body);
    if (!isJudgeKind(kind) || typeof full !== 'string') return full;
    const { prompt } = promptParts(body);
    // A re-ask after a cut is the same prompt with more room (gpt-5-mini's budget is 4096).
    const budget = body.max_completion_tokens ?? body.max_tokens;
    const reask = body.messages.some((m: any) => m?.role === 'assistant') || budget > 4096;
    if (kind === 'pointwise' && draw(prompt, 'persistent') < 0.15) {
      cuts.persistent.add(prompt);
      return { content: cutReply(full), finishReason: 'length' };
    }
    if (!reask && draw(prompt, 'transient') < 0.4) {
      cuts.transient.set(prompt, kind as 'pointwise' | 'pairwise');
      return { content: cutReply(full), finishReason: 'length' };
    }
    return full;
  };
}

describe('truncated judge replies', () => {
  let ref: Reference;
  let d: Disturbed;
  const cuts: Cuts = { transient: new Map(), persistent: new Set() };

  beforeAll(async () => {
    ref = await buildReference();
    d = await disturbedRun('cut', () => null, {}, { inner: cuttingJudge(cuts), extra: { score: { maxParseRetries: MAX_PARSE_RETRIES } } });
  });

  it('the run completes with one record per key', () => {
    for (const stage of STAGES) expect(d.runs[stage]).toHaveLength(1);
    expectOnePerKey(d.records);
    expect(cuts.persistent.size).toBeGreaterThan(0);
    expect([...cuts.transient.values()]).toContain('pointwise');
    expect([...cuts.transient.values()]).toContain('pairwise');
  });

  it('a reply that stays cut is a truncated failure with score null after every re-ask', () => {
    const failed = d.records.judgments.filter((j) => j.failure);
    expect(failed).toHaveLength(cuts.persistent.size);
    for (const j of failed) {
      expect(j.failure.kind).toBe('truncated');
      expect(j.score).toBeNull();
      expect(j.attempts).toBe(MAX_PARSE_RETRIES + 1);
      expect(j.raw).toHaveLength(MAX_PARSE_RETRIES + 1);
      expect(new Set(j.raw).size).toBe(1);
      expect(j.raw[0]).toMatch(/(Score:|"sco)$/);
    }
    const c = d.report.counts;
    expect(c.truncatedReplies).toBe(cuts.persistent.size);
    expect(c.judgmentFailures).toBe(cuts.persistent.size);
    const cellFailures = d.report.leaderboard.flatMap((row: any) => METRICS.map((m) => row.scores[m].failures));
    expect(cellFailures.reduce((a: number, b: number) => a + b, 0)).toBe(cuts.persistent.size);
  });

  it('a transient cut is re-asked and ends with the reference score', () => {
    const ok = d.records.judgments.filter((j) => !j.failure);
    for (const j of ok) expect(j.score, judgmentKey(j)).toBe(ref.scores.get(judgmentKey(j)));
    const reasked = ok.filter((j) => j.attempts === 2);
    const pointCuts = [...cuts.transient].filter(([p, kind]) => kind === 'pointwise' && !cuts.persistent.has(p));
    expect(reasked).toHaveLength(pointCuts.length);
    for (const j of reasked) expect(j.raw[0]).toBe(cutReply(j.raw[1]));
    expect(ok.filter((j) => j.attempts !== 1 && j.attempts !== 2)).toEqual([]);
  });

  it('means leave the failed judgments out instead of counting them', () => {
    for (const model of MODELS)
      for (const metric of METRICS) {
        const kept = d.records.judgments.filter((j) => j.model === model && j.metric === metric && !j.failure).map((j) => j.score as number);
        const cell = d.report.leaderboard.find((r: any) => r.model === model).scores[metric];
        expect(cell.n).toBe(kept.length);
        expect(cell.mean).toBeCloseTo(kept.reduce((a, b) => a + b, 0) / kept.length, 10);
      }
  });

  it('comparisons re-ask cut verdicts and match the reference exactly', () => {
    const reasked = d.records.comparisons.flatMap((c) => c.orders).filter((o: any) => o.attempts === 2);
    expect(reasked).toHaveLength([...cuts.transient.values()].filter((k) => k === 'pairwise').length);
    for (const c of d.records.comparisons) expect(c.outcome, comparisonKey(c)).toBe(ref.outcomes.get(comparisonKey(c)));
    const f = figures(d.report);
    expect(f.pairwise).toEqual(ref.figures.pairwise);
    expect(f.positionBias).toEqual(ref.figures.positionBias);
    expect(f.counts.comparisonFailures).toBe(0);
  });
});
