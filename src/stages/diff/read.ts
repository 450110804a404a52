// One run directory as `rolejudge diff` needs it: per-sample mean scores per
// model and metric, per-sample pairwise credits per comparison cell, and what
// the run says about its split. Only the run directory is read (its
// config.json names the split), so two archived runs can be compared without
// the configs that made them.
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { sha256 } from '../../core/hash.js';
import { InputError } from '../../core/errors.js';
import { ScoreAccumulator } from '../../stats/index.js';
import { comparisonKey, RunStore, type RunManifest } from '../../store/run.js';
import { settleRedos } from '../../store/settle.js';

const SEP = '\u0000';

export interface SplitIdentity {
  path: string;
  format: string;
  split: string | null;
  /** sha256 of the split file's bytes, null when it is no longer readable. */
  sha: string | null;
}

export interface RunSide {
  dir: string;
  label: string;
  manifest: RunManifest;
  split: SplitIdentity;
  rubricsDir: string | null;
  /** model␀metric → sampleId → mean score over judges and rounds (valid scores only). */
  scores: Map<string, Map<string, number>>;
  /** candidate␀baseline␀metric␀judge → sampleId → mean credit over rounds (1 win, ½ tie, 0 loss). */
  credits: Map<string, Map<string, number>>;
  /** Samples the run has any record of. */
  samples: Set<string>;
}

export const key = (...parts: string[]): string => parts.join(SEP);
export const unkey = (k: string): string[] => k.split(SEP);

function readConfig(dir: string): Record<string, unknown> {
  const file = resolve(dir, 'config.json');
  if (!existsSync(file)) throw new InputError(`${file}: missing — ${dir} is not a complete run directory (no resolved config to tell its split)`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${(err as Error).message})`);
  }
}

function splitOf(dir: string, config: Record<string, unknown>): SplitIdentity {
  const d = (config.dataset ?? {}) as { path?: unknown; format?: unknown; split?: unknown };
  if (typeof d.path !== 'string') throw new InputError(`${resolve(dir, 'config.json')}: field dataset.path is missing`);
  const path = resolve(d.path);
  return {
    path,
    format: typeof d.format === 'string' ? d.format : 'rolejudge',
    split: typeof d.split === 'string' ? d.split : null,
    sha: existsSync(path) ? sha256(readFileSync(path)) : null,
  };
}

function meanMap(acc: Map<string, [number, number]>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [id, [sum, n]] of acc) out.set(id, sum / n);
  return out;
}

export async function readRun(dir: string): Promise<RunSide> {
  const store = new RunStore(dir);
  const manifest = store.readManifest();
  if (!manifest) throw new InputError(`${resolve(dir, 'run.json')}: missing — not a run directory`);
  await settleRedos(dir);
  const config = readConfig(dir);
  const samples = new Set<string>();
  // The report's rules: a key recorded twice counts once (its first record),
  // and a sample's score is the mean over judges of each judge's mean over
  // rounds — what the report's per-sample means and the gate use.
  const acc = new Map<string, ScoreAccumulator>();
  for await (const batch of store.judgmentBatches()) {
    for (const j of batch) {
      samples.add(j.sampleId);
      const k = key(j.model, j.metric);
      let cell = acc.get(k);
      if (!cell) acc.set(k, (cell = new ScoreAccumulator()));
      cell.add(j.sampleId, j.judge, j.round, j.score);
    }
  }
  const creditSums = new Map<string, Map<string, [number, number]>>();
  const seen = new Set<string>();
  for await (const x of store.comparisons()) {
    samples.add(x.sampleId);
    const ck = comparisonKey(x);
    if (seen.has(ck)) continue;
    seen.add(ck);
    if (x.credit === null) continue;
    const k = key(x.candidate, x.baseline, x.metric, x.judge);
    let m = creditSums.get(k);
    if (!m) creditSums.set(k, (m = new Map()));
    const cell = m.get(x.sampleId);
    if (cell) {
      cell[0] += x.credit;
      cell[1]++;
    } else m.set(x.sampleId, [x.credit, 1]);
  }
  const scores = new Map([...acc].map(([k, cell]) => [k, cell.perSample()] as const));
  const credits = new Map([...creditSums].map(([k, v]) => [k, meanMap(v)] as const));
  return {
    dir: resolve(dir),
    label: `${basename(resolve(dir))} (${manifest.runId})`,
    manifest,
    split: splitOf(dir, config),
    rubricsDir: typeof config.rubricsDir === 'string' ? config.rubricsDir : null,
    scores,
    credits,
    samples,
  };
}

/**
 * Two runs are of one split when their split files have the same bytes (or,
 * when either file is gone, the same path), format and split name.
 */
export function sameSplit(a: SplitIdentity, b: SplitIdentity): string | null {
  const what = (s: SplitIdentity) =>
    `${s.path} (format ${s.format}${s.split ? `, split ${s.split}` : ''}${s.sha ? `, sha256 ${s.sha.slice(0, 12)}` : ', file not readable'})`;
  const sameFile = a.sha && b.sha ? a.sha === b.sha : a.path === b.path;
  if (sameFile && a.format === b.format && a.split === b.split) return null;
  return `the runs are of different splits:\n  run A: ${what(a)}\n  run B: ${what(b)}\ndiff compares two runs of the same split (e.g. two checkpoints, or two judge versions)`;
}
