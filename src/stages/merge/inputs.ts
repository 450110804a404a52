// Checks on the shard directories before anything is copied: each is a run,
// all were made with the same config, and the output is free.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { canonicalJson } from '../../core/hash.js';
import type { RunManifest } from '../../store/run.js';

export interface MergeInput {
  dir: string;
  manifest: RunManifest;
  /** The resolved config the shard stored (config.json), or null if absent. */
  config: Record<string, unknown> | null;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`merge: ${file}: unreadable ${what} (${(err as Error).message})`);
  }
}

export function readInput(dir: string): MergeInput {
  const abs = resolve(dir);
  if (!existsSync(resolve(abs, 'run.json'))) throw new UsageError(`merge: ${abs} is not a run directory (no run.json)`);
  const manifest = readJson(resolve(abs, 'run.json'), 'run.json') as RunManifest;
  if (typeof manifest?.configHash !== 'string') throw new UsageError(`merge: ${abs}/run.json has no configHash`);
  const cfgFile = resolve(abs, 'config.json');
  const config = existsSync(cfgFile) ? (readJson(cfgFile, 'config.json') as Record<string, unknown>) : null;
  return { dir: abs, manifest, config };
}

/** The stored config with the run's name taken out: what must agree between shards. */
function settingsOf(config: Record<string, unknown>): string {
  const run = { ...(config.run as Record<string, unknown> | undefined) };
  delete run.id;
  return canonicalJson({ ...config, run });
}

/**
 * All inputs must come from one config. The hash decides; but `--run-id`
 * is folded into the hash today, so shards named apart by --run-id differ
 * in hash alone — those are accepted when their stored configs agree in
 * everything except run.id. Returns a note when that fallback was used.
 */
export function checkSameConfig(inputs: MergeInput[]): string | null {
  const first = inputs[0]!;
  let note: string | null = null;
  for (const other of inputs.slice(1)) {
    if (other.manifest.configHash === first.manifest.configHash) continue;
    const sameSettings = first.config && other.config && settingsOf(first.config) === settingsOf(other.config);
    if (!sameSettings) {
      throw new UsageError(
        `merge: ${other.dir} was made with another config than ${first.dir} ` +
          `(configHash ${other.manifest.configHash} vs ${first.manifest.configHash}); only shards of one config can be merged`,
      );
    }
    note = `inputs differ only in run id (configHash ${[...new Set(inputs.map((i) => i.manifest.configHash))].join(', ')}); the merged run keeps ${first.manifest.configHash}`;
  }
  return note;
}

/** Shards named k/n that are missing from a set of inputs: worth a warning, not an error. */
export function missingShards(inputs: MergeInput[]): string[] {
  const shards = inputs.map((i) => i.manifest.shard).filter((s): s is string => typeof s === 'string');
  const counts = new Set(shards.map((s) => s.split('/')[1]));
  if (counts.size !== 1) return [];
  const n = Number([...counts][0]);
  if (!Number.isInteger(n) || n < 1) return [];
  const have = new Set(shards.map((s) => Number(s.split('/')[0])));
  return Array.from({ length: n }, (_, i) => i + 1)
    .filter((k) => !have.has(k))
    .map((k) => `${k}/${n}`);
}

export function checkOut(out: string, inputs: MergeInput[]): void {
  const dirs = new Set<string>();
  for (const i of inputs) {
    if (dirs.has(i.dir)) throw new UsageError(`merge: ${i.dir} is given twice`);
    dirs.add(i.dir);
  }
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory() || readdirSync(out).length > 0) {
    throw new UsageError(`merge: output ${out} exists and is not empty; choose a new directory`);
  }
}

/** --run-id, else the inputs' common run id, else the output folder's name. */
export function mergedRunId(inputs: MergeInput[], out: string, requested?: string): string {
  const ids = new Set(inputs.map((i) => i.manifest.runId));
  const id = requested ?? (ids.size === 1 ? [...ids][0]! : basename(out));
  if (!RUN_ID.test(id)) throw new UsageError(`merge: run id "${id}" must be letters, digits, ".", "_" or "-" (it names the reports folder); pass --run-id`);
  return id;
}
