// Loading resolves every relative path against the config file's folder, so a
// config works from any working directory.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import YAML from 'yaml';
import { ConfigSchema, type Config } from './schema.js';
import { BUILTIN_JUDGES, BUILTIN_RUBRICS } from '../core/paths.js';
import { configHashOf } from './hash.js';

/** A config after loading: every path absolute, judge and rubric folders set. */
export type ResolvedConfig = Config & { judgesDir: string; rubricsDir: string };

export { ConfigError };

export interface LoadedConfig {
  config: ResolvedConfig;
  file: string;
  /** Folder relative paths in the config resolve against. */
  baseDir: string;
  /** sha256 of the canonical resolved config: identifies a run's settings. */
  hash: string;
}

export function parseConfigText(text: string, file: string): unknown {
  try {
    return file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    throw ConfigError.field(file, '(file)', `valid ${file.endsWith('.json') ? 'JSON' : 'YAML'} (${(err as Error).message.split('\n')[0]})`);
  }
}

export function validateConfig(raw: unknown, file: string, text?: string): Config {
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const where = (path: PropertyKey[]) => (path.length ? path.map(String).join('.') : '(root)');
    const first = issues[0]!;
    const line = text !== undefined && !file.endsWith('.json') ? yamlLine(text, first.path) : undefined;
    const err = ConfigError.field(file, where(first.path), describeIssue(first), line);
    if (issues.length === 1) throw err;
    // Every problem at once, so a user fixes the file in one go.
    const rest = issues.slice(1).map((i) => `field "${where(i.path)}": expected ${describeIssue(i)}`);
    throw new ConfigError(file, `${err.message.slice(err.message.indexOf(': ') + 2)}; and ${rest.length} more: ${rest.join('; ')}`, {
      field: err.field!,
      expected: err.expected!,
      ...(line ? { line } : {}),
    });
  }
  return parsed.data;
}

/** The line (1-based) of the YAML node at `path`, or of its nearest ancestor that exists. */
function yamlLine(text: string, path: PropertyKey[]): number | undefined {
  try {
    const counter = new YAML.LineCounter();
    const doc = YAML.parseDocument(text, { lineCounter: counter });
    for (let n = path.length; n >= 1; n--) {
      const node = doc.getIn(path.slice(0, n) as Array<string | number>, true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) return counter.linePos(node.range[0]).line;
    }
  } catch {
    // A line number is a courtesy; the field name is the answer.
  }
  return undefined;
}

/** A zod issue phrased to follow "expected": "a number, found string", "one of …". */
function describeIssue(issue: { code: string; message: string; keys?: string[] }): string {
  if (issue.code === 'unrecognized_keys' && issue.keys) return `no unknown keys (found ${issue.keys.join(', ')})`;
  return issue.message
    .replace(/^Invalid (input|option): /, '')
    .replace(/^expected /, '')
    .replace(/^(\w+), received undefined$/, 'a value of type $1, but the field is missing')
    .replace(/, received (\S+)$/, ', found $1');
}

export function loadConfig(file: string, overrides: { runId?: string } = {}): LoadedConfig {
  const abs = resolve(file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch {
    throw ConfigError.field(file, '(file)', 'a readable config file');
  }
  const raw = parseConfigText(text, file) as Record<string, unknown>;
  if (overrides.runId && raw && typeof raw === 'object') {
    raw.run = { ...(raw.run as object), id: overrides.runId };
  }
  const config = validateConfig(raw, file, text);
  const baseDir = dirname(abs);
  const resolved = resolvePaths(config, baseDir);
  checkModelNames(resolved, file);
  // Hash before paths are made absolute, so shards run from different
  // checkouts of the same config agree on it; operational settings are left
  // out (src/config/hash.ts), so changing a port or a retry count resumes.
  return { config: resolved, file: abs, baseDir, hash: configHashOf(config, baseDir, resolved.judgesDir, resolved.rubricsDir) };
}

function checkModelNames(config: Config, file: string): void {
  const seen = new Set<string>();
  config.models.forEach((m, i) => {
    if (seen.has(m.name)) throw ConfigError.field(file, `models.${i}.name`, `a unique model name ("${m.name}" repeats)`);
    seen.add(m.name);
  });
  const known = (n: string) => seen.has(n);
  for (const [field, list] of [
    ['compare.candidates', config.compare.candidates],
    ['compare.baselines', config.compare.baselines],
  ] as const) {
    list.forEach((n, i) => {
      if (!known(n)) throw ConfigError.field(file, `${field}.${i}`, `a model named in "models" (got "${n}")`);
    });
  }
}

const abs = (base: string, p: string) => (isAbsolute(p) ? p : resolve(base, p));

function resolvePaths(config: Config, base: string): ResolvedConfig {
  const c = structuredClone(config) as ResolvedConfig;
  c.dataset.path = abs(base, c.dataset.path);
  if (c.dataset.root) c.dataset.root = abs(base, c.dataset.root);
  if (c.dataset.profiles) c.dataset.profiles = abs(base, c.dataset.profiles);
  c.run.outputDir = abs(base, c.run.outputDir);
  c.run.reportsDir = abs(base, c.run.reportsDir);
  c.judgesDir = c.judgesDir ? abs(base, c.judgesDir) : BUILTIN_JUDGES;
  c.rubricsDir = c.rubricsDir ? abs(base, c.rubricsDir) : BUILTIN_RUBRICS;
  c.framesCacheDir = abs(base, c.framesCacheDir);
  c.provider.cacheDir = abs(base, c.provider.cacheDir);
  for (const m of c.models) {
    if (m.outputs) m.outputs = abs(base, m.outputs);
    if (m.prompt) m.prompt = abs(base, m.prompt);
  }
  return c;
}

export { configHashOf as configHash } from './hash.js';
