// One network attempt: send, wait (bounded), parse, validate. Every failure
// leaves as a ProviderError.
import type OpenAI from 'openai';
import type { ProviderUsage } from './types.js';
import { classify, ProviderError, redact } from './errors.js';
import { postChat } from './chat-http.js';
import type { HeaderSource } from './retry.js';
import { isWireFetch } from './wire-fetch.js';

/**
 * How a chat completion travels. `sdk` (the default) is the openai client's
 * own create(); `node-http` posts the same body on a keep-alive node:http
 * agent under the same client's settings and error classes — it saves the
 * SDK's per-call fetch machinery (≈0.4 ms of CPU a call, see bench/RESULTS.md),
 * which only matters when a fast local server answers hundreds of calls a second.
 */
export type Transport = 'sdk' | 'node-http';

export interface AttemptOutcome {
  content: string;
  usage: ProviderUsage | null;
  finishReason: string | null;
  /** The message's `refusal` field (OpenAI safety refusals), when the server set one. */
  refusal?: string;
  latencyMs: number;
}

function usageOf(raw: unknown): ProviderUsage | null {
  if (!raw || typeof raw !== 'object') return null;
  const u = raw as Record<string, unknown>;
  const prompt = typeof u.prompt_tokens === 'number' ? u.prompt_tokens : 0;
  const completion = typeof u.completion_tokens === 'number' ? u.completion_tokens : 0;
  const total = typeof u.total_tokens === 'number' ? u.total_tokens : prompt + completion;
  // Prompt tokens the provider served from its prefix cache; absent when not reported
  // (never guessed as 0: "not reported" and "no hit" differ).
  const details = u.prompt_tokens_details as Record<string, unknown> | null | undefined;
  const cached = details && typeof details === 'object' && typeof details.cached_tokens === 'number' ? details.cached_tokens : undefined;
  return cached === undefined ? { prompt, completion, total } : { prompt, completion, total, cached };
}

/** Pull the answer out of a completion body, or say why it is not one. */
export function parseCompletion(data: unknown): Omit<AttemptOutcome, 'latencyMs'> {
  if (!data || typeof data !== 'object') {
    throw new ProviderError({ kind: 'malformed', retryable: true, message: 'response body is not a JSON object' });
  }
  const choices = (data as { choices?: unknown }).choices;
  const first = Array.isArray(choices) ? (choices[0] as Record<string, unknown> | undefined) : undefined;
  const message = first?.message as Record<string, unknown> | undefined;
  if (!first || !message || typeof message !== 'object') {
    throw new ProviderError({ kind: 'malformed', retryable: true, message: 'response has no choices[0].message' });
  }
  const content = message.content;
  if (content !== null && content !== undefined && typeof content !== 'string') {
    throw new ProviderError({ kind: 'malformed', retryable: true, message: 'choices[0].message.content is not a string' });
  }
  return {
    // null content is legitimate (e.g. a reasoning model spent all tokens thinking);
    // the finish reason tells the caller why it is empty.
    content: content ?? '',
    usage: usageOf((data as { usage?: unknown }).usage),
    finishReason: typeof first.finish_reason === 'string' ? first.finish_reason : null,
    ...(typeof message.refusal === 'string' && message.refusal !== '' ? { refusal: message.refusal } : {}),
  };
}

export async function attemptOnce(
  client: OpenAI,
  body: Record<string, unknown>,
  timeoutMs: number,
  secret: string | undefined,
  transport: Transport = 'sdk',
  /** Sees the reply's headers (of an error reply too): the pacer reads its rate limits there. */
  onHeaders?: (headers: HeaderSource) => void,
): Promise<AttemptOutcome> {
  const start = performance.now();
  // Both deadlines cover the whole exchange, so a server that stalls while
  // sending the body times out too. The SDK's own timeout stops when its
  // fetch resolves, which for wireFetch is after the body: no second
  // AbortController and timer per call are needed then.
  const sdk = transport === 'sdk';
  const deadline = sdk && !isWireFetch((client as unknown as { fetch: unknown }).fetch) ? new AbortController() : null;
  const timer = deadline ? setTimeout(() => deadline.abort(), timeoutMs) : null;
  try {
    let data: unknown;
    if (sdk) {
      const call = client.chat.completions.create(body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, {
        timeout: Math.ceil(timeoutMs),
        maxRetries: 0,
        ...(deadline ? { signal: deadline.signal } : {}),
      });
      if (onHeaders) {
        const { data: d, response } = await call.withResponse();
        onHeaders(response.headers);
        data = d;
      } else data = await call;
    } else data = await postChat(client, body, timeoutMs, onHeaders);
    const parsed = parseCompletion(data);
    const latencyMs = performance.now() - start;
    // A proxy that echoes the Authorization header must not get the key into
    // results or the cache.
    return { ...parsed, content: redact(parsed.content, secret), latencyMs };
  } catch (err) {
    const h = (err as { headers?: unknown } | null)?.headers as HeaderSource | undefined;
    if (onHeaders && h && typeof h.get === 'function') onHeaders(h);
    throw classify(err, secret, deadline?.signal.aborted ?? false);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
