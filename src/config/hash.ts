// The config hash names what changes a run's results, so a resume is refused
// exactly when old records could differ from new ones. In it: data (dataset
// settings), models (names, model ids, prompts, parameters, frames), judges
// and rubrics (named in the config, and the contents of their files), seeds
// and scoring/comparison/gate rules. Out of it: how and where the work is done
// — retries, timeouts, concurrency, transports, endpoints' base-URL overrides,
// API-key variable names, cache and output locations — which a user changes
// between two runs of one evaluation (a new port, more retries) without
// changing a single figure. docs/notes-honest-b.md lists both.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import YAML from 'yaml';
import { canonicalJson, sha256 } from '../core/hash.js';
import type { Config } from './schema.js';

/** Fields of a judge file that do not change a reply (see judges/README.md, "Provenance"). */
const JUDGE_OPERATIONAL = ['concurrency', 'apiKeyEnv', 'baseUrl'];

/** The result-changing part of a config: operational settings removed, run id too (shards share a hash). */
export function resultSettings(config: Config): Record<string, unknown> {
  const { id: _id, outputDir: _o, reportsDir: _r, ...run } = config.run;
  const { judgeOverrides: _j, framesCacheDir: _f, provider: _p, judgesDir: _jd, rubricsDir: _rd, ...rest } = config;
  const models = config.models.map(({ concurrency: _c, timeoutMs: _t, apiKeyEnv: _k, ...m }) => m);
  // The cached-token price only changes how a report states a saving, never a record.
  const { cachedTokenPrice: _ctp, ...report } = config.report;
  return { ...rest, run, models, report };
}

function fileText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** A judge file's settings minus the operational ones, and its ensemble members' in turn. */
function judgeDigest(dir: string, name: string, seen: Set<string>, out: Record<string, unknown>): void {
  if (seen.has(name)) return;
  seen.add(name);
  const text = fileText(join(dir, `${name}.yaml`));
  if (text === null) return; // preflight reports the missing judge
  let parsed: unknown;
  try {
    parsed = YAML.parse(text);
  } catch {
    out[name] = sha256(text);
    return;
  }
  if (!parsed || typeof parsed !== 'object') return;
  const judge = { ...(parsed as Record<string, unknown>) };
  for (const k of JUDGE_OPERATIONAL) delete judge[k];
  out[name] = judge;
  const members = judge.ensemble;
  if (Array.isArray(members)) for (const m of members) if (typeof m === 'string') judgeDigest(dir, m, seen, out);
}

/** Digests of every file of a rubric: `<id>.yaml` and the templates named `<id>.*`. */
function rubricDigest(dir: string, id: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  const yaml = fileText(join(dir, `${id}.yaml`));
  const named = new Set<string>();
  if (yaml !== null) {
    // Templates the rubric names under other file names count too.
    for (const m of yaml.matchAll(/[\w.-]+\.hbs/g)) named.add(m[0]);
  }
  for (const f of readdirSync(dir))
    if (f.startsWith(`${id}.`) || named.has(f)) {
      const t = fileText(join(dir, f));
      if (t !== null) out[f] = sha256(t);
    }
  return out;
}

/**
 * The hash of a validated (not yet path-resolved) config. `baseDir` and the
 * judge/rubric folders locate the files whose contents count; their paths
 * do not, so one config checked out in two places hashes the same.
 */
export function configHashOf(config: Config, baseDir: string, judgesDir: string, rubricsDir: string): string {
  const at = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const prompts: Record<string, string | null> = {};
  for (const m of config.models) if (m.prompt) prompts[m.name] = sha256(fileText(at(m.prompt)) ?? '');
  const judges: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const j of config.judges) judgeDigest(judgesDir, j, seen, judges);
  const rubricIds = new Set([...config.rubrics, config.score.listwiseRubric, config.score.multiMetricRubric]);
  const rubrics: Record<string, unknown> = {};
  for (const r of [...rubricIds].sort()) rubrics[r] = rubricDigest(rubricsDir, r);
  return sha256(canonicalJson({ settings: resultSettings(config), prompts, judges, rubrics })).slice(0, 16);
}
