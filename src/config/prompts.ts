// Where a model's prompt templates are, and which variables they may read.
// Preflight checks them under the same rules as rubric templates, so a typo
// ({{charcter.name}}) stops the run before any call instead of rendering blank.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../core/paths.js';
import { ConfigError } from '../core/errors.js';
import { compileTemplate, TemplateError } from '../core/templates.js';
import type { ModelConfig } from './schema.js';

export const PROMPTS_DIR = resolve(PACKAGE_ROOT, 'prompts');

/** What a model prompt template is rendered with. */
export const PROMPT_VARIABLES = ['character', 'user', 'history', 'caption'] as const;

export function promptFiles(model: Pick<ModelConfig, 'prompt' | 'kind'>): { system: string; user: string } {
  return {
    system: model.prompt ?? join(PROMPTS_DIR, model.kind === 'ebm' ? 'ebm.system.hbs' : 'roleplay.system.hbs'),
    user: join(PROMPTS_DIR, 'roleplay.user.hbs'),
  };
}

/** Reads, compiles and checks one prompt template; returns its source. */
export function checkPromptTemplate(file: string, field: string): string {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      file,
      `cannot read the prompt template (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}), named by field "${field}"`,
      { field },
    );
  }
  let vars;
  try {
    vars = compileTemplate(source, file);
  } catch (err) {
    if (err instanceof TemplateError) throw new ConfigError(file, err.message.slice(file.length + 2), { field });
    throw err;
  }
  const known = new Set<string>(PROMPT_VARIABLES);
  const unknown = [...vars.required, ...vars.optional].filter((v) => !known.has(v));
  if (unknown.length) {
    throw new ConfigError(
      file,
      `unknown variable${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')} in a model prompt template (known: ${PROMPT_VARIABLES.join(', ')})`,
      { field },
    );
  }
  return source;
}
