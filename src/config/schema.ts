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
  })
  .strict();

export const ModelSchema = z
  .object({
    name,
    kind: z.enum(['plain', 'ebm']).default('plain'),
    baseUrl: z.string().url().optional(),
    model: z.string().min(1).optional(),
    apiKeyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name').optional(),
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
    /** Share of failed judgments above which the run is unfit to judge (exit 3). */
    maxFailureShare: z.number().min(0).max(1).default(0.05),
    junit: z.string().optional(),
  })
  .strict();

export const ProviderSchema = z
  .object({
    concurrency: z.number().int().min(1).default(16),
    timeoutMs: z.number().int().min(1).default(120_000),
    maxRetries: z.number().int().min(0).default(5),
    cacheDir: z.string().default('.rolejudge-cache'),
    cache: z.boolean().default(true),
    /** `sdk`: the openai client's create(); `node-http`: the same request on node:http, for fast local servers. */
    transport: z.enum(['sdk', 'node-http']).default('sdk'),
    /** Longest Retry-After honoured, in seconds; a longer one stops the stage (exit 3) instead of waiting. */
    maxRetryAfterSec: z.number().min(0).default(120),
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
      .object({ baseUrl: z.string().url().optional(), apiKeyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).optional() })
      .strict()
      .default({}),
    /** Folders of judge and rubric files; default: the ones shipped with rolejudge. */
    judgesDir: z.string().optional(),
    rubricsDir: z.string().optional(),
    framesCacheDir: z.string().default('.rolejudge-cache/frames'),
    score: ScoreSchema.default(ScoreSchema.parse({})),
    compare: CompareSchema.default(CompareSchema.parse({})),
    gate: GateSchema.optional(),
    provider: ProviderSchema.default(ProviderSchema.parse({})),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type ModelConfig = z.infer<typeof ModelSchema>;
export type DatasetConfig = z.infer<typeof DatasetSchema>;
export type GateConfig = z.infer<typeof GateSchema>;
