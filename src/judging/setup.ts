// Resolving what a judging stage runs: rubrics, concrete judges (ensembles
// expanded), rounds, and an up-front check that every rubric's template gets
// the inputs it reads — so a missing caption fails at load, not mid-run.
import type { StageContext } from '../context.js';
import { loadJudges, resolveJudges, type Judge } from '../judge/judge.js';
import { availableInputs, checkInputs, loadRubrics, type Rubric } from '../judge/rubric.js';
import type { Sample } from '../types.js';
import type { Input } from '../judge/rubric-schema.js';
import { UsageError } from '../commands/errors.js';
import { ConfigError } from '../config/load.js';

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

/** `samples` may be a streamed split's survey: only the inputs every sample carries are needed here. */
export function planJudging(ctx: StageContext, samples: Sample[] | { inputs: Input[] }, opts: PlanOptions): JudgingPlan {
  const { config, file } = ctx.loaded;
  const ids = opts.metrics ?? (config.rubrics.length ? config.rubrics : undefined);
  if (!ids || !ids.length) throw new ConfigError(file, 'rubrics', 'a list of rubric ids (files in rubrics/)');
  if (opts.metrics) {
    const unknown = config.rubrics.length ? opts.metrics.filter((m) => !config.rubrics.includes(m)) : [];
    if (unknown.length) throw new UsageError(`--metrics: ${unknown.join(', ')} not in the config's rubrics (${config.rubrics.join(', ')})`);
  }
  const rubrics = loadRubrics(config.rubricsDir, ids);
  const names = opts.judges ?? config.judges;
  if (!names.length) throw new ConfigError(file, 'judges', 'a list of judge names (files in judges/)');
  if (opts.judges) {
    const unknown = opts.judges.filter((j) => !config.judges.includes(j));
    if (unknown.length) throw new UsageError(`--judges: ${unknown.join(', ')} not in the config's judges (${config.judges.join(', ')})`);
  }
  let judges: Judge[];
  try {
    judges = resolveJudges(names, loadJudges(config.judgesDir));
  } catch (err) {
    throw new ConfigError(file, 'judges', (err as Error).message);
  }
  const have = Array.isArray(samples) ? availableInputs(samples) : samples.inputs;
  for (const r of rubrics) {
    if (opts.mode === 'pairwise' && !r.pairwiseTemplate) throw new ConfigError(file, 'rubrics', `rubric "${r.id}" to have a pairwise template for compare`);
    for (const j of judges) {
      const problem = checkInputs(r, have, { mode: opts.mode, sees: j.sees });
      if (problem) throw new ConfigError(file, 'rubrics', `inputs the samples carry: ${problem} (judge "${j.name}")`);
    }
  }
  const rounds = new Map(judges.map((j) => [j.name, opts.rounds ?? j.rounds]));
  return { rubrics, judges, rounds };
}
