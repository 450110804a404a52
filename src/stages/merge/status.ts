// What the shards' status files (runs/<id>/status.json) make of the merged
// run: a shard that stopped at its budget (exit 5) is incomplete, and so is
// the merge — said on stderr naming the shard, and carried into the merged
// status so its report marks it. The shards' media drops are checked
// together against dataset.maxMissingMedia.
import { countMediaDrops } from '../../pipeline/media.js';
import { type BudgetStop, describeBudgetStop, readRunStatus, type RunStatus } from '../../pipeline/run-status.js';
import type { MergeInput } from './inputs.js';

export interface MergedStatus {
  status: RunStatus;
  warnings: string[];
}

const DEFAULT_MAX_MISSING_MEDIA = 0.05;

export function mergeStatus(inputs: MergeInput[]): MergedStatus {
  const warnings: string[] = [];
  const stops: BudgetStop[] = [];
  let selected: number | undefined = 0;
  let drops = 0;
  for (const input of inputs) {
    const s = readRunStatus(input.dir);
    const shard = input.manifest.shard ?? input.dir;
    for (const b of s.budgetStops ?? []) {
      // A merged input carries its own shards' names already.
      const stop = { ...b, shard: b.shard ?? shard };
      stops.push(stop);
      warnings.push(`${describeBudgetStop(stop)} (${input.dir}): the merged run is INCOMPLETE; rerun that shard to finish it, then merge again`);
    }
    drops += countMediaDrops(input.dir);
    selected = selected === undefined || s.selected === undefined ? undefined : selected + s.selected;
  }
  warnings.push(...mediaWarnings(inputs, drops, selected));
  return { status: { ...(selected !== undefined ? { selected } : {}), ...(stops.length ? { budgetStops: stops } : {}) }, warnings };
}

/**
 * Each shard refused its own selection above the threshold before spending
 * (exit 2). Shards of one config share the threshold, and shares that each
 * pass it pass it together too; this check is for the merge's total all the
 * same — a shard recorded without the check, or by an older version — and can
 * only warn: everything is spent by now.
 */
function mediaWarnings(inputs: MergeInput[], drops: number, selected: number | undefined): string[] {
  if (!drops) return [];
  const dataset = inputs[0]!.config?.dataset as { maxMissingMedia?: number } | undefined;
  const max = dataset?.maxMissingMedia ?? DEFAULT_MAX_MISSING_MEDIA;
  if (selected === undefined)
    return [
      `${drops} samples dropped for missing media across the shards; not checked against dataset.maxMissingMedia = ${max} (a shard has no status.json recording its selection)`,
    ];
  const share = drops / selected;
  if (share <= max) return [];
  return [
    `${drops} of ${selected} selected samples across the shards (${(100 * share).toFixed(1)} %) were dropped for missing media, more than dataset.maxMissingMedia = ${max} allows; a single run would have refused this selection (exit 2)`,
  ];
}
