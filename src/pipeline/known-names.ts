// What a human-ratings row may name: the run config's rubrics (by id or
// abbreviation, any case, since humans write "VEG" or "veg") with each
// rubric's scale, and the config's model names (exact: they are ids).
import { loadRubric } from '../judge/rubrics/rubric.js';
import type { Scale } from '../judge/rubrics/schema.js';

export interface KnownMetric {
  id: string;
  scale: Scale;
}

export interface KnownNames {
  /** lower-cased id or abbreviation → the rubric */
  metrics: Map<string, KnownMetric>;
  metricIds: readonly string[];
  models: readonly string[];
}

/**
 * A rubric file that cannot be loaded throws (ConfigError, exit 2): without
 * its scale no human score for it can be checked, and none is trusted unchecked.
 */
export function knownNames(rubricsDir: string, rubricIds: readonly string[], models: readonly string[]): KnownNames {
  const metrics = new Map<string, KnownMetric>();
  for (const id of rubricIds) {
    const rubric = loadRubric(rubricsDir, id);
    const known = { id, scale: rubric.scale };
    metrics.set(rubric.abbr.toLowerCase(), known);
    metrics.set(id.toLowerCase(), known);
  }
  return { metrics, metricIds: rubricIds, models };
}

/** What is wrong with a human score's model, metric and score against the run; the metric comes back as the rubric's id. */
export function checkHumanScore(
  known: KnownNames,
  model: string,
  metric: string,
  score: number,
  raw: string,
): { problems: Array<[field: string, message: string]>; metric: string } {
  const problems: Array<[string, string]> = [];
  if (!known.models.includes(model)) problems.push(['model', `"${model}" is not a model of the config (models: ${known.models.join(', ')})`]);
  const m = known.metrics.get(metric.toLowerCase());
  if (!m) {
    problems.push(['metric', `"${metric}" is not a rubric of the config (rubrics: ${known.metricIds.join(', ')})`]);
    return { problems, metric };
  }
  const { min, max } = m.scale;
  if (score < min || score > max) problems.push(['score', `expected a number from ${min} to ${max} (the ${m.id} scale), got ${JSON.stringify(raw)}`]);
  return { problems, metric: m.id };
}
