// Where judgments go: appended to the judge's log as they come (a killed run
// loses nothing recorded), or — when redoing a recorded one (--retry-failed, or
// a missing response that exists now) — collected and swapped in for the old
// record in one atomic rewrite, so a log keeps one record per key.
import type { StageContext } from './context.js';
import type { Judgment, Spend } from '../core/records.js';
import { judgmentKey } from '../store/run.js';
import { rewriteJsonl, type JsonlWriter } from '../store/jsonl.js';
import { dropIndex } from '../store/judgment-index/segment.js';
import { Progress } from '../core/progress.js';

export interface StageSummary {
  planned: number;
  skipped: number;
  written: number;
  failures: number;
  stoppedByBudget: boolean;
}

/** Two spends as one (a redone record inherits what its earlier attempts cost). */
export function mergeSpend(a: Spend | undefined, b: Spend | undefined): Spend | undefined {
  if (!a || !b) return a ?? b;
  return {
    callId: b.callId,
    requests: a.requests + b.requests,
    fromCache: a.fromCache + b.fromCache,
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    promptTokensFromCache: a.promptTokensFromCache + b.promptTokensFromCache,
    completionTokensFromCache: a.completionTokensFromCache + b.completionTokensFromCache,
    ...(a.cachedPromptTokens !== undefined || b.cachedPromptTokens !== undefined
      ? { cachedPromptTokens: (a.cachedPromptTokens ?? 0) + (b.cachedPromptTokens ?? 0) }
      : {}),
  };
}

/** The record that replaces `old`, carrying old's spend: the requests it made were really sent. */
export function inheritSpend(old: Judgment, next: Judgment): Judgment {
  const spend = mergeSpend(old.spend, next.spend);
  if (!spend) return next;
  return { ...next, callId: next.callId ?? spend.callId, spend };
}

export class JudgmentSink {
  private readonly writers = new Map<string, JsonlWriter>();
  private readonly replaced = new Map<string, Map<string, Judgment>>();
  private progress: Progress | null = null;

  constructor(
    private readonly ctx: StageContext,
    /** Whether a judgment takes the place of a recorded one (else it is appended). */
    private readonly replace: boolean | ((key: string, judge: string) => boolean),
    readonly summary: StageSummary,
  ) {}

  start(label: string, total: number): void {
    this.progress = new Progress({ label, total, quiet: this.ctx.quiet });
  }

  /** `n` judgments are being worked on (shown as in flight until emitted). */
  begin(n = 1): void {
    this.progress?.begin(n);
  }

  emit(j: Judgment): void {
    // Dry runs and batch collection build every request but record nothing.
    if (this.ctx.dryRun || this.ctx.collect) return;
    if (typeof this.replace === 'function' ? this.replace(judgmentKey(j), j.judge) : this.replace) {
      let m = this.replaced.get(j.judge);
      if (!m) this.replaced.set(j.judge, (m = new Map()));
      m.set(judgmentKey(j), j);
    } else {
      let w = this.writers.get(j.judge);
      if (!w) this.writers.set(j.judge, (w = this.ctx.store.judgmentWriter(this.ctx.store.judgmentsFile(j.judge))));
      w.append(j);
    }
    this.summary.written++;
    if (j.failure) this.summary.failures++;
    // An empty answer is the model's failure, not the judge's: counted apart.
    const empty = j.failure?.kind === 'empty-answer';
    this.progress?.tick({ error: Boolean(j.failure) && !empty, empty, tokens: j.usage?.total ?? 0 });
  }

  async close(): Promise<void> {
    for (const w of this.writers.values()) await w.close();
    for (const [judge, m] of this.replaced) {
      const file = this.ctx.store.judgmentsFile(judge);
      await rewriteJsonl<Judgment>(file, (r) => {
        const next = m.get(judgmentKey(r));
        return next ? inheritSpend(r, next) : r;
      });
      // Records replaced in place: the index no longer matches (it would not verify either); the next report rebuilds it.
      dropIndex(file);
    }
    this.progress?.finish();
  }
}
