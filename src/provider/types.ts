// Request/result shapes of the provider layer. Kept apart from src/types.ts
// because they describe wire traffic, not records written to a run directory.
import type { SentParams, Usage } from '../core/records.js';

/** Token usage of one reply; `cached` is usage.prompt_tokens_details.cached_tokens when the server reports it. */
export interface ProviderUsage extends Usage {
  /** Prompt tokens served from the provider's prefix cache (part of `prompt`). */
  cached?: number;
}

/** One OpenAI-compatible model server and the model to ask there. */
export interface Endpoint {
  /** Human name used in logs, stats and per-endpoint limits ("judge-gpt5"). */
  name: string;
  /** e.g. "https://api.openai.com/v1" or "http://127.0.0.1:8000/v1". */
  baseUrl: string;
  model: string;
  /** Name of the environment variable holding the key; never the key itself. */
  apiKeyEnv?: string;
  /** Max in-flight requests to this endpoint (on top of the global limit). */
  concurrency?: number;
  timeoutMs?: number;
  /** Reasoning-model rules; auto-detected from the model id when undefined. */
  reasoning?: boolean;
  /** Send response_format json_schema when the request carries a schema. */
  structuredOutput?: boolean;
}

export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' } }
  // vLLM / Qwen-VL style clip input; not in the OpenAI types, hence our own union.
  | { type: 'video_url'; video_url: { url: string } };

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'developer';
  content: string | ContentPart[];
  name?: string;
}

export interface ChatParams {
  temperature?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  top_p?: number;
  seed?: number;
  stop?: string | string[];
  [k: string]: unknown;
}

export interface ChatRequest {
  endpoint: Endpoint;
  messages: ChatMessage[];
  params: ChatParams;
  /** JSON schema of the expected reply (title, if any, names it). */
  responseFormat?: Record<string, unknown>;
  /** Sample/round key: part of the cache key so rounds stay independent draws. */
  key: string;
  /** --no-cache: the cache is neither read nor written. */
  noCache?: boolean;
  /**
   * Redoing a failure: no cached reply is read (it may be what failed), but a
   * trustworthy reply is written, so work paid for survives a kill of the redo.
   */
  refresh?: boolean;
}

export interface ChatResult {
  content: string;
  usage: ProviderUsage | null;
  /** Network attempt start to body parsed; 0 when served from cache. */
  latencyMs: number;
  cached: boolean;
  requestHash: string;
  sent: SentParams;
  finishReason: string | null;
  /** The message's `refusal` field, when the server refused (never cached). */
  refusal?: string;
  /** Set on the first read of a batch answer this process ingested: cached, but paid for by this run (one call). */
  batch?: true;
  /** Network attempts made for this result (0 when cached). */
  attempts: number;
}

export interface Budget {
  /** Max network attempts over the Provider's life. */
  maxCalls?: number;
  /** Max prompt+completion tokens over the Provider's life. */
  maxTokens?: number;
}

/** What the onCall hook sees after every network attempt. Never holds the key. */
export interface CallInfo {
  endpoint: string;
  model: string;
  requestHash: string;
  attempt: number;
  ok: boolean;
  latencyMs: number;
  status?: number;
  errorKind?: string;
  usage?: ProviderUsage | null;
}

export interface ProviderOptions {
  /** Global max in-flight requests (default 16). */
  concurrency?: number;
  /** Directory of the response cache; null disables caching. */
  cacheDir?: string | null;
  timeoutMs?: number;
  /** Retries after the first attempt (default 5). */
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Longest Retry-After we agree to wait (default 120 s). */
  maxRetryAfterMs?: number;
  /** Seed for backoff jitter; Math.random when absent. */
  seed?: number;
  /** Full jitter on backoff (default true). */
  jitter?: boolean;
  budget?: Budget;
  /** Circuit breaker per endpoint (see breaker.ts); absent or 0: off. */
  breaker?: { consecutiveFailures: number };
  /**
   * Pace each endpoint by the rate-limit headers and 429s it sends (default
   * true); `concurrency` is then only a ceiling. See pacer.ts.
   */
  pacing?: boolean;
  /** How chat completions travel (default `sdk`: the openai client's create()). */
  transport?: 'sdk' | 'node-http';
  env?: Record<string, string | undefined>;
  /**
   * Run network attempts on a worker thread (attempt-thread.ts); default:
   * the env's ROLEJUDGE_PROVIDER_THREAD=1. A measured prototype, not the default.
   */
  thread?: boolean;
  /**
   * From its first call until close(), hold V8's old generation to this growth percentage
   * (core/heap.ts); absent: V8's own. The pipeline sets it for its stages.
   */
  heapGrowingPercent?: number;
  onCall?: (info: CallInfo) => void;
}

export interface ProviderStats {
  /** Network attempts, plus the first read of each batch answer this run paid for (one call per answered batch line). */
  calls: number;
  cacheHits: number;
  retries: number;
  /** chat() calls that ended in an error. */
  errors: number;
  promptTokens: number;
  /** Prompt tokens the servers reported as served from their prefix cache (part of promptTokens). */
  cachedPromptTokens: number;
  completionTokens: number;
  latencyMsTotal: number;
}
