// --until-decided, the parts compare and score share: the seeded order, the
// prefix rule, and which tests the gate needs. The stage drivers are
// decided-compare.ts and decided-score.ts.
//
// Why a prefix rule: with concurrency, samples finish out of order, and a
// sample that finishes faster (a short answer, a cache hit, a quick judge)
// could be fed to the test first — the stopping time would then depend on how
// long judging took, which can be correlated with the verdict. Feeding
// outcomes strictly in the seeded order (a sample enters only when every
// earlier one is complete) makes the test read one fixed i.i.d.-ordered
// sequence, so its anytime-valid guarantee applies at the stop; samples
// finished beyond the prefix are recorded, counted as judged, and left out of
// the stopping test.
import { sha256 } from '../core/hash.js';
import type { Sample } from '../core/records.js';
import type { LoadedConfig } from '../config/load.js';
import { resolveGateSettings } from '../stages/gate/settings.js';
import { UsageError } from '../core/errors.js';
import type { Session } from './session.js';

/** Seeded order: samples sorted by a hash of (seed, id), the same on every rerun. */
export function seededOrder(samples: readonly Sample[], seed: number | string): Sample[] {
  return samples
    .map((s) => ({ s, k: sha256(`${seed}:${s.id}`) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    .map((x) => x.s);
}

/**
 * Collects records per sample and hands complete samples on strictly in the
 * seeded order: sample i is emitted only once it has `perSample` records and
 * every sample before it was emitted. With `keyOf`, a record counts once per
 * key (the first one, as the report and the gate read a key recorded twice)
 * and a record whose key is null (not one of the stage's jobs: a model, metric
 * or round no longer configured) is left out, so a sample is complete only
 * when each of its jobs is in.
 */
export class PrefixFeed<T> {
  private readonly pos = new Map<string, number>();
  private readonly got: T[][];
  private readonly keys: Array<Set<string> | null>;
  private head = 0;
  constructor(
    private readonly order: readonly string[],
    private readonly perSample: number,
    private readonly emit: (index: number, items: T[]) => void,
    private readonly keyOf?: (item: T) => string | null,
  ) {
    order.forEach((id, i) => this.pos.set(id, i));
    this.got = order.map(() => []);
    this.keys = order.map(() => null);
  }

  /** Prefix length emitted so far. */
  get prefix(): number {
    return this.head;
  }

  /** Samples with at least one record. */
  get touched(): number {
    return this.got.reduce((n, g) => n + (g.length ? 1 : 0), 0);
  }

  add(sampleId: string, item: T): void {
    const i = this.pos.get(sampleId);
    // An emitted sample's records are already in the test: nothing later changes it.
    if (i === undefined || i < this.head) return;
    if (this.keyOf) {
      const key = this.keyOf(item);
      if (key === null) return;
      const seen = (this.keys[i] ??= new Set());
      if (seen.has(key)) return;
      seen.add(key);
    }
    this.got[i]!.push(item);
    while (this.head < this.order.length && this.got[this.head]!.length >= this.perSample) {
      this.emit(this.head, this.got[this.head]!);
      this.keys[this.head] = null;
      this.head++;
    }
  }
}

export interface GatePair {
  candidate: string;
  baseline: string;
}

/**
 * The (candidate, baseline) pairs whose tests decide the stop. With a gate
 * section (or --candidate/--baseline), only the gate's pair: the others would
 * cost calls the gate never reads. Without one, every pair the report shows:
 * compare's candidates × baselines, or for score with none configured, every
 * model against the first.
 */
export function gatePairs(loaded: LoadedConfig, argv: Record<string, unknown>, models: readonly string[]): GatePair[] {
  const { config } = loaded;
  if (config.gate || argv.candidate || argv.baseline) {
    const g = resolveGateSettings(config, loaded.baseDir, argv);
    return [{ candidate: g.candidate, baseline: g.baseline }];
  }
  const cs = config.compare.candidates.filter((m) => models.includes(m));
  const bs = config.compare.baselines.filter((m) => models.includes(m));
  if (cs.length && bs.length) return cs.flatMap((candidate) => bs.filter((b) => b !== candidate).map((baseline) => ({ candidate, baseline })));
  const [first, ...rest] = models;
  return first === undefined ? [] : rest.map((candidate) => ({ candidate, baseline: first }));
}

export const familyAlpha = (loaded: LoadedConfig) => loaded.config.gate?.alpha ?? 0.05;

/** The gate's margin in score units (0 without a gate section). */
export const gateMargin = (loaded: LoadedConfig) => loaded.config.gate?.margin ?? 0;

export type { Session };

/**
 * How far launching may run ahead of the seeded prefix. Without a bound, one
 * slow sample at the head (a judge retrying through a rate limit) would let
 * the pool launch sample after sample behind it, all judged whatever the
 * decision; with it, at most `ahead` samples past the prefix are ever
 * launched, so at the stop at most `ahead` samples beyond the decided prefix
 * are judged. `ahead` is the pool's width in samples, so with samples ending
 * in order the pool never waits.
 */
export class LaunchWindow {
  private running = 0;
  private waiters: Array<() => void> = [];
  constructor(
    private readonly position: ReadonlyMap<string, number>,
    private readonly prefix: () => number,
    private readonly ahead: number,
    private readonly stopped: () => boolean,
  ) {}

  /** The prefix advanced. */
  advanced(): void {
    this.wake();
  }

  /** A job ended; `running` are still out. */
  settled(running: number): void {
    this.running = running;
    this.wake();
  }

  /** Resolves true when `sampleId` may be launched, false once judging is decided. */
  async admit(sampleId: string): Promise<boolean> {
    const i = this.position.get(sampleId) ?? 0;
    // Nothing out means nothing can advance the prefix: waiting longer would never end.
    while (!this.stopped() && i >= this.prefix() + this.ahead && this.running > 0) await new Promise<void>((r) => this.waiters.push(r));
    return !this.stopped();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }
}

/**
 * Flags and settings --until-decided cannot honour, refused before anything
 * is spent (`run` calls this before generating): a batch is submitted whole,
 * and one listwise call judges every model at once, so neither can stop early.
 */
export function checkUntilDecided(loaded: LoadedConfig, argv: Record<string, unknown>, scoring: boolean): void {
  if (!argv['until-decided']) return;
  if (argv.batch) throw new UsageError('--until-decided cannot be combined with --batch: a batch is submitted whole and cannot stop early');
  if (scoring && loaded.config.score.mode !== 'per-response')
    throw new UsageError(
      `score --until-decided needs score.mode "per-response" (the config has "${loaded.config.score.mode}"): one listwise call judges every model at once`,
    );
}

/** The hooks a stage takes to judge in the seeded order and stop launching at the decision. */
export interface DecidingHooks<R> {
  keepLaunching: (sampleId: string) => Promise<boolean>;
  onSettled: (running: number) => void;
  onRecord: (record: R) => void;
  /** Every record already logged that stands (this run does not redo it), given before the first job. */
  onRecorded: (record: R) => void;
}

/**
 * One stage over `order` with the prefix feed and the launch window that
 * compare and score share. `decide(i, records)` folds sample i's records (in
 * seeded order) into the tests and says whether every needed test is now
 * decided. In a resumed run the stage hands over what is already recorded
 * and stands first: a failure it is about to redo (a response that exists
 * now, --retry-failed) is not fed as final; its redone record is.
 */
export async function judgeUntilDecided<R extends { sampleId: string }, S>(opts: {
  order: readonly Sample[];
  jobsPerSample: number;
  inflight: number;
  /** True when there is nothing to decide (no needed test). */
  decidedAtStart: boolean;
  /** The record's job key; null for a record that is not one of the stage's jobs. */
  keyOf: (record: R) => string | null;
  decide: (index: number, records: R[]) => boolean;
  run: (hooks: DecidingHooks<R>) => Promise<S>;
}): Promise<{ summary: S; judged: number; stoppingPrefix: number | null }> {
  let stoppingPrefix: number | null = opts.decidedAtStart ? 0 : null;
  const ids = opts.order.map((x) => x.id);
  const launches = new LaunchWindow(
    new Map(ids.map((id, i) => [id, i])),
    () => feed.prefix,
    Math.max(1, Math.ceil(opts.inflight / Math.max(1, opts.jobsPerSample))),
    () => stoppingPrefix !== null,
  );
  const feed = new PrefixFeed<R>(
    ids,
    opts.jobsPerSample,
    (i, records) => {
      const decided = opts.decide(i, records);
      launches.advanced();
      if (stoppingPrefix === null && decided) stoppingPrefix = i + 1;
    },
    opts.keyOf,
  );
  const summary = await opts.run({
    keepLaunching: (id) => launches.admit(id),
    onSettled: (running) => launches.settled(running),
    onRecord: (r) => feed.add(r.sampleId, r),
    onRecorded: (r) => feed.add(r.sampleId, r),
  });
  return { summary, judged: feed.touched, stoppingPrefix };
}

/** The figures every stage's until-decided section opens with. */
export function stageFigures(inSplit: number, judged: number, stoppingPrefix: number | null, callsPerSample: number) {
  return {
    stoppedEarly: judged < inSplit,
    samplesJudged: judged,
    samplesInSplit: inSplit,
    stoppingPrefix,
    callsPerSample,
    callsSaved: (inSplit - judged) * callsPerSample,
  };
}
