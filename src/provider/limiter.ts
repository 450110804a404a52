// Concurrency slots: one global pool plus one pool per endpoint. Callers take
// a slot only around a single network attempt, so requests sleeping in
// backoff (e.g. during a 429 storm) leave the slots to others.
import pLimit, { type LimitFunction } from 'p-limit';
import type { Endpoint } from './types.js';

export class Limiter {
  private readonly global: LimitFunction;
  private readonly perEndpoint = new Map<string, LimitFunction>();

  constructor(concurrency: number) {
    this.global = pLimit(concurrency);
  }

  /**
   * Run `fn` holding an endpoint slot and then a global slot. The endpoint
   * slot comes first so a request queued behind its own endpoint's limit
   * does not sit on a global slot other endpoints could use.
   */
  run<T>(ep: Endpoint, fn: () => Promise<T>): Promise<T> {
    const local = this.endpointLimit(ep);
    const inGlobal = () => this.global(fn);
    return local ? local(inGlobal) : inGlobal();
  }

  get active(): number {
    return this.global.activeCount;
  }

  private endpointLimit(ep: Endpoint): LimitFunction | undefined {
    if (ep.concurrency === undefined) return undefined;
    const id = `${ep.name}\u0000${ep.baseUrl}`;
    let l = this.perEndpoint.get(id);
    if (!l) {
      l = pLimit(ep.concurrency);
      this.perEndpoint.set(id, l);
    } else if (l.concurrency !== ep.concurrency) {
      l.concurrency = ep.concurrency;
    }
    return l;
  }
}
