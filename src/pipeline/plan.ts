// Resolving what a judging stage runs: rubrics, concrete judges (ensembles
// expanded), rounds, and an up-front check that every rubric's template gets
// the inputs it reads — so a missing caption fails at load, not mid-run.
import type { LoadedConfig } from '../config/load.js';
import { loadJudges, resolveJudges, type Judge } from '../judge/judges.js';
import { availableInputs, checkInputs, loadRubric, type Rubric } from '../judge/rubrics/rubric.js';
import type { Sample } from '../core/records.js';
import type { Input } from '../judge/rubrics/schema.js';
import { ConfigError, InputError, InputErrors, UsageError } from '../core/errors.js';

export interface JudgingPlan {
  rubrics: Rubric[];
  judges: Judge[];
  /** Rounds per judge (the judge's own, or --rounds). */
  rounds: Map<string, number>;
}

export interface PlanOptions {
  metrics?: string[];
  judges?: string[];
  rounds?: number;
  mode: 'pointwise' | 'pairwise';
}

/**
 * `samples` may be a streamed split's survey: only the inputs every sample
 * carries are needed here. `null`: the split did not load, so what its samples
 * carry is unknown and the inputs are not checked (the split's own errors say
 * what is wrong; "the samples lack every input" would be false). Every
 * problem found is listed together (InputErrors), so a user fixes a config in
 * one go, not one run per mistake.
 */
export function planJudging(loaded: LoadedConfig, samples: Sample[] | { inputs: Input[] } | null, opts: PlanOptions): JudgingPlan {
  const { config, file } = loaded;
  const problems: Error[] = [];
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      if (err instanceof InputErrors) problems.push(...err.problems);
      else problems.push(err);
      return undefined;
    }
  };
  const ids = opts.metrics ?? (config.rubrics.length ? config.rubrics : undefined);
  if (!ids?.length) problems.push(ConfigError.field(file, 'rubrics', 'a list of rubric ids (files in rubrics/)'));
  if (opts.metrics) {
    const unknown = config.rubrics.length ? opts.metrics.filter((m) => !config.rubrics.includes(m)) : [];
    if (unknown.length) problems.push(new UsageError(`--metrics: ${unknown.join(', ')} not in the config's rubrics (${config.rubrics.join(', ')})`));
  }
  const rubrics: Rubric[] = [];
  const seen = new Set<string>();
  for (const id of ids ?? []) {
    if (seen.has(id)) {
      problems.push(ConfigError.field(file, 'rubrics', `each rubric once ("${id}" is listed twice)`));
      continue;
    }
    seen.add(id);
    const r = attempt(() => loadRubric(config.rubricsDir, id));
    if (r) rubrics.push(r);
  }
  const names = opts.judges ?? config.judges;
  if (!names.length) problems.push(ConfigError.field(file, 'judges', 'a list of judge names (files in judges/)'));
  if (opts.judges) {
    const unknown = opts.judges.filter((j) => !config.judges.includes(j));
    if (unknown.length) problems.push(new UsageError(`--judges: ${unknown.join(', ')} not in the config's judges (${config.judges.join(', ')})`));
  }
  let judges: Judge[] = [];
  const known = attempt(() => loadJudges(config.judgesDir));
  if (known && names.length) {
    try {
      judges = resolveJudges(names, known);
    } catch (err) {
      problems.push(ConfigError.field(file, 'judges', `judges that exist in ${config.judgesDir}: ${(err as Error).message}`));
    }
  }
  const have = samples === null ? null : Array.isArray(samples) ? availableInputs(samples) : samples.inputs;
  for (const r of rubrics) {
    if (opts.mode === 'pairwise' && !r.pairwiseTemplate)
      problems.push(ConfigError.field(file, 'rubrics', `rubric "${r.id}" to have a pairwise template for compare`));
    if (have === null) continue;
    for (const j of judges) {
      const problem = checkInputs(r, have, { mode: opts.mode, sees: j.sees });
      if (problem) problems.push(ConfigError.field(file, 'rubrics', `inputs the samples carry: ${problem} (rubric "${r.id}", judge "${j.name}")`));
    }
  }
  if (problems.length) throw problems.length === 1 ? problems[0]! : new InputErrors(problems);
  const rounds = new Map(judges.map((j) => [j.name, opts.rounds ?? j.rounds]));
  return { rubrics, judges, rounds };
}
