// Where judgments go: appended to the judge's log as they come (a killed run
// loses nothing recorded), or — when redoing a recorded one (--retry-failed, or
// a missing response that exists now) — appended at once to the log's side log
// (store/redo-log.ts), carrying the spend of the record it replaces, and
// merged into the log at close, so a log keeps one record per key and a kill
// loses no redone judgment.
import type { StageContext } from './context.js';
import type { Judgment, Spend } from '../core/records.js';
import { judgmentKey } from '../store/run.js';
import type { JsonlWriter } from '../store/jsonl.js';
import { RedoLog } from '../store/redo-log.js';
import { mergeJudgmentRedo } from '../store/settle.js';
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
export function inheritSpend(old: Pick<Judgment, 'spend'>, next: Judgment): Judgment {
  const spend = mergeSpend(old.spend, next.spend);
  if (!spend) return next;
  return { ...next, callId: next.callId ?? spend.callId, spend };
}

export class JudgmentSink {
  private readonly writers = new Map<string, JsonlWriter>();
  private readonly redoLogs = new Map<string, RedoLog<Judgment>>();
  private progress: Progress | null = null;

  constructor(
    private readonly ctx: StageContext,
    /** The recorded judgment (its spend) a judgment takes the place of; undefined: it is new, appended. */
    private readonly replace: false | ((key: string, judge: string) => Pick<Judgment, 'spend'> | undefined),
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
    const old = this.replace ? this.replace(judgmentKey(j), j.judge) : undefined;
    if (old) {
      let r = this.redoLogs.get(j.judge);
      if (!r) this.redoLogs.set(j.judge, (r = new RedoLog(this.ctx.store.judgmentsFile(j.judge))));
      r.append(inheritSpend(old, j));
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
    for (const judge of this.redoLogs.keys()) await mergeJudgmentRedo(this.ctx.store.judgmentsFile(judge));
    this.progress?.finish();
  }
}
