// Judges as data: judges/<name>.yaml describes one LLM judge, the offline
// reference judge, or an ensemble of other judges.
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { OFFLINE_VERSION } from './offline.js';
import { sha256 } from '../core/hash.js';
import { ConfigError, readYaml, validate } from './rubrics/validate.js';

const nameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only');

const llmJudgeSchema = z
  .object({
    name: nameSchema,
    kind: z.literal('llm').default('llm'),
    model: z.string().min(1),
    baseUrl: z.url(),
    /** Name of the environment variable holding the key — never the key itself. */
    apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'),
    /** Omitted for models that only accept their default (e.g. gpt-5 family). */
    temperature: z.number().min(0).max(2).optional(),
    rounds: z.number().int().min(1),
    maxTokens: z.number().int().min(1),
    reasoning: z.boolean().default(false),
    sees: z.enum(['frames', 'caption', 'none']),
    structuredOutput: z.boolean().default(false),
    concurrency: z.number().int().min(1).optional(),
  })
  .strict();

const offlineJudgeSchema = z
  .object({
    name: nameSchema,
    kind: z.literal('offline'),
    // Deterministic, so further rounds would only repeat the first.
    rounds: z.literal(1).default(1),
    sees: z.literal('caption').default('caption'),
  })
  .strict();

const ensembleSchema = z
  .object({
    name: nameSchema,
    kind: z.literal('ensemble').default('ensemble'),
    ensemble: z.array(nameSchema).min(1),
  })
  .strict();

export type LlmJudge = z.infer<typeof llmJudgeSchema>;
export type OfflineJudge = z.infer<typeof offlineJudgeSchema>;
export type Ensemble = z.infer<typeof ensembleSchema>;
/** A judge that produces judgments itself. */
export type Judge = LlmJudge | OfflineJudge;
export type JudgeEntry = Judge | Ensemble;

function schemaFor(raw: unknown): z.ZodType<JudgeEntry> {
  const obj = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  if ('ensemble' in obj || obj.kind === 'ensemble') return ensembleSchema;
  if (obj.kind === 'offline') return offlineJudgeSchema;
  return llmJudgeSchema;
}

export function parseJudge(file: string, raw: unknown): JudgeEntry {
  const entry = validate(file, schemaFor(raw), raw);
  if (basename(file).replace(/\.ya?ml$/, '') !== entry.name) {
    throw new ConfigError(file, `field "name": "${entry.name}" does not match the file name`);
  }
  return entry;
}

export function loadJudge(dir: string, name: string): JudgeEntry {
  const file = join(dir, `${name}.yaml`);
  return parseJudge(file, readYaml(file));
}

/** Every judge and ensemble in `dir`, by name. */
export function loadJudges(dir: string): Map<string, JudgeEntry> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new ConfigError(dir, `cannot list judge directory (${(err as Error).message})`);
  }
  const out = new Map<string, JudgeEntry>();
  for (const n of names.filter((f) => f.endsWith('.yaml')).sort()) {
    const entry = parseJudge(join(dir, n), readYaml(join(dir, n)));
    out.set(entry.name, entry);
  }
  return out;
}

/**
 * The concrete judges behind the given names: ensembles expand to their
 * members (nested ensembles too), duplicates kept once in first-seen order.
 */
export function resolveJudges(names: string[], registry: Map<string, JudgeEntry>): Judge[] {
  const out: Judge[] = [];
  const seen = new Set<string>();
  const visit = (name: string, path: string[]): void => {
    if (path.includes(name)) throw new Error(`ensemble cycle: ${[...path, name].join(' -> ')}`);
    const entry = registry.get(name);
    if (!entry) {
      const from = path.length > 0 ? ` (member of ensemble "${path[path.length - 1]}")` : '';
      throw new Error(`unknown judge "${name}"${from}; known: ${[...registry.keys()].join(', ')}`);
    }
    if (entry.kind === 'ensemble') {
      for (const member of entry.ensemble) visit(member, [...path, name]);
      return;
    }
    if (!seen.has(entry.name)) {
      seen.add(entry.name);
      out.push(entry);
    }
  };
  for (const name of names) visit(name, []);
  return out;
}

/**
 * Provenance hash over what changes a judge's replies. Leaves out the name
 * (renaming a file should not invalidate cached judgments), the API key
 * variable, concurrency and rounds (scheduling, not behaviour).
 */
export function judgeHash(judge: Judge): string {
  const settings =
    judge.kind === 'offline'
      ? { kind: 'offline', version: OFFLINE_VERSION }
      : {
          kind: 'llm',
          model: judge.model,
          baseUrl: judge.baseUrl.replace(/\/+$/, ''),
          temperature: judge.temperature ?? null,
          maxTokens: judge.maxTokens,
          reasoning: judge.reasoning,
          sees: judge.sees,
          structuredOutput: judge.structuredOutput,
        };
  return sha256(JSON.stringify(settings));
}
