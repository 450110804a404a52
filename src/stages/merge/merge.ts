// Merge shard run directories into one. Logs are streamed line by line (a run
// can be far larger than memory allows as objects; only the record keys are
// kept, to refuse overlapping shards), written into a temporary sibling
// folder and renamed into place, so a failed merge leaves no half run behind.
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { UsageError } from '../../core/errors.js';
import { comparisonKey, judgmentKey, responseKey, type RunManifest } from '../../store/run.js';
import { guardTemp, sweepStaleTemps, tempFor } from './temp.js';
import { checkOut, checkSameConfig, mergedRunId, missingShards, readInput, type MergeInput } from './inputs.js';
import { UNRECORDED_FILE, type UnrecordedSpend } from '../../pipeline/unrecorded.js';
import { cutOffOrderSpends } from '../../store/order-log.js';
import { settleRedos } from '../../store/settle.js';
import { DROPS_FILE } from '../../pipeline/media.js';
import { writeRunStatus } from '../../pipeline/run-status.js';
import { mergeStatus } from './status.js';

export interface MergeOptions {
  inputs: string[];
  out: string;
  runId?: string;
}

export interface MergeResult {
  out: string;
  runId: string;
  configHash: string;
  /** Records written per log kind. */
  records: Record<LogKind, number>;
  /** Unparseable (torn) lines dropped, and keys repeated inside one input. */
  tornLines: number;
  repeatedKeys: number;
  warnings: string[];
}

type LogKind = 'responses' | 'judgments' | 'comparisons';

// Each log kind with the key that identifies one record in it (see RunStore).
const KINDS: ReadonlyArray<[LogKind, (r: never) => string]> = [
  ['responses', responseKey as (r: never) => string],
  ['judgments', judgmentKey as (r: never) => string],
  ['comparisons', comparisonKey as (r: never) => string],
];

const readable = (key: string) => key.split('\u0000').join(' / ');

interface KindState {
  /** key → index of the input it came from */
  owner: Map<string, number>;
  written: number;
}

async function concatFile(
  inputs: MergeInput[],
  kind: LogKind,
  name: string,
  keyOf: (r: never) => string,
  tmp: string,
  st: KindState,
  stats: { torn: number; repeated: number },
): Promise<void> {
  const out = createWriteStream(join(tmp, kind, name));
  const write = (s: string) => new Promise<void>((res) => (out.write(s) ? res() : out.once('drain', res)));
  try {
    for (const [i, input] of inputs.entries()) {
      const file = join(input.dir, kind, name);
      if (!existsSync(file)) continue;
      const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
      let line = 0;
      for await (const text of rl) {
        line++;
        if (!text) continue;
        let rec: unknown;
        try {
          rec = JSON.parse(text);
        } catch {
          // A torn last line of a killed shard: the stage would cut it off too.
          stats.torn++;
          continue;
        }
        const key = keyOf(rec as never);
        const owner = st.owner.get(key);
        if (owner !== undefined && owner !== i) {
          throw new UsageError(
            `merge: shards overlap: ${kind} record ${readable(key)} is in both ${inputs[owner]!.dir} and ${input.dir} (${kind}/${name}:${line}); ` +
              'merge only disjoint shards (--shard k/n of one config)',
          );
        }
        // A key repeated inside one input is that run's own business (the
        // report keeps the first); copy it as it is.
        if (owner === i) stats.repeated++;
        else st.owner.set(key, i);
        await write(text + '\n');
        st.written++;
      }
    }
  } finally {
    await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
  }
}

export async function mergeRuns(opts: MergeOptions): Promise<MergeResult> {
  if (!opts.inputs.length) throw new UsageError('merge: name at least one run directory');
  const out = resolve(opts.out);
  const inputs = opts.inputs.map(readInput);
  // A shard killed in a --retry-failed leaves its redone records in side logs: they stand.
  for (const input of inputs) await settleRedos(input.dir);
  checkOut(out, inputs);
  const warnings: string[] = [];
  const note = checkSameConfig(inputs);
  if (note) warnings.push(note);
  const missing = missingShards(inputs);
  if (missing.length) warnings.push(`shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not among the inputs: the merged run is partial`);
  const runId = mergedRunId(inputs, out, opts.runId);
  const merged = mergeStatus(inputs);
  warnings.push(...merged.warnings);
  const first = inputs[0]!;

  mkdirSync(dirname(out), { recursive: true });
  for (const stale of sweepStaleTemps(out)) warnings.push(`removed ${stale}, left by a merge that was killed`);
  const tmp = tempFor(out);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  const unguard = guardTemp(tmp);
  const stats = { torn: 0, repeated: 0 };
  const records = { responses: 0, judgments: 0, comparisons: 0 };
  try {
    for (const [kind, keyOf] of KINDS) {
      const names = new Set<string>();
      for (const input of inputs) {
        const d = join(input.dir, kind);
        if (existsSync(d)) for (const f of readdirSync(d)) if (f.endsWith('.jsonl')) names.add(f);
      }
      if (!names.size) continue;
      mkdirSync(join(tmp, kind));
      const st: KindState = { owner: new Map(), written: 0 };
      for (const name of [...names].sort()) await concatFile(inputs, kind, name, keyOf, tmp, st, stats);
      records[kind] = st.written;
    }
    // Requests no record holds (questions cut off by a stop) were paid for in some shard: kept, so the merged report counts them.
    const ledger = inputs.map((i) => join(i.dir, UNRECORDED_FILE)).filter((f) => existsSync(f));
    // So were the answered orders of comparisons a shard's kill or stop cut off (store/order-log.ts): the merged ledger holds them.
    const cutOff: string[] = [];
    for (const input of inputs)
      for (const c of await cutOffOrderSpends(input.dir))
        cutOff.push(
          JSON.stringify({ type: 'unrecorded-spend', judge: c.judge, spend: c.spend, at: new Date().toISOString() } satisfies UnrecordedSpend) + '\n',
        );
    if (ledger.length || cutOff.length)
      writeFileSync(join(tmp, UNRECORDED_FILE), ledger.map((f) => completeLines(readFileSync(f, 'utf8'))).join('') + cutOff.join(''));
    // Samples a shard dropped (missing media, the six-metric convention) are the merged run's drops: shards are disjoint, so their lists add up.
    const drops = inputs.map((i) => join(i.dir, DROPS_FILE)).filter((f) => existsSync(f));
    if (drops.length) writeFileSync(join(tmp, DROPS_FILE), drops.map((f) => completeLines(readFileSync(f, 'utf8'))).join(''));
    // Budget stops (naming their shard) and the selection's size: the merged report marks an incomplete run.
    writeRunStatus(tmp, merged.status);
    const { shard: _shard, ...rest } = first.manifest;
    void _shard;
    const manifest: RunManifest = { ...rest, runId };
    writeFileSync(join(tmp, 'run.json'), JSON.stringify(manifest, null, 2) + '\n');
    if (first.config) {
      const config = { ...first.config, run: { ...(first.config.run as object), id: runId } };
      writeFileSync(join(tmp, 'config.json'), JSON.stringify(config, null, 2) + '\n');
    }
    // rename(2) cannot replace a directory that has entries; checkOut made
    // sure an existing `out` is empty, so it can simply go.
    if (existsSync(out)) rmdirSync(out);
    renameSync(tmp, out);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    unguard();
  }
  return { out, runId, configHash: first.manifest.configHash, records, tornLines: stats.torn, repeatedKeys: stats.repeated, warnings };
}

/** A log's text without a torn last line (a shard killed mid-write). */
function completeLines(text: string): string {
  const end = text.lastIndexOf('\n');
  return end < 0 ? '' : text.slice(0, end + 1);
}
