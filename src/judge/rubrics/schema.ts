// The shape of rubrics/<id>.yaml. Kept apart from the loader so other stages
// can import the types without pulling in Handlebars.
import type { TemplateVariables } from '../../core/templates.js';
import { z } from 'zod';
import { LISTWISE_PARSERS, PAIRWISE_PARSERS } from '../parsers/names.js';

/** What a template may need from a sample (plus frames, attached by code). */
export const INPUTS = ['frames', 'caption', 'reference', 'character', 'user', 'history'] as const;
export type Input = (typeof INPUTS)[number];

export const PROTOCOLS = ['ebm-rl', 'video2roleplay'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

const idSchema = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes only');

const scaleSchema = z
  .object({ min: z.number().int(), max: z.number().int() })
  .strict()
  .refine((s) => s.max > s.min, { message: 'max must be greater than min' });

const bandSchema = z
  .object({ min: z.number().int(), max: z.number().int(), label: z.string().min(1) })
  .strict()
  .refine((b) => b.max >= b.min, { message: 'band max must be >= band min' });

const sceneSchema = z
  .object({
    /** Frames the judge is shown; 0 = text only. */
    frames: z.number().int().min(0),
    /** Long side in pixels after downscaling. */
    longSide: z.number().int().positive().default(512),
    /** Where the uniform picks fall: 'middle' of n equal segments (default), or 'start', index int(k·total/n) (EBM-RL). */
    index: z.enum(['middle', 'start']).default('middle'),
    /** 'down': only ever downscale (default); 'exact': the long side is exactly longSide, upscaling small clips (EBM-RL). */
    resize: z.enum(['down', 'exact']).default('down'),
    detail: z.enum(['low', 'high']).default('low'),
    format: z.enum(['jpeg', 'png']).default('jpeg'),
  })
  .strict();

const commonFields = {
  id: idSchema,
  name: z.string().min(1),
  protocol: z.enum(PROTOCOLS),
  // A string so "1.1" does not silently become the number 1.1 and back.
  version: z.string().min(1),
  scale: scaleSchema,
  inputs: z.array(z.enum(INPUTS)).refine((l) => new Set(l).size === l.length, {
    message: 'inputs must not repeat',
  }),
  scene: sceneSchema,
};

export const rubricMetaSchema = z
  .object({
    ...commonFields,
    abbr: z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, 'letters and digits only'),
    bands: z.array(bandSchema).optional(),
    pairwise: z
      .string()
      .regex(/\.hbs$/, 'must name a .hbs file')
      .optional(),
    /** The reply grammar of the pairwise template (parsers/registry.ts). */
    pairwiseParser: z.enum(PAIRWISE_PARSERS).default('verdict'),
    /** Completion budget for pairwise calls, overriding the judge's maxTokens (EBM-RL: 1024). */
    pairwiseMaxTokens: z.number().int().positive().optional(),
  })
  .strict()
  .superRefine((meta, ctx) => {
    const bands = meta.bands ?? [];
    let prevMax = -Infinity;
    bands.forEach((band, i) => {
      if (band.min < meta.scale.min || band.max > meta.scale.max) {
        ctx.addIssue({ code: 'custom', path: ['bands', i], message: 'band lies outside the scale' });
      }
      if (band.min <= prevMax) {
        ctx.addIssue({ code: 'custom', path: ['bands', i], message: 'bands must be ascending and not overlap' });
      }
      prevMax = band.max;
    });
  });

export const listwiseMetaSchema = z
  .object({
    ...commonFields,
    mode: z.literal('listwise'),
    /** Metrics scored in the one prompt and the JSON key the judge uses for each. */
    metrics: z.array(z.object({ id: idSchema, key: z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/) }).strict()).min(1),
    /** The reply grammar (parsers/registry.ts): JSON per label, or EBM-RL's [[Model X]] blocks. */
    parser: z.enum(LISTWISE_PARSERS).default('json-listwise'),
    /** Completion budget for this rubric's calls, overriding the judge's maxTokens. */
    maxTokens: z.number().int().positive().optional(),
    /**
     * What score.zeroOnFailure (the paper's conventions) does with this rubric:
     * `zero` — an empty answer is shown as "(EMPTY RESPONSE)" and scores 0, an
     * unparsed label scores 0 (EBM-RL); `drop` — a sample with a model still
     * missing after the re-asks is dropped and logged in drops.jsonl (the
     * earlier six-metric judge).
     */
    paperFailure: z.enum(['zero', 'drop']).default('zero'),
  })
  .strict();

export type Scale = z.infer<typeof scaleSchema>;
export type Band = z.infer<typeof bandSchema>;
export type Scene = z.infer<typeof sceneSchema>;
export type RubricMeta = z.infer<typeof rubricMetaSchema>;
export type ListwiseMeta = z.infer<typeof listwiseMetaSchema>;

/** A loaded template: its source, where it came from, and its provenance hash. */
export interface TemplateFile {
  file: string;
  source: string;
  /** sha256(source + rubric version), hex. */
  hash: string;
  /** Top-level variables the template reads (see template.ts). */
  variables: TemplateVariables;
}

export type { TemplateVariables };

/** A metric rubric: metadata plus its pointwise (and optional pairwise) template. */
export interface Rubric extends RubricMeta {
  dir: string;
  template: TemplateFile;
  pairwiseTemplate: TemplateFile | null;
}

/** A listwise rubric: several metrics, several anonymous models, one prompt. */
export interface ListwiseRubric extends ListwiseMeta {
  dir: string;
  template: TemplateFile;
}
