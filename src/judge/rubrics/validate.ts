// Shared by the rubric and judge loaders: a config mistake must name the file
// and the field, or people end up bisecting YAML by hand.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../../core/errors.js';

export { ConfigError };

/** One readable line per zod issue: `field "scene.frames": Too small…`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const at = issue.path.map(String);
      // A misspelt key is reported at its parent; name the key itself.
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((k) => `field "${[...at, k].join('.')}": unknown field`).join('; ');
      }
      return `field "${at.length > 0 ? at.join('.') : '(top level)'}": ${issue.message}`;
    })
    .join('; ');
}

export function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, `cannot read file (${(err as Error).message})`);
  }
  try {
    return parseYaml(text);
  } catch (err) {
    throw new ConfigError(file, `invalid YAML (${(err as Error).message})`);
  }
}

export function validate<T>(file: string, schema: z.ZodType<T>, data: unknown): T {
  const result = schema.safeParse(data);
  if (!result.success) throw new ConfigError(file, describeIssues(result.error));
  return result.data;
}
