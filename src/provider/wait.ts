// Bounded waiting on a server's Retry-After. Clamping a long hint and retrying
// (what backoff alone does) hammers a server that asked for an hour, and
// sleeping the cap on every retry can hold a stage for many minutes with
// nothing printed. A hint longer than provider.maxRetryAfterSec stops the
// stage (exit 3: the run cannot be judged now; rerun later resumes it); a
// hint within it is honoured, and a wait long enough to look like a hang is
// announced first.
import { CallStop } from './stop.js';
import type { Endpoint } from './types.js';

/** Waits from this long on are printed before they start. */
export const ANNOUNCE_WAIT_MS = 5_000;

/** A server asked to wait longer than the user allowed. */
export class RetryAfterTooLong extends CallStop {
  override name = 'RetryAfterTooLong';
  constructor(
    readonly endpoint: string,
    readonly waitMs: number,
    readonly maxMs: number,
  ) {
    super(
      `${endpoint} asked to wait ${fmt(waitMs)} before retrying (Retry-After), longer than provider.maxRetryAfterSec = ${fmt(maxMs)}; ` +
        'stopped instead of waiting. Rerun later to resume, or raise provider.maxRetryAfterSec to wait it out',
    );
  }

  protected copy(): RetryAfterTooLong {
    return new RetryAfterTooLong(this.endpoint, this.waitMs, this.maxMs);
  }
}

const fmt = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** Throw when `hintMs` exceeds `maxMs`; announce a long but allowed wait. */
export function checkRetryAfter(
  ep: Pick<Endpoint, 'name' | 'baseUrl'>,
  hintMs: number | undefined,
  maxMs: number,
  say: (msg: string) => void = (m) => process.stderr.write(m + '\n'),
): void {
  if (hintMs === undefined) return;
  const where = `${ep.name} (${ep.baseUrl})`;
  if (hintMs > maxMs) throw new RetryAfterTooLong(where, hintMs, maxMs);
  if (hintMs >= ANNOUNCE_WAIT_MS) say(`waiting ${fmt(hintMs)} for ${where}: the server asked for it (Retry-After)`);
}
