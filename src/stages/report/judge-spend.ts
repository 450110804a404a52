// What each judge's questions cost over the network, and how much of their
// prompts the provider served from its prefix cache. Folded from the spends on
// the records (one per question: a listwise call's nine cells carry it once)
// and from the run's ledger of cut-off questions (pipeline/unrecorded.ts).
//
// Convention for the saving: a cached prompt token is billed at
// `cachedTokenPrice` times an uncached one (report.cachedTokenPrice, default
// 0.5 — OpenAI's discount on cached input for gpt-4o-class models; other
// providers differ, so set it to yours). The saving is stated in
// prompt-token equivalents: cached × (1 − cachedTokenPrice), i.e. how many
// uncached prompt tokens' worth was not paid.
import type { Spend } from '../../core/records.js';
import type { JudgeSpendRow } from '../../core/report.js';

export interface JudgeTally {
  calls: number;
  promptTokens: number;
  cachedPromptTokens: number;
}

export type JudgeSpend = Map<string, JudgeTally>;

export const DEFAULT_CACHED_TOKEN_PRICE = 0.5;

/** Add one question's network cost to its judge's tally (replays from the response cache cost nothing). */
export function addJudgeSpend(into: JudgeSpend, judge: string, s: Spend): void {
  let t = into.get(judge);
  if (!t) into.set(judge, (t = { calls: 0, promptTokens: 0, cachedPromptTokens: 0 }));
  t.calls += s.requests;
  t.promptTokens += s.promptTokens;
  t.cachedPromptTokens += s.cachedPromptTokens ?? 0;
}

/** Fold tallies made elsewhere (a worker thread's) into `into`. */
export function mergeJudgeSpend(into: JudgeSpend, from: Iterable<[string, JudgeTally]>): void {
  for (const [judge, t] of from)
    addJudgeSpend(into, judge, {
      callId: '',
      requests: t.calls,
      fromCache: 0,
      promptTokens: t.promptTokens,
      completionTokens: 0,
      promptTokensFromCache: 0,
      completionTokensFromCache: 0,
      cachedPromptTokens: t.cachedPromptTokens,
    });
}

/** Prompt-token equivalents not paid thanks to the provider's cache (see the convention above). */
export function cachedSaving(cachedPromptTokens: number, cachedTokenPrice: number): number {
  if (!(cachedTokenPrice >= 0 && cachedTokenPrice <= 1)) throw new RangeError(`cachedTokenPrice must be within [0, 1], got ${cachedTokenPrice}`);
  return cachedPromptTokens * (1 - cachedTokenPrice);
}

/** One row per judge, by name; the share is null when the judge sent no prompt tokens. */
export function judgeSpendRows(spend: JudgeSpend, cachedTokenPrice: number): JudgeSpendRow[] {
  return [...spend.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([judge, t]) => ({
      judge,
      calls: t.calls,
      promptTokens: t.promptTokens,
      cachedPromptTokens: t.cachedPromptTokens,
      cachedShare: t.promptTokens > 0 ? t.cachedPromptTokens / t.promptTokens : null,
      savedPromptTokens: cachedSaving(t.cachedPromptTokens, cachedTokenPrice),
    }));
}
