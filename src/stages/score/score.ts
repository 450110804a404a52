// The score stage: pointwise rubric judging, resumable (skips what is
// recorded), bounded (a pool, not a promise per job) and budget-aware.
import type { StageContext } from '../../pipeline/context.js';
import type { Judgment, Sample } from '../../core/records.js';
import { judgmentKey, responseKey } from '../../store/run.js';
import { runPool } from '../../core/pool.js';
import { JudgmentSink, type StageSummary } from '../../pipeline/sink.js';
import { mergeJudgmentRedo } from '../../store/settle.js';
import { BudgetStop } from '../../judge/ask.js';
import type { JudgingPlan } from '../../pipeline/plan.js';
import { pointJobIds, streamPointJobs, type JobId, type PointJob } from './jobs.js';
import { allSamples, arraySource, isSampleSource, type SampleSource } from '../../pipeline/source.js';
import { ResponseLookup } from '../../store/response-lookup.js';
import { judgeOne, type ScoreSettings } from '../../judge/pointwise.js';
import { listwiseScore } from './listwise.js';
import { plannedLookup, withPlanned, type ResponseIndex } from '../../pipeline/planned.js';
import { JobCounter } from '../../pipeline/counted.js';

export type { StageSummary };

// --retry-failed redoes every failure kind: a missing response may exist now,
// a judge that was down or cut off may answer now; redoing one with nothing
// new costs no call (it fails again the same way without asking).
const isFailed = (j: Judgment) => j.failure !== undefined;

/**
 * Whether a (sample, model) pair's response exists and did not fail, from the
 * one read of the responses the stage makes anyway (the lookup, or in the
 * listwise modes the index): reading them a second time just for these keys
 * was a fifth of the time to the first call on a large split.
 */
function answeredKeys(ctx: StageContext, recorded: ResponseLookup | ResponseIndex): (key: string) => boolean {
  const planned = new Set<string>();
  // A dry run counts what the real run will redo once generate has made these.
  for (const m of ctx.plannedResponses?.values() ?? []) for (const r of m.values()) if (!r.error) planned.add(responseKey(r));
  if (recorded instanceof ResponseLookup) return (key) => recorded.isAnswered(key) || planned.has(key);
  for (const m of recorded.values()) for (const r of m.values()) if (!r.error) planned.add(responseKey(r));
  return (key) => planned.has(key);
}

export interface ScoreOptions {
  retryFailed?: boolean;
  /**
   * Asked before the first job of each next sample is launched; false stops
   * launching (jobs in flight finish and are recorded). --until-decided
   * stops here. Per-response mode only.
   */
  keepLaunching?: (sampleId: string) => boolean | Promise<boolean>;
  /** Called with every judgment as it is recorded, in completion order. */
  onRecord?: (j: Judgment) => void;
  /** Called, before the first job, with every judgment already logged that stands (is not redone by this run). */
  onRecorded?: (j: Judgment) => void;
  /** Called after every job ends (recorded or not) with the number still running. */
  onSettled?: (running: number) => void;
}

/** The jobs, cut off at the first sample boundary where `keep` says no. */
async function* untilStopped(
  jobs: AsyncIterable<PointJob>,
  keep: (sampleId: string) => boolean | Promise<boolean>,
  counter: JobCounter,
): AsyncGenerator<PointJob> {
  let current: string | null = null;
  for await (const j of jobs) {
    if (j.sample.id !== current) {
      if (!(await keep(j.sample.id))) return;
      current = j.sample.id;
    }
    counter.launch();
    yield j;
  }
}

export async function score(
  ctx: StageContext,
  samples: Sample[] | SampleSource,
  models: string[],
  plan: JudgingPlan,
  opts: ScoreOptions = {},
): Promise<StageSummary> {
  const settings: ScoreSettings = { ...ctx.loaded.config.score };
  const summary: StageSummary = { planned: 0, skipped: 0, written: 0, failures: 0, stoppedByBudget: false };

  // The responses are read once: located (per response) or indexed (listwise).
  const perResponse = ctx.loaded.config.score.mode === 'per-response';
  const recorded = perResponse ? await ResponseLookup.open(ctx.store.listFiles(ctx.store.responsesDir)) : await ctx.store.responseIndex();
  try {
    return await scoreWith(ctx, samples, models, plan, opts, settings, summary, recorded);
  } finally {
    if (recorded instanceof ResponseLookup) await recorded.close();
  }
}

async function scoreWith(
  ctx: StageContext,
  samples: Sample[] | SampleSource,
  models: string[],
  plan: JudgingPlan,
  opts: ScoreOptions,
  settings: ScoreSettings,
  summary: StageSummary,
  recorded: ResponseLookup | ResponseIndex,
): Promise<StageSummary> {
  // Keys already recorded, per judge file; with --retry-failed, the failed ones
  // are redone. A judgment failed for want of a response is not done once that
  // response exists (generate ran or was resumed since): it is redone on any run.
  const answered = answeredKeys(ctx, recorded);
  const stale = (j: Judgment) => j.failure?.kind === 'missing-response' && answered(responseKey(j));
  // --retry-failed completes the run as a plain rerun does (what was never
  // judged is judged) and also redoes every failed record.
  const redoIt = (j: Judgment) => stale(j) || (opts.retryFailed === true && isFailed(j));
  // One read of each log gives both sets.
  const done = new Map<string, Set<string>>();
  // The spend of each record redone: its replacement carries it (those requests were sent).
  const redo = new Map<string, Map<string, Pick<Judgment, 'spend'>>>();
  for (const judge of plan.judges) {
    const file = ctx.store.judgmentsFile(judge.name);
    // Redone judgments a killed run left in the side log are recorded: merged first, not paid for again.
    if (!ctx.dryRun) await mergeJudgmentRedo(file);
    const again = new Map<string, Pick<Judgment, 'spend'>>();
    done.set(
      judge.name,
      await ctx.store.doneKeys<Judgment>(file, judgmentKey, (j) => {
        if (redoIt(j)) {
          again.set(judgmentKey(j), j.spend ? { spend: j.spend } : {});
          return false;
        }
        opts.onRecorded?.(j);
        return true;
      }),
    );
    redo.set(judge.name, again);
  }
  const wantedId = (j: JobId) => {
    const keys = done.get(j.judge);
    // A fresh run (nothing recorded) wants every job: no key to build.
    if (!keys?.size) return true;
    return !keys.has(judgmentKey(j));
  };
  // Records redone in place (one record per key stays true); new ones are appended.
  const replacing = (key: string, judge: string) => redo.get(judge)?.get(key);
  const wanted = (j: PointJob) => wantedId({ sampleId: j.sample.id, model: j.model, metric: j.rubric.id, judge: j.judge.name, round: j.round });

  // Nothing to redo (a fresh or plainly resumed run): no key is built per emitted judgment.
  const anyRedo = [...redo.values()].some((keys) => keys.size > 0);
  // A failure redone by --retry-failed is asked afresh (a cached reply is what
  // failed, or was recorded by a build that kept it): no cached reply is read,
  // but the new trustworthy one is cached, so a killed redo is not paid twice.
  // What was never judged may still be answered from the cache, as on a plain rerun.
  const fresh: ScoreSettings = { ...settings, refresh: true };
  const redoneFresh = (j: PointJob) =>
    opts.retryFailed === true &&
    anyRedo &&
    !!replacing(judgmentKey({ sampleId: j.sample.id, model: j.model, metric: j.rubric.id, judge: j.judge.name, round: j.round }), j.judge.name);
  const sink = new JudgmentSink(ctx, anyRedo ? replacing : false, summary);
  if (!(recorded instanceof ResponseLookup)) {
    try {
      const responses = withPlanned(ctx, recorded);
      // A listwise call answers several records at once: with any of them redone, none is read from the cache.
      const listSettings = opts.retryFailed && anyRedo ? { ...settings, refresh: true } : settings;
      await listwiseScore(ctx, await allSamples(samples), models, plan, responses, wanted, listSettings, sink);
    } finally {
      await sink.close();
    }
    return summary;
  }

  const source = isSampleSource(samples) ? samples : arraySource(samples);
  let total = 0;
  if ([...done.values()].every((keys) => keys.size === 0)) {
    // Nothing recorded (a fresh run): every job is wanted, and they are counted
    // without walking 64k job ids before the first call.
    const perSample = plan.rubrics.length * plan.judges.reduce((n, j) => n + (plan.rounds.get(j.name) ?? 1), 0);
    summary.planned = total = source.ids.length * models.length * perSample;
  } else {
    for (const id of pointJobIds(source.ids, models, plan)) {
      summary.planned++;
      if (wantedId(id)) total++;
    }
  }
  summary.skipped = summary.planned - total;
  if (!total) return summary;
  // Responses are located up front and read as their samples come up: the
  // stage holds neither the split nor the responses (flat memory at any size).
  const responses = recorded;
  sink.start('score', total);
  try {
    const jobs = streamPointJobs(source.samples(), models, plan, plannedLookup(ctx, responses), wantedId);
    const counter = new JobCounter(opts.onSettled);
    await runPool(
      opts.keepLaunching ? untilStopped(jobs, opts.keepLaunching, counter) : jobs,
      ctx.inflight,
      counter.wrap(async (job: PointJob) => {
        try {
          sink.begin();
          const j = await judgeOne(ctx, job, redoneFresh(job) ? fresh : settings);
          sink.emit(j);
          opts.onRecord?.(j);
        } catch (err) {
          if (err instanceof BudgetStop) summary.stoppedByBudget = true;
          else throw err;
        }
      }),
      () => summary.stoppedByBudget,
    );
  } finally {
    await sink.close();
  }
  return summary;
}
