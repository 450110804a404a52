// Progress reporting: a live bar on a terminal, plain periodic lines otherwise
// (CI logs). Redraws are throttled so a fast stage does not spend its time
// painting the terminal.

export interface ProgressOptions {
  label: string;
  total: number;
  stream?: NodeJS.WriteStream;
  /** Minimum milliseconds between terminal redraws. */
  redrawMs?: number;
  /** Milliseconds between plain lines when not on a terminal. */
  lineMs?: number;
  quiet?: boolean;
}

export class Progress {
  private done = 0;
  private errors = 0;
  private cached = 0;
  private tokens = 0;
  private readonly start = Date.now();
  private last: number;
  private readonly tty: boolean;
  private readonly stream: NodeJS.WriteStream;

  constructor(private readonly opts: ProgressOptions) {
    this.stream = opts.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY) && !process.env.CI;
    // Plain lines start after one interval: a short stage prints only its final line.
    this.last = this.tty ? 0 : this.start;
  }

  tick(d: { error?: boolean; cached?: boolean; tokens?: number } = {}): void {
    this.done++;
    if (d.error) this.errors++;
    if (d.cached) this.cached++;
    this.tokens += d.tokens ?? 0;
    const now = Date.now();
    const every = this.tty ? (this.opts.redrawMs ?? 100) : (this.opts.lineMs ?? 5000);
    if (now - this.last >= every) {
      this.last = now;
      this.render(false);
    }
  }

  finish(): void {
    this.render(true);
  }

  line(): string {
    const { total, label } = this.opts;
    const secs = (Date.now() - this.start) / 1000;
    const rate = secs > 0 ? this.done / secs : 0;
    const eta = rate > 0 ? (total - this.done) / rate : 0;
    const pct = total ? Math.floor((100 * this.done) / total) : 100;
    return (
      `${label} ${this.done}/${total} (${pct}%) ${rate.toFixed(1)}/s eta ${fmtSecs(eta)}` +
      ` errors ${this.errors} cached ${this.cached} tokens ${this.tokens}`
    );
  }

  private render(final: boolean): void {
    if (this.opts.quiet) return;
    if (this.tty) {
      const width = 24;
      const filled = this.opts.total ? Math.round((width * this.done) / this.opts.total) : width;
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      this.stream.write(`\r\x1b[2K${bar} ${this.line()}${final ? '\n' : ''}`);
    } else if (final || this.done > 0) {
      this.stream.write(this.line() + '\n');
    }
  }
}

function fmtSecs(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${Math.round(s % 60)}s` : `${Math.round(s)}s`;
}
