// One network attempt: send, wait (bounded), parse, validate. Every failure
// leaves as a ProviderError.
import type OpenAI from 'openai';
import type { Usage } from '../types.js';
import { classify, ProviderError, redact } from './errors.js';
import { postChat } from './chat-http.js';

export interface AttemptOutcome {
  content: string;
  usage: Usage | null;
  finishReason: string | null;
  latencyMs: number;
}

function usageOf(raw: unknown): Usage | null {
  if (!raw || typeof raw !== 'object') return null;
  const u = raw as Record<string, unknown>;
  const prompt = typeof u.prompt_tokens === 'number' ? u.prompt_tokens : 0;
  const completion = typeof u.completion_tokens === 'number' ? u.completion_tokens : 0;
  const total = typeof u.total_tokens === 'number' ? u.total_tokens : prompt + completion;
  return { prompt, completion, total };
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
  };
}

export async function attemptOnce(
  client: OpenAI,
  body: Record<string, unknown>,
  timeoutMs: number,
  secret: string | undefined,
): Promise<AttemptOutcome> {
  const start = performance.now();
  try {
    // The deadline covers the whole exchange, so a server that stalls while
    // sending the body times out too.
    const data = await postChat(client, body, timeoutMs);
    const parsed = parseCompletion(data);
    const latencyMs = performance.now() - start;
    // A proxy that echoes the Authorization header must not get the key into
    // results or the cache.
    return { ...parsed, content: redact(parsed.content, secret), latencyMs };
  } catch (err) {
    throw classify(err, secret);
  }
}
