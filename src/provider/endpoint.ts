// Facts about an endpoint that decide what may be sent to it.
import type { Endpoint } from './types.js';

// GPT-5 family and o-series reject non-default temperature and max_tokens.
const REASONING_MODEL = /^(o\d|gpt-5)/i;

export function isReasoning(ep: Endpoint): boolean {
  if (ep.reasoning !== undefined) return ep.reasoning;
  // Model ids may be namespaced ("openai/gpt-5-mini") behind routers.
  const id = ep.model.split('/').pop() ?? ep.model;
  return REASONING_MODEL.test(id);
}

/** Trailing slashes would make "…/v1" and "…/v1/" two cache keys for one server. */
export function normalizeBaseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Identity of the model behind an endpoint, for remembered adaptations. */
export function modelKey(ep: Endpoint): string {
  return `${normalizeBaseUrl(ep.baseUrl)}\u0000${ep.model}`;
}

/** The key, read only from the named environment variable. */
export function apiKeyOf(ep: Endpoint, env: Record<string, string | undefined>): string | undefined {
  if (!ep.apiKeyEnv) return undefined;
  const v = env[ep.apiKeyEnv];
  return v === undefined || v === '' ? undefined : v;
}

export function validateEndpoint(ep: Endpoint): void {
  if (!ep || typeof ep.name !== 'string' || !ep.name) throw new TypeError('endpoint.name is required');
  if (typeof ep.baseUrl !== 'string' || !/^https?:\/\//.test(ep.baseUrl)) {
    throw new TypeError(`endpoint ${ep.name}: baseUrl must be an http(s) URL`);
  }
  if (typeof ep.model !== 'string' || !ep.model) throw new TypeError(`endpoint ${ep.name}: model is required`);
  if (ep.concurrency !== undefined && !(Number.isInteger(ep.concurrency) && ep.concurrency >= 1)) {
    throw new TypeError(`endpoint ${ep.name}: concurrency must be a positive integer`);
  }
}
