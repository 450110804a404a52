// The evaluation config. Every field is documented in the README's config
// reference; defaults live here so a run's resolved config is self-describing.
import { z } from 'zod';

const name = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-" (used in file names)');

export const DatasetSchema = z
  .object({
    path: z.string().min(1),
    format: z.enum(['rolejudge', 'ebm-rl', 'llava']).default('rolejudge'),
    split: z.string().default('test'),
    /** Folder that clip/frame paths are relative to (default: the dataset file's folder). */
    root: z.string().optional(),
    /** EBM-RL character profiles (JSON). */
    profiles: z.string().optional(),
    /**
     * What makes samples dependent, for intervals and tests: 'auto' = the
     * session when the split has session ids, else none; or 'session',
     * 'video', 'character', 'none' (every sample its own cluster).
     */
    cluster: z.enum(['auto', 'session', 'video', 'character', 'none']).default('auto'),
    /**
     * Samples whose clip or frame files are missing are dropped (listed in
     * runs/<id>/drops.jsonl, counted in the report); above this share of the
     * selection the run is unfit and stops before anything is spent (exit 3).
     */
    maxMissingMedia: z.number().min(0).max(1).default(0.05),
  })
  .strict();

export const ModelSchema = z
  .object({
    name,
    kind: z.enum(['plain', 'ebm', 'answer-tag', 'cot']).default('plain'),
    baseUrl: z.string().url().optional(),
    model: z.string().min(1).optional(),
    apiKeyEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name')
      .optional(),
    video: z.enum(['video_url', 'frames', 'caption', 'none']).default('frames'),
    maxFrames: z.number().int().min(1).max(1024).default(128),
    /** Long side in pixels of frames sent to the model (0 = original size). */
    frameLongSide: z.number().int().min(0).default(0),
    /** video_url mode: send the clip inline as a data: URL instead of a file:// URL. */
    videoInline: z.boolean().default(false),
    params: z.record(z.string(), z.unknown()).default({}),
    concurrency: z.number().int().min(1).optional(),
    timeoutMs: z.number().int().min(1).optional(),
    /** Outputs made elsewhere: a JSONL of {id, output} (or EBM-RL output files). */
    outputs: z.string().optional(),
    /** Handlebars prompt template (default: judges' built-in role-play prompt). */
    prompt: z.string().optional(),
    /**
     * How an outputs file is matched to the split: by id after checking the
     * sample fields it embeds (default `id`), or by content (session + dialogue).
     */
    join: z.enum(['id', 'content']).optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (!m.outputs && (!m.baseUrl || !m.model)) {
      ctx.addIssue({ code: 'custom', message: 'either "outputs" (a file) or both "baseUrl" and "model"' });
    }
  });

export const ScoreSchema = z
  .object({
    mode: z.enum(['per-response', 'listwise', 'multi-metric']).default('per-response'),
    /** Listwise rubric (a listwise file in rubrics/) used when mode is listwise. */
    listwiseRubric: z.string().default('ebm-listwise'),
    /** Rubric scoring several metrics of one reply in one call (mode multi-metric). */
    multiMetricRubric: z.string().default('ebm-multi'),
    includePerception: z.boolean().default(false),
    maskSelfId: z.boolean().default(false),
    /** Reproduce EBM-RL's convention: empty answers and unparsed replies count as 0. */
    zeroOnFailure: z.boolean().default(false),
    maxParseRetries: z.number().int().min(0).max(10).default(2),
    /** One listwise call per rubric file, in order (EBM-RL: one metric per call); overrides listwiseRubric. */
    listwiseRubrics: z.array(z.string()).optional(),
    /** Which text of a response is judged: rolejudge's rule, or EBM-RL's released one. */
    answerExtraction: z.enum(['rolejudge', 'ebm-rl']).optional(),
    /** A model's name, id, outputs file name or output tags found in a judge prompt: masked before sending, or sent and the judgment flagged. */
    anonymity: z.enum(['mask', 'flag']).default('mask'),
  })
  .strict();

export const CompareSchema = z
  .object({
    candidates: z.array(z.string()).default([]),
    baselines: z.array(z.string()).default([]),
    bothOrders: z.boolean().default(true),
    combine: z.enum(['strict', 'ebm', 'half']).default('strict'),
    /** With bothOrders, let one order's verdict decide when the other failed (default: a failure). */
    oneOrderDecides: z.boolean().default(false),
    metrics: z.array(z.string()).optional(),
  })
  .strict();

export const GateSchema = z
  .object({
    candidate: z.string().optional(),
    baseline: z.string().optional(),
    /** A metric mean may drop by at most this much (in the rubric's units). */
    margin: z.number().min(0).default(0),
    alpha: z.number().gt(0).lt(1).default(0.05),
    power: z.number().gt(0).lt(1).default(0.8),
    /** Non-inferiority: lower Wilson bound of the decisive win rate must exceed this. */
    nonInferiorityFloor: z.number().min(0).max(1).optional(),
    /** Mean non-inferiority: each metric passes only when the lower bound of candidate − baseline is above −margin. */
    nonInferiority: z.boolean().default(false),
    /** Share of failed judgments above which the run is unfit to judge (exit 3). */
    maxFailureShare: z.number().min(0).max(1).default(0.05),
    junit: z.string().optional(),
  })
  .strict();

/** When a command's failures make its figures untrustworthy (exit 3). */
export const FailuresSchema = z
  .object({
    /** Share of failed judgments (or comparisons, or responses) above which a command exits 3; 1 = only when nothing could be judged. */
    maxShare: z.number().min(0).max(1).default(1),
  })
  .strict();

export const ProviderSchema = z
  .object({
    /** A ceiling: the pacer finds each endpoint's rate limit from its headers and 429s and stays under it. */
    concurrency: z.number().int().min(1).default(64),
    /** Pace requests and tokens per endpoint from x-ratelimit-* headers and 429s. */
    pacing: z.boolean().default(true),
    timeoutMs: z.number().int().min(1).default(120_000),
    maxRetries: z.number().int().min(0).default(5),
    cacheDir: z.string().default('.rolejudge-cache'),
    cache: z.boolean().default(true),
    /** `sdk`: the openai client over a lean node:http fetch (default); `node-http`: the same request without the SDK's request building. */
    transport: z.enum(['sdk', 'node-http']).default('sdk'),
    /** Longest Retry-After honoured, in seconds; a longer one stops the stage (exit 3) instead of waiting. */
    maxRetryAfterSec: z.number().min(0).default(120),
    /** After this many calls in a row to one endpoint gave up on 5xx/timeouts/resets, send it nothing more and stop (exit 3); 0: off. */
    breaker: z
      .object({ consecutiveFailures: z.number().int().min(0).default(5) })
      .strict()
      .default({ consecutiveFailures: 5 }),
  })
  .strict();

export const ConfigSchema = z
  .object({
    run: z
      .object({
        id: name,
        outputDir: z.string().default('runs'),
        reportsDir: z.string().default('reports'),
        seed: z.number().int().default(20250501),
      })
      .strict(),
    dataset: DatasetSchema,
    models: z.array(ModelSchema).min(1),
    judges: z.array(z.string()).default([]),
    rubrics: z.array(z.string()).default([]),
    /** Point every LLM judge at another OpenAI-compatible server (a proxy, vLLM, a test server). */
    judgeOverrides: z
      .object({
        baseUrl: z.string().url().optional(),
        apiKeyEnv: z
          .string()
          .regex(/^[A-Z_][A-Z0-9_]*$/)
          .optional(),
      })
      .strict()
      .default({}),
    /** Folders of judge and rubric files; default: the ones shipped with rolejudge. */
    judgesDir: z.string().optional(),
    rubricsDir: z.string().optional(),
    framesCacheDir: z.string().default('.rolejudge-cache/frames'),
    /** report.html's explorer: embed the frames the judge saw as thumbnails; how many samples carry full detail. */
    report: z
      .object({
        frames: z.boolean().default(false),
        explorerDetail: z.number().int().min(0).default(2000),
        /** A provider-cached prompt token's price relative to an uncached one (OpenAI gpt-4o-class: 0.5); for counts.byJudge's saving. */
        cachedTokenPrice: z.number().min(0).max(1).default(0.5),
      })
      .strict()
      .default({ frames: false, explorerDetail: 2000, cachedTokenPrice: 0.5 }),
    score: ScoreSchema.default(ScoreSchema.parse({})),
    compare: CompareSchema.default(CompareSchema.parse({})),
    gate: GateSchema.optional(),
    provider: ProviderSchema.default(ProviderSchema.parse({})),
    failures: FailuresSchema.default(FailuresSchema.parse({})),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type ModelConfig = z.infer<typeof ModelSchema>;
export type DatasetConfig = z.infer<typeof DatasetSchema>;
export type GateConfig = z.infer<typeof GateSchema>;
