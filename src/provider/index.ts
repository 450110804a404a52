// Public surface of the provider layer.
export { Provider } from './provider.js';
export { ProviderError, isBudgetError, providerErrorMessage, type ProviderErrorKind } from './errors.js';
export { requestHash, canonicalJson, canonicalSha256, noteHashPrefix, sha256 } from './hash.js';
export { isReasoning, normalizeBaseUrl } from './endpoint.js';
export { parseRetryAfter } from './retry.js';
export { EndpointDown } from './breaker.js';
export type {
  Budget,
  CallInfo,
  ChatMessage,
  ChatParams,
  ChatRequest,
  ChatResult,
  ContentPart,
  Endpoint,
  ProviderOptions,
  ProviderStats,
} from './types.js';
