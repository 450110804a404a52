// A stop of the whole stage met by one call (the breaker opened, a Retry-After
// too long). One stop object is shared by every call that meets it (the pacer
// rejects all queued calls with it), yet each call has sent its own number of
// requests before: forCall gives each call its own copy carrying that count,
// so judge/ask.ts and generate can put those paid requests in the
// unrecorded-spend ledger. A shared, mutated count would be one call's, or 0.
import { UnfitRunError } from '../core/errors.js';

export abstract class CallStop extends UnfitRunError {
  /** Requests this call had sent before it was stopped (they were paid for). */
  attempts = 0;

  /** A fresh copy of this stop (same message), for one call. */
  protected abstract copy(): CallStop;

  /** The same stop for one more call, carrying that call's own attempt count. */
  forCall(attempts: number): this {
    const e = this.copy() as this;
    e.attempts = attempts;
    return e;
  }
}
