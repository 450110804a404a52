// Progress reporting: a live line on a terminal, plain periodic lines otherwise
// (CI logs). The line is drawn from the first second — before a slow judge has
// answered anything it already says how much is queued and in flight — and
// redrawn on a timer, so the ETA keeps moving between completions. Redraws
// are throttled so a fast stage does not spend its time painting the terminal.
// (Our own ~150 lines rather than cli-progress: we need queued/in-flight
// counts and a countdown ETA, which cli-progress would need custom payloads
// and a format string for, and one dependency fewer to audit.)

export interface ProgressOptions {
  label: string;
  total: number;
  stream?: NodeJS.WriteStream;
  /** Minimum milliseconds between terminal redraws. */
  redrawMs?: number;
  /** Milliseconds between plain lines when not on a terminal. */
  lineMs?: number;
  quiet?: boolean;
  /** The clock (tests pass their own). */
  now?: () => number;
}

export interface TickDetail {
  /** A failure that is not an empty answer (parse failures, errors). */
  error?: boolean;
  /** The judged answer was empty: counted apart, it says nothing about the judge. */
  empty?: boolean;
  cached?: boolean;
  tokens?: number;
}

// Calls held back for a provider's rate limit (the pacer) have been handed
// out but not sent: the line shows them apart, so a run waiting for a
// provider's window does not look like one waiting for answers. A provider
// registers its count (core imports nothing, so the pacer reports here).
const rateLimitWaits = new Set<() => number>();

/** Count `count()` in every progress line as calls waiting for a rate limit; call the result to stop. */
export function reportRateLimitWaits(count: () => number): () => void {
  rateLimitWaits.add(count);
  return () => {
    rateLimitWaits.delete(count);
  };
}

function callsWaitingForRateLimit(): number {
  let n = 0;
  for (const count of rateLimitWaits) n += count();
  return n;
}

export class Progress {
  private done = 0;
  private started = 0;
  private errors = 0;
  private empty = 0;
  private cached = 0;
  private tokens = 0;
  private readonly now: () => number;
  private readonly start: number;
  private last: number;
  /** ETA estimated at the last completion, and when: between completions it counts down from there. */
  private estimate: { at: number; secs: number } | null = null;
  private readonly tty: boolean;
  private readonly stream: NodeJS.WriteStream;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: ProgressOptions) {
    this.now = opts.now ?? Date.now;
    this.start = this.now();
    this.stream = opts.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY) && !process.env.CI;
    // Plain lines start after one interval: a short stage prints only its final line.
    this.last = this.tty ? 0 : this.start;
    if (opts.quiet) return;
    if (this.tty) this.render(false);
    const every = this.tty ? 1000 : (opts.lineMs ?? 5000);
    // unref: a progress line never keeps the process alive.
    this.timer = setInterval(() => this.redraw(true), every);
    this.timer.unref();
  }

  /** `n` items were handed to a model or judge (in flight until they tick). */
  begin(n = 1): void {
    this.started += n;
  }

  tick(d: TickDetail = {}): void {
    this.done++;
    if (d.error) this.errors++;
    if (d.empty) this.empty++;
    if (d.cached) this.cached++;
    this.tokens += d.tokens ?? 0;
    const now = this.now();
    const secs = (now - this.start) / 1000;
    const remaining = Math.max(0, this.opts.total - this.done);
    this.estimate = { at: now, secs: secs > 0 ? (remaining * secs) / this.done : 0 };
    this.redraw(false);
  }

  finish(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.render(true);
  }

  /** Items handed out and not yet done (never more than what is left). */
  get inFlight(): number {
    return Math.max(0, Math.min(this.started - this.done, this.opts.total - this.done));
  }

  /**
   * Seconds left, or null before the first completion. Counts down from the
   * estimate made at the last completion; should it run out while work
   * remains, the plain rate estimate (which grows while nothing completes)
   * takes over, so it never shows 0 for unfinished work.
   */
  eta(now = this.now()): number | null {
    const remaining = Math.max(0, this.opts.total - this.done);
    if (remaining === 0) return 0;
    if (!this.estimate || this.done === 0) return null;
    const countdown = this.estimate.secs - (now - this.estimate.at) / 1000;
    return countdown >= 1 ? countdown : (remaining * ((now - this.start) / 1000)) / this.done;
  }

  line(now = this.now()): string {
    const { total, label } = this.opts;
    const secs = (now - this.start) / 1000;
    const rate = secs > 0 ? this.done / secs : 0;
    const pct = total ? Math.floor((100 * this.done) / total) : 100;
    const queued = Math.max(0, total - this.done - this.inFlight);
    const eta = this.eta(now);
    // In calls, not items (a comparison is two calls, a listwise call judges several): said as such.
    const held = callsWaitingForRateLimit();
    return (
      `${label} ${this.done}/${total} (${pct}%) queued ${queued} · in flight ${this.inFlight}` +
      (held ? ` · ${held} call${held === 1 ? '' : 's'} waiting for rate limit (not sent yet)` : '') +
      ` · done ${this.done}` +
      ` · ${rate.toFixed(1)}/s eta ${eta === null ? '?' : fmtSecs(eta)}` +
      ` · errors ${this.errors} · empty answers ${this.empty} · cached ${this.cached} · tokens ${this.tokens}`
    );
  }

  /** Draws when the throttle allows; the timer forces a line at its own pace. */
  private redraw(fromTimer: boolean): void {
    const now = this.now();
    const every = this.tty ? (this.opts.redrawMs ?? 100) : (this.opts.lineMs ?? 5000);
    if (fromTimer || now - this.last >= every) {
      this.last = now;
      this.render(false);
    }
  }

  private render(final: boolean): void {
    if (this.opts.quiet) return;
    if (this.tty) {
      const width = 24;
      const filled = this.opts.total ? Math.round((width * this.done) / this.opts.total) : width;
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      this.stream.write(`\r\x1b[2K${bar} ${this.line()}${final ? '\n' : ''}`);
    } else if (final || this.done > 0 || this.started > 0) {
      this.stream.write(this.line() + '\n');
    }
  }
}

function fmtSecs(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${Math.round(s % 60)}s` : `${Math.round(s)}s`;
}
