// What is actually put on the wire for a request, after the model's rules.
import type { SentParams } from '../core/records.js';
import { isReasoning } from './endpoint.js';
import type { ProviderError } from './errors.js';
import type { ChatParams, ChatRequest, Endpoint } from './types.js';

/** Parameters a server told us it does not take, remembered per model. */
export interface Adaptation {
  dropped: Set<string>;
  maxCompletionTokens: boolean;
}

export function emptyAdaptation(): Adaptation {
  return { dropped: new Set(), maxCompletionTokens: false };
}

function renameMaxTokens(p: ChatParams): void {
  if (p.max_tokens === undefined) return;
  if (p.max_completion_tokens === undefined) p.max_completion_tokens = p.max_tokens;
  delete p.max_tokens;
}

/**
 * Params after the rules known before any call (reasoning models). This,
 * not the adaptively learned form, goes into the cache key: otherwise a rerun
 * would miss the cache until it had re-learned the adaptation over the network.
 */
export function staticParams(ep: Endpoint, params: ChatParams): ChatParams {
  const p: ChatParams = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined) p[k] = v;
  if (isReasoning(ep)) {
    if (p.temperature !== undefined && p.temperature !== 1) delete p.temperature;
    renameMaxTokens(p);
  }
  return p;
}

export function applyAdaptation(params: ChatParams, a: Adaptation | undefined): ChatParams {
  if (!a) return params;
  const p = { ...params };
  for (const k of a.dropped) delete p[k];
  if (a.maxCompletionTokens) renameMaxTokens(p);
  return p;
}

export interface JsonSchemaFormat {
  type: 'json_schema';
  json_schema: { name: string; schema: Record<string, unknown>; strict: true };
}

export function responseFormatOf(req: ChatRequest): JsonSchemaFormat | undefined {
  if (!req.responseFormat || !req.endpoint.structuredOutput) return undefined;
  const title = typeof req.responseFormat.title === 'string' ? req.responseFormat.title : '';
  // OpenAI requires ^[a-zA-Z0-9_-]{1,64}$ for the name.
  const name = title.replace(/[^a-zA-Z0-9_-]+/g, '_').slice(0, 64) || 'response';
  return { type: 'json_schema', json_schema: { name, schema: req.responseFormat, strict: true } };
}

export function sentOf(model: string, params: ChatParams, rf: JsonSchemaFormat | undefined): SentParams {
  const sent: SentParams = { model, ...params };
  if (rf) sent.response_format = `json_schema:${rf.json_schema.name}`;
  return sent;
}

// Sampling knobs that can be left out without changing what is asked.
const DROPPABLE = ['temperature', 'top_p', 'presence_penalty', 'frequency_penalty', 'logit_bias', 'logprobs', 'top_logprobs'];

/**
 * When a 400 says a parameter we sent is unsupported, the change that makes
 * the request acceptable, or null. Only "unsupported" wording counts: a 400
 * about a value out of range must not silently drop the parameter.
 */
export function adaptationFor(err: ProviderError, sent: ChatParams, current: Adaptation): Adaptation | null {
  if (err.kind !== 'http' || err.status !== 400) return null;
  const text = err.message.toLowerCase();
  if (!/unsupported|not supported|does not support|not allowed|unrecognized|unknown (parameter|field)/.test(text)) return null;
  const names = (n: string) => err.param === n || new RegExp(`\\b${n}\\b`).test(text);
  if (sent.max_tokens !== undefined && !current.maxCompletionTokens && names('max_tokens')) {
    return { dropped: new Set(current.dropped), maxCompletionTokens: true };
  }
  for (const k of DROPPABLE) {
    if (sent[k] !== undefined && !current.dropped.has(k) && names(k)) {
      return { dropped: new Set([...current.dropped, k]), maxCompletionTokens: current.maxCompletionTokens };
    }
  }
  return null;
}
