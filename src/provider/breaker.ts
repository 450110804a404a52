// A circuit breaker per endpoint. Without one, a server that is down makes
// every call go through all its attempts and backoffs, so the time a stage
// takes to give up grows with the number of calls. After N calls in a row to
// one endpoint were exhausted by transport-level failures (5xx, 408, resets,
// timeouts), the endpoint is taken as down: no new request is sent to it, and
// every call still queued or asked for fails at once with EndpointDown, which
// stops the stage (exit 3, like any "the run cannot be judged now"). A
// success in between resets the count. The breaker never closes again within
// one process: a rerun, once the server is back, resumes the work.
//
// Not counted: 4xx (the request is wrong, the server is up), 429 (the server
// is up and pacing us; the pacer handles it), unreadable bodies and judge
// replies that do not parse (the server answered).
import { modelKey, normalizeBaseUrl } from './endpoint.js';
import type { ProviderError } from './errors.js';
import { CallStop } from './stop.js';
import type { Endpoint } from './types.js';

/** An endpoint the breaker took as down: nothing more is sent to it in this process. */
export class EndpointDown extends CallStop {
  override name = 'EndpointDown';
  constructor(
    /** "judge:gpt-4o (http://host/v1, model gpt-4o)". */
    readonly endpoint: string,
    readonly threshold: number,
    readonly lastError: string,
  ) {
    super(
      `${endpoint} looks down: ${threshold} calls in a row gave up after all their retries (last: ${lastError}); ` +
        'no more calls are sent to it. Once it is back, rerun with --retry-failed (the calls not made are made, the failed ones redone); ' +
        'provider.breaker.consecutiveFailures sets how many failures in a row stop a run (0: never)',
    );
  }

  protected copy(): EndpointDown {
    return new EndpointDown(this.endpoint, this.threshold, this.lastError);
  }
}

/** Whether an exhausted call's last error says the endpoint itself is failing. */
export function countsAsDown(err: Pick<ProviderError, 'kind' | 'status' | 'retryable'>): boolean {
  if (!err.retryable) return false;
  if (err.kind === 'timeout' || err.kind === 'connection') return true;
  return err.kind === 'http' && err.status !== undefined && (err.status >= 500 || err.status === 408);
}

export function describeEndpoint(ep: Pick<Endpoint, 'name' | 'baseUrl' | 'model'>): string {
  return `${ep.name} (${normalizeBaseUrl(ep.baseUrl)}, model ${ep.model})`;
}

interface State {
  /** Exhausted calls in a row since the last success. */
  streak: number;
  open: EndpointDown | null;
}

export class Breakers {
  private readonly states = new Map<string, State>();

  /** `threshold` consecutive exhausted calls open an endpoint's breaker; 0 disables. */
  constructor(readonly threshold: number) {
    if (!(Number.isInteger(threshold) && threshold >= 0)) throw new TypeError('breaker threshold must be a non-negative integer');
  }

  /** The stop to throw when the endpoint's breaker is open, else null. */
  openFor(ep: Endpoint): EndpointDown | null {
    return this.states.get(modelKey(ep))?.open ?? null;
  }

  /** A call to `ep` succeeded: the streak starts over. */
  succeeded(ep: Endpoint): void {
    const s = this.states.get(modelKey(ep));
    if (s && !s.open) s.streak = 0;
  }

  /**
   * A call to `ep` gave up after all its attempts with `err`. Returns the
   * stop when this call opened the breaker (the caller aborts what is queued).
   */
  exhausted(ep: Endpoint, err: ProviderError): EndpointDown | null {
    if (this.threshold === 0 || !countsAsDown(err)) return null;
    const key = modelKey(ep);
    let s = this.states.get(key);
    if (!s) this.states.set(key, (s = { streak: 0, open: null }));
    if (s.open) return null;
    s.streak++;
    if (s.streak < this.threshold) return null;
    const last = `${err.kind}${err.status !== undefined ? ` ${err.status}` : ''}: ${err.message}`;
    s.open = new EndpointDown(describeEndpoint(ep), this.threshold, last);
    return s.open;
  }
}
