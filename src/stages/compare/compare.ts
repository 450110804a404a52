// The compare stage: anonymized pairwise judging of each candidate against each
// baseline, per metric, resumable and bounded; one comparison is judged in
// src/judge/pairwise.ts.
import type { StageContext } from '../../pipeline/context.js';
import type { Comparison, Sample } from '../../core/records.js';
import { BudgetStop } from '../../core/errors.js';
import type { PairJob } from '../../judge/jobs.js';
import { compareOne, type PairSettings } from '../../judge/pairwise.js';
import type { JudgingPlan } from '../../pipeline/plan.js';
import { comparisonKey } from '../../store/run.js';
import type { JsonlWriter } from '../../store/jsonl.js';
import { mergeRedo, RedoLog } from '../../store/redo-log.js';
import { compactOrders, cutOffOrders, OrderLog, paid, recordDigest, type OrderEntry } from '../../store/order-log.js';
import { inheritOrderSpends, resumeFrom } from './resume.js';
import { runPool } from '../../core/pool.js';
import { Progress } from '../../core/progress.js';
import type { StageSummary } from '../../pipeline/sink.js';
import { withPlanned } from '../../pipeline/planned.js';
import { JobCounter } from '../../pipeline/counted.js';

export type { PairJob };

export interface Pairs {
  candidates: string[];
  baselines: string[];
}

export function* pairJobs(samples: Sample[], pairs: Pairs, plan: JudgingPlan): Generator<PairJob> {
  for (const sample of samples)
    for (const candidate of pairs.candidates)
      for (const baseline of pairs.baselines) {
        if (candidate === baseline) continue;
        for (const rubric of plan.rubrics)
          for (const judge of plan.judges)
            for (let round = 1; round <= (plan.rounds.get(judge.name) ?? 1); round++) yield { sample, candidate, baseline, rubric, judge, round };
      }
}

const keyOf = (j: PairJob) =>
  comparisonKey({ sampleId: j.sample.id, candidate: j.candidate, baseline: j.baseline, metric: j.rubric.id, judge: j.judge.name, round: j.round });

export interface CompareOptions {
  retryFailed?: boolean;
  /**
   * Asked before the first job of each next sample is launched; false stops
   * launching (jobs in flight, and the rest of a sample already started,
   * still finish and are recorded). --until-decided stops here.
   */
  keepLaunching?: (sampleId: string) => boolean | Promise<boolean>;
  /** Called with every comparison as it is recorded, in completion order. */
  onRecord?: (c: Comparison) => void;
  /** Called, before the first job, with every comparison already logged that stands (is not redone by this run). */
  onRecorded?: (c: Comparison) => void;
  /** Called after every job ends (recorded or not) with the number still running. */
  onSettled?: (running: number) => void;
}

export async function compare(ctx: StageContext, samples: Sample[], pairs: Pairs, plan: JudgingPlan, opts: CompareOptions = {}): Promise<StageSummary> {
  const cfg = ctx.loaded.config;
  const settings: PairSettings = {
    ...cfg.score,
    zeroOnFailure: false,
    showEmpty: cfg.score.zeroOnFailure,
    seed: cfg.run.seed,
    bothOrders: cfg.compare.bothOrders,
    combine: cfg.compare.combine,
    oneOrderDecides: cfg.compare.oneOrderDecides,
  };
  // A failure redone by --retry-failed is asked afresh (no cached reply is
  // read; the new one is cached); what was never compared may still be
  // answered from the cache, as on a plain rerun.
  const fresh: PairSettings = { ...settings, refresh: true };
  const responses = withPlanned(ctx, await ctx.store.responseIndex());
  const summary: StageSummary = { planned: 0, skipped: 0, written: 0, failures: 0, stoppedByBudget: false };
  // A comparison failed for want of a response is redone as soon as both
  // responses exist; with --retry-failed every failed one is, keeping the
  // orders that did give a verdict (only the failed order is asked again).
  const answered = (id: string, model: string) => {
    const r = responses.get(id)?.get(model);
    return Boolean(r && !r.error);
  };
  const stale = (c: Comparison) => c.failure?.kind === 'missing-response' && answered(c.sampleId, c.candidate) && answered(c.sampleId, c.baseline);
  // Records from before one order stopped deciding alone count as failed too.
  const failed = (c: Comparison) => c.outcome === null || c.failure !== undefined || c.orders.some((o) => o.outcome === null);
  const redoIf = (c: Comparison) => (opts.retryFailed ? failed(c) : stale(c));
  const done = new Map<string, Set<string>>();
  const redo = new Map<string, Map<string, Comparison>>();
  // Orders a killed run answered for comparisons it did not record (store/order-log.ts): reused, not asked again.
  const cutOff = new Map<string, OrderEntry[]>();
  for (const judge of plan.judges) {
    const file = ctx.store.comparisonsFile(judge.name);
    // Redone comparisons a killed run left in the side log are recorded: merged first, not paid for again.
    if (!ctx.dryRun) await mergeRedo<Comparison>(file, comparisonKey);
    for (const e of ctx.dryRun ? await cutOffOrders(file) : await compactOrders(file)) {
      const list = cutOff.get(e.key);
      if (list) list.push(e);
      else cutOff.set(e.key, [e]);
    }
    const keep = new Map<string, Comparison>();
    done.set(
      judge.name,
      await ctx.store.doneKeys<Comparison>(file, comparisonKey, (c) => {
        if (!redoIf(c)) {
          opts.onRecorded?.(c);
          return true;
        }
        keep.set(comparisonKey(c), c);
        return false;
      }),
    );
    redo.set(judge.name, keep);
  }
  // --retry-failed also completes what was never compared, as a plain rerun does.
  const wanted = (j: PairJob) => !done.get(j.judge.name)!.has(keyOf(j));
  let total = 0;
  for (const j of pairJobs(samples, pairs, plan)) {
    summary.planned++;
    if (wanted(j)) total++;
  }
  summary.skipped = summary.planned - total;
  if (!total) return summary;

  const writers = new Map<string, JsonlWriter>();
  // Redone comparisons go to the side log at once (store/redo-log.ts), merged at the end.
  const redoLogs = new Map<string, RedoLog<Comparison>>();
  // Each order that cost a request is durable as soon as it is answered, before the other order is asked.
  const orderLogs = new Map<string, OrderLog>();
  const orderLogOf = (judge: string) => {
    let l = orderLogs.get(judge);
    if (!l) orderLogs.set(judge, (l = new OrderLog(ctx.store.comparisonsFile(judge))));
    return l;
  };
  const progress = new Progress({ label: 'compare', total, quiet: ctx.quiet });
  const jobs = new JobCounter(opts.onSettled);
  try {
    await runPool(
      (async function* () {
        let current: string | null = null;
        for (const j of pairJobs(samples, pairs, plan)) {
          if (!wanted(j)) continue;
          // Pulled lazily by the pool, so this is asked when a lane is free, not up front.
          if (j.sample.id !== current) {
            if (opts.keepLaunching && !(await opts.keepLaunching(j.sample.id))) return;
            current = j.sample.id;
          }
          jobs.launch();
          yield j;
        }
      })(),
      ctx.inflight,
      jobs.wrap(async (job: PairJob) => {
        let c: Comparison;
        progress.begin();
        const key = keyOf(job);
        const old = redo.get(job.judge.name)!.get(key);
        const start = resumeFrom(job, old, cutOff.get(key) ?? []);
        try {
          const replaces = old ? recordDigest(old) : null;
          const log = ctx.dryRun || ctx.collect ? undefined : orderLogOf(job.judge.name);
          const answered = log
            ? (order: Comparison['orders'][number], responseHash: string) => {
                if (paid(order.spend)) log.append({ key, judge: job.judge.name, replaces, responseHash, order });
              }
            : undefined;
          c = await compareOne(ctx, job, responses, old && opts.retryFailed ? fresh : settings, start, answered);
        } catch (err) {
          if (err instanceof BudgetStop) {
            summary.stoppedByBudget = true;
            return;
          }
          throw err;
        }
        if (ctx.dryRun || ctx.collect) return;
        // The starting point's spends (the record redone, the orders a kill cut off) go with the new record.
        if (start) c = inheritOrderSpends(start, c);
        if (old) {
          let r = redoLogs.get(c.judge);
          if (!r) redoLogs.set(c.judge, (r = new RedoLog(ctx.store.comparisonsFile(c.judge))));
          r.append(c);
        } else {
          let w = writers.get(c.judge);
          if (!w) writers.set(c.judge, (w = ctx.store.writer(ctx.store.comparisonsFile(c.judge))));
          w.append(c);
        }
        summary.written++;
        if (c.outcome === null) summary.failures++;
        opts.onRecord?.(c);
        progress.tick({ error: c.outcome === null, tokens: c.orders.reduce((n, o) => n + (o.usage?.total ?? 0), 0) });
      }),
      () => summary.stoppedByBudget,
    );
  } finally {
    for (const w of writers.values()) await w.close();
    for (const judge of redoLogs.keys()) await mergeRedo<Comparison>(ctx.store.comparisonsFile(judge), comparisonKey);
    // Orders now in a record are dropped; those of comparisons a stop cut off stay, for the report and the next run.
    if (!ctx.dryRun) for (const judge of plan.judges) await compactOrders(ctx.store.comparisonsFile(judge.name));
    progress.finish();
  }
  return summary;
}
