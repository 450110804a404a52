// One OpenAI client per (baseUrl, apiKeyEnv): clients hold connection pools,
// so making one per call would defeat keep-alive at thousands of calls.
import type OpenAI from 'openai';
import { apiKeyOf, normalizeBaseUrl } from './endpoint.js';
import { SdkClient } from './sdk-client.js';
import { wireFetch } from './wire-fetch.js';
import type { Endpoint } from './types.js';

// Local servers (vLLM, Ollama) want no key, but the SDK refuses an empty one.
export const NO_KEY = 'sk-no-key';

export class ClientPool {
  private readonly clients = new Map<string, { client: OpenAI; secret: string | undefined }>();

  constructor(
    private readonly env: Record<string, string | undefined>,
    private readonly timeoutMs: number,
  ) {}

  /** The client for an endpoint and the secret to redact from its errors. */
  get(ep: Endpoint): { client: OpenAI; secret: string | undefined } {
    const baseURL = normalizeBaseUrl(ep.baseUrl);
    const id = `${baseURL}\u0000${ep.apiKeyEnv ?? ''}`;
    let entry = this.clients.get(id);
    if (!entry) {
      const secret = apiKeyOf(ep, this.env);
      // The SDK's own client class, with its per-call header and URL work
      // computed once per client (sdk-client.ts): same bytes on the wire.
      const client = new SdkClient({
        apiKey: secret ?? NO_KEY,
        baseURL,
        // Retries are ours: the SDK's would hold concurrency slots while sleeping
        // and hide attempts from stats and budgets.
        maxRetries: 0,
        timeout: Math.ceil(this.timeoutMs),
        // Chat completions over node:http instead of global fetch (see wire-fetch.ts);
        // the Files and Batch APIs still use global fetch.
        fetch: wireFetch() as unknown as typeof fetch,
      });
      entry = { client, secret };
      this.clients.set(id, entry);
    }
    return entry;
  }
}
