// Batch API input: one JSONL line per request, grouped by who answers it and
// split so every file stays inside the provider's per-file limits.
import { normalizeBaseUrl } from '../../provider/endpoint.js';
import type { Provider } from '../../provider/provider.js';
import type { ChatRequest, Endpoint } from '../../provider/types.js';
import type { SentParams } from '../../core/records.js';

export const CHAT_URL = '/v1/chat/completions';

export interface FileLimits {
  /** Requests per input file (OpenAI: 50,000). */
  maxRequests: number;
  /** Bytes per input file (OpenAI: 200 MB). */
  maxBytes: number;
}

export const OPENAI_LIMITS: FileLimits = { maxRequests: 50_000, maxBytes: 200 * 1024 * 1024 };

export interface BatchLine {
  customId: string;
  /** The JSONL line, newline included. */
  text: string;
  bytes: number;
  sent: SentParams;
}

/** Requests that one batch may hold: same server, same key, same model. */
export interface LineGroup {
  key: string;
  endpoint: Endpoint;
  lines: BatchLine[];
}

export function lineOf(provider: Provider, req: ChatRequest): BatchLine {
  const { customId, body, sent } = provider.batchLine(req);
  const text = `${JSON.stringify({ custom_id: customId, method: 'POST', url: CHAT_URL, body })}\n`;
  return { customId, text, bytes: Buffer.byteLength(text), sent };
}

/**
 * Grouped by endpoint (baseUrl + apiKeyEnv, i.e. one account) and model:
 * the Batch API takes one model per input file.
 */
export function groupLines(provider: Provider, requests: ChatRequest[]): LineGroup[] {
  const groups = new Map<string, LineGroup>();
  for (const req of requests) {
    const ep = req.endpoint;
    const key = [normalizeBaseUrl(ep.baseUrl), ep.apiKeyEnv ?? '', ep.model].join('\u0000');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, endpoint: ep, lines: [] }));
    g.lines.push(lineOf(provider, req));
  }
  return [...groups.values()];
}

/**
 * Consecutive chunks within both limits. A line that alone exceeds maxBytes
 * cannot be batched at all: it is returned apart and is asked online.
 */
export function splitLines(lines: BatchLine[], limits: FileLimits): { files: BatchLine[][]; tooLarge: BatchLine[] } {
  if (!(limits.maxRequests >= 1) || !(limits.maxBytes >= 1)) throw new RangeError('batch file limits must be positive');
  const files: BatchLine[][] = [];
  const tooLarge: BatchLine[] = [];
  let cur: BatchLine[] = [];
  let bytes = 0;
  for (const line of lines) {
    if (line.bytes > limits.maxBytes) {
      tooLarge.push(line);
      continue;
    }
    if (cur.length >= limits.maxRequests || bytes + line.bytes > limits.maxBytes) {
      files.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(line);
    bytes += line.bytes;
  }
  if (cur.length) files.push(cur);
  return { files, tooLarge };
}
