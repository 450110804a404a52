// The split, validated once. One pass checks every record (all problems listed
// together, before anything is spent) and surveys the selection — ids and the
// inputs every selected sample carries — so the stages that follow only
// stream it: memory stays flat however large the split, and the file is read
// once to validate plus once per streaming stage.
import { access } from 'node:fs/promises';
import type { LoadedConfig } from '../config/load.js';
import type { Sample } from '../core/records.js';
import { InputErrors } from '../core/errors.js';
import { DatasetError, type DatasetWarning } from '../dataset/errors.js';
import { loadSamples, validateSplit, type LoadOptions } from '../dataset/load.js';
import type { Selection } from '../dataset/selection.js';
import { availableInputs } from '../judge/rubrics/rubric.js';
import type { Input } from '../judge/rubrics/schema.js';
import type { SampleSource } from './source.js';

export interface Split extends SampleSource {
  options: LoadOptions;
  selection: Selection;
  warnings: DatasetWarning[];
  /** Records in the file (selected or not). */
  records: number;
  /** Every id in the split, selected or not (outputs files are checked against it). */
  allIds: string[];
}

export function splitOptions(loaded: LoadedConfig): LoadOptions {
  const d = loaded.config.dataset;
  return { path: d.path, format: d.format, ...(d.root ? { root: d.root } : {}), ...(d.profiles ? { profiles: d.profiles } : {}) };
}

/**
 * Validates the split and surveys the selection in one pass; `onSelected`
 * sees each selected sample of that pass (preflight's outputs checks use it,
 * so they do not read the split again). Throws every
 * problem found (up to 20) at once, as DatasetErrors naming file, line and field.
 */
export async function openSplit(loaded: LoadedConfig, selection: Selection, onSelected?: (sample: Sample, line: number) => void): Promise<Split> {
  const options = splitOptions(loaded);
  try {
    await access(options.path);
  } catch (err) {
    throw new DatasetError({
      file: options.path,
      line: 0,
      field: 'dataset.path',
      expected: 'an existing, readable split file',
      got: (err as NodeJS.ErrnoException).code ?? 'unreadable',
    });
  }
  const ids: string[] = [];
  let inputs: Input[] | null = null;
  // The inputs every selected sample carries, asked a batch of samples at a
  // time (the intersection is the same; one call per sample was a visible
  // share of the validating pass on a 32k split).
  const pending: Sample[] = [];
  const fold = () => {
    if (!pending.length) return;
    const has = availableInputs(pending);
    inputs = inputs === null ? has : inputs.filter((i) => has.includes(i));
    pending.length = 0;
  };
  const report = await validateSplit(options, {
    selection,
    onSelected: (s: Sample, line: number) => {
      ids.push(s.id);
      if (pending.push(s) >= 256) fold();
      onSelected?.(s, line);
    },
  });
  fold();
  const problems: Error[] = [...report.errors];
  if (report.unknownIds.length) {
    problems.push(
      new DatasetError({ file: options.path, line: 0, field: '--ids', expected: 'ids present in the split', got: report.unknownIds.slice(0, 10).join(', ') }),
    );
  }
  if (problems.length) throw problems.length === 1 ? problems[0]! : new InputErrors(problems);
  const stream = loadSamples(options, selection);
  return {
    options,
    selection,
    warnings: report.warnings,
    records: report.records,
    allIds: report.allIds,
    ids,
    inputs: inputs ?? availableInputs([]),
    samples: () => stream,
  };
}

/** The selection as an array (generate and compare hold it; score streams). */
export async function splitSamples(split: SampleSource): Promise<Sample[]> {
  const out: Sample[] = [];
  for await (const s of split.samples()) out.push(s);
  return out;
}
