// One judge question, asked through the provider and re-asked a bounded number
// of times when the reply does not parse. A reply that never parses becomes a
// recorded failure, never a made-up value.
import type { LlmJudge } from './judges.js';
import type { ChatMessage, ChatRequest, ContentPart, Endpoint } from '../provider/types.js';
import type { Failure, SentParams, Usage } from '../core/records.js';
import type { Provider } from '../provider/index.js';
import { BudgetStop, DiskError, UnfitRunError } from '../core/errors.js';
import { isBudgetError, providerErrorMessage } from '../provider/index.js';
import { addHits, type AnonymityGuard, type AnonymityHits } from './protocol/anonymity.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string; /** re-ask text */ retry?: string };

export interface Asked<T> {
  value: T | null;
  failure?: Failure;
  raw: string[];
  attempts: number;
  usage: Usage | null;
  latencyMs: number | null;
  sent: SentParams | null;
  /** Identifying terms found in the rendered prompt before it was sent (see protocol/anonymity.ts). */
  anonymity?: AnonymityHits;
}

export { BudgetStop };

/**
 * What judging needs from the run: the provider every call goes through and
 * the run's switches. The pipeline's StageContext is one; tests pass a stub.
 */
export interface JudgeContext {
  provider: Pick<Provider, 'chat' | 'isCached'>;
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

export function judgeParams(judge: LlmJudge): Record<string, unknown> {
  return {
    ...(judge.temperature !== undefined ? { temperature: judge.temperature } : {}),
    max_tokens: judge.maxTokens,
  };
}

export interface Question<T> {
  judge: LlmJudge;
  system?: string;
  prompt: string;
  scene: ContentPart[];
  /** Distinguishes independent draws (round, order) in the cache key. */
  key: string;
  parse: (reply: string) => Parsed<T>;
  maxRetries: number;
  responseFormat?: Record<string, unknown>;
  /** Bypass the cache for this question (re-judging failures must not replay them). */
  noCache?: boolean;
}

function addUsage(a: Usage | null, b: Usage | null): Usage | null {
  if (!a) return b;
  if (!b) return a;
  return { prompt: a.prompt + b.prompt, completion: a.completion + b.completion, total: a.total + b.total };
}

/** The messages of the first attempt (what --dry-run counts and the cache keys). */
export function firstMessages(q: Pick<Question<unknown>, 'system' | 'prompt' | 'scene'>): ChatMessage[] {
  const content: ChatMessage['content'] = q.scene.length ? [...q.scene, { type: 'text', text: q.prompt }] : q.prompt;
  return [...(q.system ? [{ role: 'system' as const, content: q.system }] : []), { role: 'user', content }];
}

/** What --dry-run adds up instead of calling: first attempts only (re-asks cannot be foreseen). */
export interface DryRunTally {
  calls: number;
  cached: number;
  promptTokens: number;
  completionTokens: number;
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
  const params = judgeParams(q.judge);
  // Scanned before anything else uses the text: dry runs, batch lines and
  // cache keys all see the prompt exactly as the judge will.
  const { question: seen, hits } = guard(ctx.anonymity, q);
  q = seen;
  const messages = firstMessages(q);
  const out: Asked<T> = { value: null, raw: [], attempts: 0, usage: null, latencyMs: null, sent: null, ...(hits ? { anonymity: hits } : {}) };
  if (ctx.dryRun || ctx.collect) {
    const req = {
      endpoint,
      messages,
      params,
      key: `${q.key}:attempt0`,
      noCache: ctx.noCache || Boolean(q.noCache),
      ...(q.responseFormat && q.judge.structuredOutput ? { responseFormat: q.responseFormat } : {}),
    };
    if (ctx.collect) await ctx.collect(req);
    else if (!req.noCache && (await ctx.provider.isCached(req))) ctx.dryRun!.cached++;
    else {
      ctx.dryRun!.calls++;
      ctx.dryRun!.promptTokens += estimateTokens(messages);
      ctx.dryRun!.completionTokens += q.judge.maxTokens;
    }
    out.failure = { kind: 'error', message: 'not asked (dry run or batch collection)' };
    return out;
  }
  let lastError = '';
  for (let attempt = 0; attempt <= q.maxRetries; attempt++) {
    let res;
    try {
      res = await ctx.provider.chat({
        endpoint,
        messages,
        params,
        key: `${q.key}:attempt${attempt}`,
        noCache: ctx.noCache || Boolean(q.noCache),
        ...(q.responseFormat && q.judge.structuredOutput ? { responseFormat: q.responseFormat } : {}),
      });
    } catch (err) {
      if (isBudgetError(err)) throw new BudgetStop();
      // A disk the user must fix ends the command; it says nothing about the judge.
      if (err instanceof DiskError || err instanceof UnfitRunError) throw err;
      out.failure = { kind: 'error', message: providerErrorMessage(err) };
      return out;
    }
    out.attempts++;
    out.raw.push(res.content);
    out.usage = addUsage(out.usage, res.usage);
    out.latencyMs = (out.latencyMs ?? 0) + res.latencyMs;
    // Recorded with what was sent, so every judgment and comparison carries it into the report.
    out.sent = hits ? { ...res.sent, anonymity: hits } : res.sent;
    const parsed = q.parse(res.content);
    if (parsed.ok) {
      out.value = parsed.value;
      delete out.failure;
      return out;
    }
    lastError = parsed.error;
    // Re-ask in the same conversation, so the judge can correct its own reply.
    messages.push({ role: 'assistant', content: res.content });
    messages.push({ role: 'user', content: parsed.retry ?? `Your reply could not be read (${parsed.error}). Answer again in the required format.` });
  }
  out.failure = { kind: 'parse', message: lastError };
  return out;
}

function guard<T>(g: AnonymityGuard | undefined, q: Question<T>): { question: Question<T>; hits: AnonymityHits | null } {
  if (!g) return { question: q, hits: null };
  const masked = g.mode === 'mask';
  const prompt = g.scan(q.prompt);
  let hits = addHits(null, prompt.found, masked);
  let system = q.system;
  if (system !== undefined) {
    const s = g.scan(system);
    hits = addHits(hits, s.found, masked);
    system = s.text;
  }
  if (!hits) return { question: q, hits: null };
  return { question: { ...q, prompt: prompt.text, ...(system !== undefined ? { system } : {}) }, hits };
}
