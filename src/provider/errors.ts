// Every failure of the provider layer becomes a ProviderError so stages can
// decide on `kind`/`retryable` without knowing the SDK's class hierarchy.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { parseRetryAfter } from './retry.js';

export type ProviderErrorKind = 'http' | 'timeout' | 'connection' | 'budget' | 'malformed';

export interface ProviderErrorInit {
  kind: ProviderErrorKind;
  message: string;
  status?: number;
  retryable: boolean;
  /** Server-requested wait before the next attempt, in ms. */
  retryAfterMs?: number;
  /** Offending parameter named by the server (OpenAI `param` field). */
  param?: string;
  attempts?: number;
  /** The attempt never reached a server (connection refused, host not found): nothing was sent. */
  unsent?: boolean;
  cause?: unknown;
}

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly status?: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly param?: string;
  attempts?: number;
  readonly unsent: boolean;

  constructor(init: ProviderErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ProviderError';
    this.kind = init.kind;
    this.retryable = init.retryable;
    if (init.status !== undefined) this.status = init.status;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.param !== undefined) this.param = init.param;
    if (init.attempts !== undefined) this.attempts = init.attempts;
    this.unsent = init.unsent === true;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, kind: this.kind, status: this.status, retryable: this.retryable, message: this.message };
  }
}

/** Remove the key's value from text that may echo it (some servers do). */
export function redact(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 4) return text;
  // A server echoing an Authorization header may show the key base64-encoded
  // (Basic auth, debug dumps); those forms are the key just as well.
  let out = text;
  for (const form of secretForms(secret)) if (out.includes(form)) out = out.split(form).join('[REDACTED]');
  return out;
}

function secretForms(secret: string): string[] {
  const b64 = Buffer.from(secret, 'utf8').toString('base64');
  const unpadded = b64.replace(/=+$/, '');
  const url = Buffer.from(secret, 'utf8').toString('base64url');
  // Longest first, so a padded form is replaced whole rather than leaving its "=".
  return [...new Set([secret, b64, unpadded, url])].sort((a, b) => b.length - a.length);
}

// 408 and 429 are "try later"; 5xx is the server's fault. Other 4xx mean the
// request itself is wrong and will fail the same way again.
function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function errorCode(err: unknown): string | undefined {
  const c = (err as { code?: unknown; cause?: { code?: unknown } } | null) ?? {};
  const code = c.code ?? c.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

// Failures before a single byte of the request left: no server received it,
// so it is not a call (counts.calls is what the servers received). A reset
// or a timeout may come after the request was read, so those count.
const UNSENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
function neverSent(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNSENT.has(code)) return true;
  }
  return false;
}

// Body-read failures surface as raw undici errors (e.g. TypeError "terminated"),
// not as SDK errors, because they happen after the SDK got the headers.
function isSocketFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = errorCode(err) ?? '';
  if (/^(ECONN|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR)/.test(code)) return true;
  return err.name === 'TypeError' && /^(terminated|fetch failed)$/i.test(err.message);
}

/**
 * Map anything thrown by one network attempt to a ProviderError.
 * `timedOut` says our own deadline fired, which wins over whatever the SDK
 * reports for the abort it caused.
 */
export function classify(err: unknown, secret: string | undefined, timedOut = false): ProviderError {
  if (err instanceof ProviderError) return err;
  const msg = (m: string) => redact(m, secret);
  if (timedOut || err instanceof APIConnectionTimeoutError) {
    return new ProviderError({ kind: 'timeout', retryable: true, message: 'request timed out' });
  }
  if (err instanceof APIUserAbortError) {
    return new ProviderError({ kind: 'connection', retryable: false, message: 'request aborted' });
  }
  if (err instanceof APIConnectionError) {
    const cause = (err as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? `${err.message} (${errorCode(cause) ?? cause.message})` : err.message;
    return new ProviderError({ kind: 'connection', retryable: true, message: msg(detail), ...(neverSent(cause) ? { unsent: true } : {}) });
  }
  if (err instanceof APIError && typeof err.status === 'number') {
    const retryAfterMs = parseRetryAfter(err.headers);
    return new ProviderError({
      kind: 'http',
      status: err.status,
      retryable: retryableStatus(err.status),
      message: msg(err.message),
      ...(retryAfterMs !== null ? { retryAfterMs } : {}),
      ...(typeof err.param === 'string' ? { param: err.param } : {}),
    });
  }
  if (err instanceof SyntaxError) {
    return new ProviderError({ kind: 'malformed', retryable: true, message: msg(`response is not JSON: ${err.message}`) });
  }
  if (isSocketFailure(err)) {
    const e = err as Error;
    return new ProviderError({
      kind: 'connection',
      retryable: true,
      message: msg(`connection failed: ${errorCode(e) ?? e.message}`),
      ...(neverSent(e) ? { unsent: true } : {}),
    });
  }
  const text = err instanceof Error ? err.message : String(err);
  return new ProviderError({ kind: 'connection', retryable: false, message: msg(`unexpected error: ${text}`) });
}

/** True when a call was refused because the run's budget is spent. */
export function isBudgetError(err: unknown): err is ProviderError {
  return err instanceof ProviderError && err.kind === 'budget';
}

/** One-line description of a failure for records and logs (already redacted). */
export function providerErrorMessage(err: unknown): string {
  if (err instanceof ProviderError) {
    return `${err.kind}${err.status !== undefined ? ` ${err.status}` : ''}: ${err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}
