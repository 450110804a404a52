// One judge question, asked through the provider and re-asked a bounded number
// of times when the reply cannot be used: cut off, filtered, refused, empty or
// unreadable. A reply that is never usable becomes a recorded failure of its
// own kind, never a made-up value, and is marked in the cache so no later run
// replays it.
import type { LlmJudge } from './judges.js';
import type { ChatMessage, ChatRequest, ChatResult, ContentPart, Endpoint } from '../provider/types.js';
import type { Failure, SentParams, Spend, Usage } from '../core/records.js';
import { isTruncatedJson } from './parsers/json-extract.js';
import type { Provider } from '../provider/index.js';
import { BudgetStop, DiskError, UnfitRunError } from '../core/errors.js';
import { canonicalSha256, isBudgetError, noteHashPrefix, providerErrorMessage } from '../provider/index.js';
import { addHits, type AnonymityGuard, type AnonymityHits, type SampleWords } from './protocol/anonymity.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string /** re-ask text */; retry?: string };

export interface Asked<T> {
  value: T | null;
  failure?: Failure;
  raw: string[];
  attempts: number;
  usage: Usage | null;
  latencyMs: number | null;
  sent: SentParams | null;
  /** What the question cost: requests sent, replies replayed, tokens of each. */
  spend: Spend;
  /** Identifying terms found in the rendered prompt before it was sent (see protocol/anonymity.ts). */
  anonymity?: AnonymityHits;
}

export { BudgetStop };

/**
 * What judging needs from the run: the provider every call goes through and
 * the run's switches. The pipeline's StageContext is one; tests pass a stub.
 */
export interface JudgeContext {
  provider: Pick<Provider, 'chat' | 'isCached'> & Partial<Pick<Provider, 'distrust' | 'requestHash'>>;
  noCache: boolean;
  judgeOverrides: JudgeOverrides;
  /** Where judge frames are cached, and what relative clip paths resolve against. */
  frames: { cacheDir: string; datasetRoot: string };
  /** Set by --dry-run: judge calls are tallied here instead of made, and no record is written. */
  dryRun?: DryRunTally;
  /** Set in batch mode's collection pass: first-attempt requests are handed here instead of sent. */
  collect?: (req: ChatRequest) => void | Promise<void>;
  /** Scans every rendered prompt for model identities before it is sent. */
  anonymity?: AnonymityGuard;
  /**
   * Hears the cost of a question cut off by a stop (budget, endpoint down, a
   * Retry-After too long) after some of its requests went out: no record will
   * carry it, yet it was paid for, so the run keeps it apart (pipeline/unrecorded.ts).
   */
  unrecorded?: (by: { judge?: string; model?: string }, spend: Spend) => void;
}

export interface JudgeOverrides {
  baseUrl?: string;
  apiKeyEnv?: string;
}

export function judgeEndpoint(judge: LlmJudge, overrides: JudgeOverrides = {}): Endpoint {
  return {
    name: `judge:${judge.name}`,
    baseUrl: overrides.baseUrl ?? judge.baseUrl,
    model: judge.model,
    apiKeyEnv: overrides.apiKeyEnv ?? judge.apiKeyEnv,
    ...(judge.concurrency ? { concurrency: judge.concurrency } : {}),
    ...(judge.reasoning ? { reasoning: true } : {}),
    structuredOutput: judge.structuredOutput,
  };
}

export function judgeParams(judge: LlmJudge, maxTokens?: number): Record<string, unknown> {
  return {
    ...(judge.temperature !== undefined ? { temperature: judge.temperature } : {}),
    max_tokens: maxTokens ?? judge.maxTokens,
  };
}

export interface Question<T> {
  judge: LlmJudge;
  system?: string;
  /**
   * Text sent before the scene: the instructions and rubric, the same for
   * every sample of a rubric, so a provider's prefix cache can reuse them.
   */
  lead?: string;
  prompt: string;
  scene: ContentPart[];
  /** Distinguishes independent draws (round, order) in the cache key. */
  key: string;
  parse: (reply: string) => Parsed<T>;
  maxRetries: number;
  responseFormat?: Record<string, unknown>;
  /** Read no cached reply for this question (re-judging failures must not replay them); a trustworthy new reply is still cached. */
  refresh?: boolean;
  /** The rubric's completion budget, when it sets one (EBM-RL pairwise: 1024). */
  maxTokens?: number;
  /** The sample judged: the anonymity guard leaves the words of its own text alone. */
  sample?: SampleWords;
}

function addUsage(a: Usage | null, b: Usage | null): Usage | null {
  if (!a) return b;
  if (!b) return a;
  return { prompt: a.prompt + b.prompt, completion: a.completion + b.completion, total: a.total + b.total };
}

/** The messages of the first attempt (what --dry-run counts and the cache keys). */
export function firstMessages(q: Pick<Question<unknown>, 'system' | 'lead' | 'prompt' | 'scene'>): ChatMessage[] {
  // Shared text first, then the frames, then the sample (see rubrics/render.ts):
  // requests of one rubric start with the same bytes.
  const content: ChatMessage['content'] = q.scene.length
    ? [...(q.lead ? [{ type: 'text' as const, text: q.lead }] : []), ...q.scene, { type: 'text', text: q.prompt }]
    : q.lead
      ? `${q.lead}\n\n${q.prompt}`
      : q.prompt;
  return [...(q.system ? [{ role: 'system' as const, content: q.system }] : []), { role: 'user', content }];
}

/** What --dry-run adds up instead of calling: first attempts only (re-asks cannot be foreseen). */
export interface DryRunTally {
  calls: number;
  cached: number;
  promptTokens: number;
  completionTokens: number;
  /** Hashes of the requests already counted (identical ones are answered once). */
  seen?: Set<string>;
}

// Rough token costs: ~4 characters a token; an image at low detail is 85
// tokens, at higher detail one 512-px tile (255).
function estimateTokens(messages: ChatMessage[]): number {
  let chars = 0;
  let tokens = 0;
  for (const m of messages) {
    if (typeof m.content === 'string') chars += m.content.length;
    else
      for (const p of m.content) {
        if (p.type === 'text') chars += p.text.length;
        else if (p.type === 'image_url') tokens += p.image_url.detail === 'low' ? 85 : 255;
      }
  }
  return tokens + Math.ceil(chars / 4);
}

export async function ask<T>(ctx: JudgeContext, q: Question<T>, overrides: JudgeOverrides = {}): Promise<Asked<T>> {
  const endpoint = judgeEndpoint(q.judge, overrides);
  const params = judgeParams(q.judge, q.maxTokens);
  // Scanned before anything else uses the text: dry runs, batch lines and
  // cache keys all see the prompt exactly as the judge will.
  const { question: seen, hits } = guard(ctx.anonymity, q);
  q = seen;
  // Every prompt of this rubric begins with the lead: its call id and request
  // hash resume from the lead's hash state (same hashes, see provider/hash.ts).
  if (q.lead) noteHashPrefix(q.lead);
  const messages = firstMessages(q);
  const out: Asked<T> = {
    value: null,
    raw: [],
    attempts: 0,
    usage: null,
    latencyMs: null,
    sent: null,
    spend: emptySpend(callIdOf(endpoint, q.key, messages)),
    ...(hits ? { anonymity: hits } : {}),
  };
  if (ctx.dryRun || ctx.collect) {
    const req = {
      endpoint,
      messages,
      params,
      key: `${q.key}:attempt0`,
      noCache: ctx.noCache,
      ...(q.refresh ? { refresh: true } : {}),
      ...(q.responseFormat && q.judge.structuredOutput ? { responseFormat: q.responseFormat } : {}),
    };
    const tally = ctx.dryRun;
    // Identical requests are answered once (the cache, or the twin in flight): counted once.
    const hash = tally && ctx.provider.requestHash ? ctx.provider.requestHash(req) : null;
    if (ctx.collect) await ctx.collect(req);
    else if (hash !== null && tally!.seen?.has(hash)) tally!.cached++;
    else if (!req.noCache && !req.refresh && (await ctx.provider.isCached(req))) ctx.dryRun!.cached++;
    else {
      if (hash !== null) (tally!.seen ??= new Set()).add(hash);
      ctx.dryRun!.calls++;
      ctx.dryRun!.promptTokens += estimateTokens(messages);
      ctx.dryRun!.completionTokens += q.maxTokens ?? q.judge.maxTokens;
    }
    out.failure = { kind: 'error', message: 'not asked (dry run or batch collection)' };
    return out;
  }
  let lastFailure: Failure = { kind: 'parse', message: 'no reply' };
  let tokens = params.max_tokens as number | undefined;
  for (let attempt = 0; attempt <= q.maxRetries; attempt++) {
    let res;
    try {
      res = await ctx.provider.chat({
        endpoint,
        messages,
        params: tokens === undefined ? params : { ...params, max_tokens: tokens },
        key: `${q.key}:attempt${attempt}`,
        noCache: ctx.noCache,
        ...(q.refresh ? { refresh: true } : {}),
        ...(q.responseFormat && q.judge.structuredOutput ? { responseFormat: q.responseFormat } : {}),
      });
    } catch (err) {
      if (isBudgetError(err) || err instanceof UnfitRunError) {
        // Stopped mid-question: what it already sent is counted apart, since no record will hold it.
        out.spend.requests += (err as { attempts?: number }).attempts ?? 0;
        reportUnrecorded(ctx, q.judge.name, out.spend);
        throw isBudgetError(err) ? new BudgetStop() : err;
      }
      // A disk the user must fix ends the command; it says nothing about the judge.
      if (err instanceof DiskError) throw err;
      // What a give-up cost is on the error: those requests were really sent.
      out.spend.requests += (err as { attempts?: number }).attempts ?? 0;
      out.failure = { kind: 'error', message: providerErrorMessage(err) };
      return out;
    }
    out.attempts++;
    out.raw.push(res.content);
    out.usage = addUsage(out.usage, res.usage);
    out.latencyMs = (out.latencyMs ?? 0) + res.latencyMs;
    // Recorded with what was sent, so every judgment and comparison carries it into the report.
    out.sent = hits ? { ...res.sent, anonymity: hits } : res.sent;
    addSpend(out.spend, res);
    // A reply that did not end normally is never read: a cut-off "score": 8
    // may have been going to be 85.
    const untrusted = untrustedReply(res);
    if (untrusted) {
      lastFailure = untrusted;
      await ctx.provider.distrust?.(res.requestHash);
      // Cut off by the limit: ask afresh with room to finish; else simply ask again.
      if (untrusted.kind === 'truncated' && tokens !== undefined) tokens *= 2;
      continue;
    }
    const parsed = q.parse(res.content);
    if (parsed.ok) {
      out.value = parsed.value;
      delete out.failure;
      return out;
    }
    lastFailure = { kind: isTruncatedJson(res.content) ? 'truncated' : 'parse', message: parsed.error };
    // Unreadable replies must not be replayed to a later run (the judge may be fixed by then).
    await ctx.provider.distrust?.(res.requestHash);
    // Re-ask in the same conversation, so the judge can correct its own reply.
    messages.push({ role: 'assistant', content: res.content });
    messages.push({ role: 'user', content: parsed.retry ?? `Your reply could not be read (${parsed.error}). Answer again in the required format.` });
  }
  out.failure = lastFailure;
  return out;
}

/** Why a reply cannot be used at all, whatever it says; null when it ended normally. */
export function untrustedReply(res: Pick<ChatResult, 'finishReason' | 'refusal' | 'content'>): Failure | null {
  if (res.finishReason === 'length') return { kind: 'truncated', message: 'reply cut off by the token limit (finish_reason "length")' };
  if (res.finishReason !== null && res.finishReason !== 'stop') return { kind: 'filtered', message: `reply ended with finish_reason "${res.finishReason}"` };
  if (res.refusal !== undefined) return { kind: 'refused', message: `judge refused: ${res.refusal.slice(0, 200)}` };
  if (res.content.trim() === '') return { kind: 'refused', message: 'empty reply' };
  return null;
}

function addSpend(s: Spend, res: Pick<ChatResult, 'cached' | 'attempts' | 'usage' | 'batch'>): void {
  // A batch answer is read from the cache but was bought by this run: one call.
  if (res.cached && !res.batch) {
    s.fromCache++;
    s.promptTokensFromCache += res.usage?.prompt ?? 0;
    s.completionTokensFromCache += res.usage?.completion ?? 0;
  } else {
    s.requests += res.batch ? 1 : res.attempts;
    s.promptTokens += res.usage?.prompt ?? 0;
    s.completionTokens += res.usage?.completion ?? 0;
    // Once per network reply, as the server reported it (absent: not reported, never guessed).
    const cached = (res.usage as { cached?: number } | null)?.cached;
    if (cached !== undefined) s.cachedPromptTokens = (s.cachedPromptTokens ?? 0) + cached;
  }
}

/** Hand the sent part of a cut-off question's cost to the run (replays cost nothing: left out). */
export function reportUnrecorded(ctx: Pick<JudgeContext, 'unrecorded'>, judge: string, s: Spend): void {
  if (!ctx.unrecorded || (s.requests === 0 && s.promptTokens === 0 && s.completionTokens === 0)) return;
  ctx.unrecorded(
    { judge },
    {
      ...s,
      fromCache: 0,
      promptTokensFromCache: 0,
      completionTokensFromCache: 0,
    },
  );
}

/** A question's id: its judge, key and first messages (shared by the cells it fills). */
export function callIdOf(endpoint: Endpoint, key: string, messages: ChatMessage[]): string {
  // sha256 of canonicalJson(...), fed piece by piece: the prompt is not copied into one more string.
  return canonicalSha256({ model: endpoint.model, key, messages }).slice(0, 16);
}

export function emptySpend(callId: string): Spend {
  return { callId, requests: 0, fromCache: 0, promptTokens: 0, completionTokens: 0, promptTokensFromCache: 0, completionTokensFromCache: 0 };
}

function guard<T>(g: AnonymityGuard | undefined, q: Question<T>): { question: Question<T>; hits: AnonymityHits | null } {
  if (!g) return { question: q, hits: null };
  const masked = g.mode === 'mask';
  const prompt = g.scan(q.prompt, q.sample ? g.exemptIn(q.sample) : undefined);
  let hits = addHits(null, prompt.found, masked);
  let system = q.system;
  if (system !== undefined) {
    const s = g.scanShared(system);
    hits = addHits(hits, s.found, masked);
    system = s.text;
  }
  let lead = q.lead;
  if (lead !== undefined) {
    const l = g.scanShared(lead);
    hits = addHits(hits, l.found, masked);
    lead = l.text;
  }
  if (!hits) return { question: q, hits: null };
  return { question: { ...q, prompt: prompt.text, ...(system !== undefined ? { system } : {}), ...(lead !== undefined ? { lead } : {}) }, hits };
}
