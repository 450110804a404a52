// Preflight's checks of a model's `outputs:` file: it exists and parses, its
// records are one answer per sample, and they join the split (by id, or by
// content with models[].join: content). A join that would judge an answer
// against a sample it was not written for, or pick one of two different
// answers, is refused before anything is spent; partial coverage is reported.
import { access } from 'node:fs/promises';
import type { ModelConfig } from '../config/schema.js';
import { ConfigError, InputErrors } from '../core/errors.js';
import type { Sample } from '../core/records.js';
import { DatasetError, describeValue } from '../dataset/errors.js';
import { checkJoin, joinByContent, mismatchMessage, type ContentJoin } from '../dataset/join.js';
import { loadOutputs, type OutputsReport } from '../dataset/outputs.js';
import type { Split } from '../pipeline/samples.js';

/** The most problems of one kind listed before "… and N more". */
const SHOW = 20;

const some = (ids: string[]) =>
  `${ids
    .slice(0, 5)
    .map((u) => JSON.stringify(u))
    .join(', ')}${ids.length > 5 ? ', …' : ''}`;

/** An outputs file must exist and parse. */
export async function readOutputsFile(m: ModelConfig): Promise<OutputsReport> {
  const file = m.outputs!;
  try {
    await access(file);
  } catch (err) {
    throw new ConfigError(file, `cannot read the outputs file of model "${m.name}" (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`, {
      field: 'models.outputs',
    });
  }
  return loadOutputs(file);
}

/** Each problem as its own line, the count of the rest in a last one. */
function refuse(file: string, problems: Error[], what: string): never {
  const shown = problems.slice(0, SHOW);
  if (problems.length > SHOW) shown.push(new ConfigError(file, `… and ${problems.length - SHOW} more ${what}`, { field: 'models.outputs' }));
  throw shown.length === 1 ? shown[0]! : new InputErrors(shown);
}

/**
 * Records with one id: copies of one answer are harmless (warned); different
 * texts for one id are two answers to one sample, and keeping the first would
 * judge whichever came first — refused.
 */
function checkDuplicates(m: ModelConfig, report: OutputsReport, warn: (msg: string) => void): void {
  const file = m.outputs!;
  const conflicts = report.duplicates.flatMap((d) =>
    d.conflicts.map(
      (c) =>
        new DatasetError({
          file,
          line: c.line,
          field: c.field,
          expected: `the same text as line ${d.lines[0]}, the first record with id ${JSON.stringify(d.id)} (two different answers for one sample; keep one, model "${m.name}")`,
          got: describeValue(c.output),
        }),
    ),
  );
  if (conflicts.length) refuse(file, conflicts, 'records that contradict an earlier record with the same id');
  const dups = report.duplicates;
  if (dups.length)
    warn(
      `${file}: ${dups.length} ids appear more than once, every copy with the same text (the first is used): ${dups
        .slice(0, 5)
        .map((d) => `id ${JSON.stringify(d.id)} at lines ${d.lines.join(', ')}`)
        .join('; ')}${dups.length > 5 ? '; …' : ''}; model "${m.name}"`,
    );
}

/** `selected`: the selected samples the validating pass kept for the join checks. */
export async function checkOutputs(m: ModelConfig, report: OutputsReport, split: Split | null, selected: Sample[], warn: (msg: string) => void): Promise<void> {
  checkDuplicates(m, report, warn);
  if (!split) return;
  if (m.join === 'content') return checkContentJoin(m, report, split, joinByContent(report.outputs.values(), selected), warn);
  const file = m.outputs!;
  // Joined by id: an output that embeds its sample must embed this one.
  const check = checkJoin(report.outputs.values(), new Map(selected.map((s) => [s.id, s])));
  if (check.mismatches.length) throw new ConfigError(file, mismatchMessage(check, m.name), { field: 'models.outputs' });
  const known = new Set(split.allIds);
  let shared = 0;
  const unknown: string[] = [];
  for (const id of report.outputs.keys()) {
    if (known.has(id)) shared++;
    else unknown.push(id);
  }
  if (report.outputs.size && !shared) {
    throw new ConfigError(
      file,
      `none of its ${report.outputs.size} output ids is a sample of the split ${split.options.path} (e.g. ${some(unknown)}), and none of the ${split.ids.length} selected samples has an output (e.g. ${some(split.ids)}); model "${m.name}"`,
      { field: 'models.outputs' },
    );
  }
  if (unknown.length) warn(`${file}: ${unknown.length} of ${report.outputs.size} output ids are not in the split (${some(unknown)}); model "${m.name}"`);
  const missing = split.ids.filter((id) => !report.outputs.has(id));
  if (missing.length) warn(`${file}: ${missing.length} of ${split.ids.length} selected samples have no output (${some(missing)}); model "${m.name}"`);
}

function checkContentJoin(m: ModelConfig, report: OutputsReport, split: Split, joined: ContentJoin, warn: (msg: string) => void): void {
  const file = m.outputs!;
  // Two outputs with different texts for one sample: as with a duplicate id, which to judge is unknown.
  const conflicts = joined.repeated
    .filter((r) => r.conflicting)
    .map(
      (r) =>
        new DatasetError({
          file,
          line: r.lines[1]!,
          field: 'dialogue',
          expected: `one output per sample, but the outputs at lines ${r.lines.join(', ')} all answer split sample ${JSON.stringify(r.sampleId)} (its session and dialogue, and the assistant and user they name) with different texts; keep one, model "${m.name}"`,
        }),
    );
  if (conflicts.length) refuse(file, conflicts, 'samples with several different outputs');
  const roles = joined.otherRole
    .slice(0, 3)
    .map(
      (r) =>
        `line ${r.output.origin.line} (id ${JSON.stringify(r.output.id)}) has ${r.field} ${JSON.stringify(r.value)} where sample ${JSON.stringify(r.sampleId)} has ${JSON.stringify(r.split)}`,
    )
    .join('; ');
  if (report.outputs.size && !joined.bySample.size) {
    throw new ConfigError(
      file,
      `none of its ${report.outputs.size} outputs matches a selected sample by session, dialogue, assistant and user; model "${m.name}"` +
        (roles ? ` (written for another role: ${roles})` : '') +
        (joined.ambiguous.length ? ` (ambiguous: outputs fit several of the samples ${some(joined.ambiguous)} alike)` : ''),
      { field: 'models.join' },
    );
  }
  if (joined.unmatched.length)
    warn(
      `${file}: ${joined.unmatched.length} of ${report.outputs.size} outputs match no selected sample by session, dialogue, assistant and user (ids ${some(joined.unmatched.map((o) => o.id))}); model "${m.name}"` +
        (joined.otherRole.length
          ? `; ${joined.otherRole.length} of them share a sample's session and dialogue but were written for another role: ${roles}`
          : ''),
    );
  const same = joined.repeated.filter((r) => !r.conflicting);
  if (same.length)
    warn(
      `${file}: ${same.length} samples are answered by several outputs with the same text (the first is used): ${some(same.map((r) => r.sampleId))}; model "${m.name}"`,
    );
  const without = split.ids.filter((id) => !joined.bySample.has(id));
  if (!without.length) return;
  const ambiguous = new Set(joined.ambiguous);
  const unclear = without.filter((id) => ambiguous.has(id));
  warn(
    `${file}: ${without.length} of ${split.ids.length} selected samples have no output by content (${some(without)}); model "${m.name}"` +
      (unclear.length
        ? `; ${unclear.length} of them (${some(unclear)}) are ambiguous: an output fits several selected samples (same session and dialogue, and the assistant and user it names, if any), so it cannot be told which one it answered and none is joined`
        : ''),
  );
}
