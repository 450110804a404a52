// Everything that can be checked before the first paid call is checked here,
// once, and every problem found is listed together: the config, the judges and
// rubrics it names (files exist, parse, templates compile, every input a
// template reads is carried by the samples), model prompt templates, the split,
// each `outputs:` file, and the gate's model names. Nothing is written and no
// request is made until this passes.
import { dirname } from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import type { ModelConfig } from '../config/schema.js';
import { checkPromptTemplate, promptFiles } from '../config/prompts.js';
import { ConfigError, InputError, InputErrors, UsageError } from '../core/errors.js';
import { DatasetError } from '../dataset/errors.js';
import { missingMedia, type MediaDrop } from '../pipeline/media.js';
import { undecodableMedia, type MediaCandidate, type SceneReader } from '../pipeline/decodable.js';
import type { Selection } from '../dataset/selection.js';
import type { OutputsReport } from '../dataset/outputs.js';
import type { Sample } from '../core/records.js';
import { checkOutputs, readOutputsFile } from './outputs-check.js';
import { loadListwiseRubric, type Rubric } from '../judge/rubrics/rubric.js';
import { judgeFramesRequest } from '../judge/scene.js';
import { modelFramesRequest } from '../stages/generate/scene.js';
import { planJudging, type JudgingPlan } from '../pipeline/plan.js';
import { openSplit, type Split } from '../pipeline/samples.js';

export type StageName = 'generate' | 'score' | 'compare' | 'gate';

export interface PreflightOptions {
  stages: StageName[];
  selection: Selection;
  models: ModelConfig[];
  metrics?: string[];
  judges?: string[];
  rounds?: number;
  /** compare's pairs, already narrowed by --models. */
  pairs?: { candidates: string[]; baselines: string[] };
  warn: (msg: string) => void;
  /** Sees every selected sample of the validating pass (run builds its cluster map from it). */
  onSelected?: (s: Sample) => void;
}

export interface Preflight {
  /** The selection, less the samples dropped for missing or undecodable media. */
  split: Split;
  pointwise: JudgingPlan | null;
  pairwise: JudgingPlan | null;
  /** Samples dropped because a clip or frame file that a model or judge needs is missing or cannot be decoded. */
  drops: MediaDrop[];
}

export async function preflight(loaded: LoadedConfig, opts: PreflightOptions): Promise<Preflight> {
  const problems: Error[] = [];
  const keep = (err: unknown) => {
    if (!(err instanceof InputError)) throw err;
    problems.push(...(err instanceof InputErrors ? err.problems : [err]));
  };
  const guard = async <T>(fn: () => T | Promise<T>): Promise<T | null> => {
    try {
      return await fn();
    } catch (err) {
      keep(err);
      return null;
    }
  };
  const { config, file } = loaded;
  const wants = (s: StageName) => opts.stages.includes(s);

  // Outputs files are read first, so the one validating pass over the split
  // can keep just the samples their joins are checked against.
  const recorded = new Map<ModelConfig, OutputsReport>();
  if (wants('generate')) {
    for (const m of opts.models) {
      if (!m.outputs) continue;
      const report = await guard(() => readOutputsFile(m));
      if (report) recorded.set(m, report);
    }
  }
  const byContent = [...recorded.keys()].some((m) => m.join === 'content');
  const wanted = new Set<string>();
  for (const r of recorded.values()) for (const id of r.outputs.keys()) wanted.add(id);
  const kept: Sample[] = [];
  const missing: MediaDrop[] = [];
  // Samples whose media exist: decoded below, once it is known what the stages decode.
  const present: MediaCandidate[] = [];
  const split = await guard(() =>
    openSplit(loaded, opts.selection, (s, line) => {
      const gone = missingMedia(s);
      if (gone) missing.push({ ...gone, line });
      else if (s.video?.path || s.video?.frames?.length) present.push({ sample: { id: s.id, video: s.video }, line });
      opts.onSelected?.(s);
      if (byContent || wanted.has(s.id)) kept.push(s);
    }),
  );

  if (wants('generate')) {
    for (const [i, m] of config.models.entries()) {
      if (!opts.models.includes(m)) continue;
      if (m.outputs) {
        const report = recorded.get(m);
        if (report) await guard(() => checkOutputs(m, report, split, kept, opts.warn));
        continue;
      }
      const f = promptFiles(m);
      await guard(() => checkPromptTemplate(f.system, `models.${i}.prompt`));
      await guard(() => checkPromptTemplate(f.user, `models.${i}.prompt`));
    }
  }

  const judging = {
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
    ...(opts.judges ? { judges: opts.judges } : {}),
    ...(opts.rounds !== undefined ? { rounds: opts.rounds } : {}),
  };
  // A split that failed to load has its own errors; its samples' inputs are unknown, not absent.
  const survey = split ?? null;
  let pointwise: JudgingPlan | null = null;
  const listwise: Array<Pick<Rubric, 'scene'>> = [];
  if (wants('score')) {
    pointwise = await guard(() => planJudging(loaded, survey, { mode: 'pointwise', ...judging }));
    if (config.score.mode !== 'per-response') {
      const ids = config.score.mode === 'multi-metric' ? [config.score.multiMetricRubric] : (config.score.listwiseRubrics ?? [config.score.listwiseRubric]);
      for (const id of ids) {
        const r = await guard(() => loadListwiseRubric(config.rubricsDir, id));
        if (r) listwise.push(r);
      }
    }
  }
  let pairwise: JudgingPlan | null = null;
  if (wants('compare')) {
    if (!opts.pairs?.candidates.length || !opts.pairs.baselines.length)
      problems.push(new UsageError(`compare needs compare.candidates and compare.baselines in ${file}`));
    const metrics = opts.metrics ?? config.compare.metrics;
    pairwise = await guard(() => planJudging(loaded, survey, { mode: 'pairwise', ...judging, ...(metrics ? { metrics } : {}) }));
  }

  if (wants('gate') && config.gate) {
    const names = config.models.map((m) => m.name);
    for (const field of ['candidate', 'baseline'] as const) {
      const n = config.gate[field];
      if (n !== undefined && !names.includes(n))
        problems.push(ConfigError.field(file, `gate.${field}`, `a model named in "models" (got "${n}"; known: ${names.join(', ')})`));
    }
  }

  // The score and compare plans load the same judges and rubrics, so one mistake can be found twice: stated (and counted) once.
  const distinct = problems.filter((p, i) => problems.findIndex((q) => q.message === p.message) === i);
  if (distinct.length) throw distinct.length === 1 ? distinct[0]! : new InputErrors(distinct);
  // Missing media matter only when a model or judge is shown the scene; media
  // that exist are decoded only where a stage will decode them (frames sampled).
  const where = { cacheDir: config.framesCacheDir, datasetRoot: config.dataset.root ?? dirname(config.dataset.path) };
  const readers = sceneReaders(opts, where, pointwise, pairwise, listwise);
  const seesScene = readers.length > 0 || (wants('generate') && opts.models.some((m) => !m.outputs && m.video === 'video_url'));
  const drops = seesScene ? [...missing, ...(await undecodableMedia(present, readers))].sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) : [];
  if (drops.length) {
    const total = split!.ids.length;
    const share = drops.length / total;
    const list = drops
      .slice(0, 5)
      .map((d) => `${d.sampleId} (${d.field} ${d.file}${d.message ? `: ${d.message}` : ''})`)
      .join(', ');
    const what = mediaWords(drops);
    const max = config.dataset.maxMissingMedia;
    if (share > max) {
      // Bad input found before anything is spent (exit 2): each missing file is
      // named with its split line and field; below the share they are dropped.
      const splitFile = split!.options.path;
      const each = drops.slice(0, 20).map((d) => new DatasetError({ file: splitFile, line: d.line ?? 0, field: d.field, ...expectedMedia(d) }));
      const head = new ConfigError(
        file,
        `dataset.maxMissingMedia: ${drops.length} of ${total} selected samples (${(100 * share).toFixed(1)} %) have ${what}, more than dataset.maxMissingMedia = ${max} allows: ${list}${drops.length > 5 ? ', …' : ''}. Nothing was spent; restore or repair the files, or raise dataset.maxMissingMedia to drop those samples.`,
        { field: 'dataset.maxMissingMedia' },
      );
      throw new InputErrors([head, ...each]);
    }
    opts.warn(`${drops.length} of ${total} selected samples dropped for ${what} (listed in drops.jsonl): ${list}${drops.length > 5 ? ', …' : ''}`);
  }
  return { split: drops.length ? withoutSamples(split!, new Set(drops.map((d) => d.sampleId))) : split!, pointwise, pairwise, drops };
}

/** "missing media", "undecodable media" or both: what the drops are. */
function mediaWords(drops: readonly MediaDrop[]): string {
  const reasons = new Set(drops.map((d) => d.reason));
  return reasons.size > 1 ? 'missing or undecodable media' : reasons.has('undecodable-media') ? 'undecodable media' : 'missing media';
}

/** What the split's field should have held, and what it held (sample id and the decoder's reason). */
function expectedMedia(d: MediaDrop): { expected: string; got: string } {
  if (d.reason === 'missing-media') return { expected: 'an existing media file', got: JSON.stringify(d.file) };
  const expected = d.field === 'video.path' ? 'a video clip ffprobe can read (with a video stream)' : 'an image file that can be decoded';
  return { expected, got: `${JSON.stringify(d.file)} (sample ${d.sampleId}): ${d.message ?? 'cannot be decoded'}` };
}

/**
 * How each stage shows the scene, where it decodes media: a live model in
 * frames mode (frames sampled from the clip, up to maxFrames), and a judge that
 * sees frames on a rubric that sends some. video_url mode sends the clip as it
 * is (nothing decoded here); caption and none modes send no media.
 */
function sceneReaders(
  opts: PreflightOptions,
  where: { cacheDir: string; datasetRoot: string },
  pointwise: JudgingPlan | null,
  pairwise: JudgingPlan | null,
  listwise: ReadonlyArray<Pick<Rubric, 'scene'>>,
): SceneReader[] {
  const readers: SceneReader[] = [];
  if (opts.stages.includes('generate')) for (const m of opts.models) if (!m.outputs && m.video === 'frames') readers.push(modelFramesRequest(m, where));
  const fromRubric = (r: Pick<Rubric, 'scene'>) => {
    if (r.scene.frames > 0) readers.push(judgeFramesRequest(r, where));
  };
  for (const p of [pointwise, pairwise]) if (p?.judges.some((j) => j.sees === 'frames')) p.rubrics.forEach(fromRubric);
  if (pointwise?.judges.some((j) => j.sees === 'frames')) listwise.forEach(fromRubric);
  return readers;
}

/** The split less some samples: ids and the stream both skip them, so every stage drops them alike. */
function withoutSamples(split: Split, gone: Set<string>): Split {
  const samples = split.samples;
  return {
    ...split,
    ids: split.ids.filter((id) => !gone.has(id)),
    samples: () =>
      (async function* () {
        for await (const s of samples()) if (!gone.has(s.id)) yield s;
      })(),
  };
}
