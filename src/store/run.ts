// The run directory: runs/<run-id>/ holds every record a run produced, so a
// report can be regenerated from it alone.
//   run.json                     run manifest (config hash, version, shard)
//   config.json                  the resolved config (no secrets: keys live in env vars)
//   responses/<model>.jsonl      ResponseRecord, one per (sample, model)
//   judgments/<judge>.jsonl      Judgment, one per (sample, model, metric, judge, round)
//   comparisons/<judge>.jsonl    Comparison, one per (sample, pair, metric, judge, round)
//   status.json                  budget stops and the selection's size (pipeline/run-status.ts)
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Comparison, Judgment, ResponseRecord } from '../core/records.js';
import { JsonlWriter, readJsonl, readJsonlBatches, writeFileAtomic } from './jsonl.js';
import { IndexFeed } from './judgment-index/feed.js';

export interface RunManifest {
  runId: string;
  configHash: string;
  rolejudgeVersion: string;
  createdAt: string;
  shard?: string;
  seed: number;
}

export const responseKey = (r: Pick<ResponseRecord, 'sampleId' | 'model'>) => `${r.sampleId}\u0000${r.model}`;
export const judgmentKey = (j: Pick<Judgment, 'sampleId' | 'model' | 'metric' | 'judge' | 'round'>) =>
  `${j.sampleId}\u0000${j.model}\u0000${j.metric}\u0000${j.judge}\u0000${j.round}`;
export const comparisonKey = (c: Pick<Comparison, 'sampleId' | 'candidate' | 'baseline' | 'metric' | 'judge' | 'round'>) =>
  `${c.sampleId}\u0000${c.candidate}\u0000${c.baseline}\u0000${c.metric}\u0000${c.judge}\u0000${c.round}`;

export class RunStore {
  constructor(readonly dir: string) {}

  get responsesDir() {
    return join(this.dir, 'responses');
  }
  get judgmentsDir() {
    return join(this.dir, 'judgments');
  }
  get comparisonsDir() {
    return join(this.dir, 'comparisons');
  }

  responsesFile(model: string) {
    return join(this.responsesDir, `${model}.jsonl`);
  }
  judgmentsFile(judge: string) {
    return join(this.judgmentsDir, `${judge}.jsonl`);
  }
  comparisonsFile(judge: string) {
    return join(this.comparisonsDir, `${judge}.jsonl`);
  }

  exists(): boolean {
    return existsSync(join(this.dir, 'run.json'));
  }

  readManifest(): RunManifest | null {
    const p = join(this.dir, 'run.json');
    return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as RunManifest) : null;
  }

  /** Refuses to mix records of two different configs in one run directory. */
  init(manifest: RunManifest, resolvedConfig: unknown, force = false): void {
    const old = this.readManifest();
    if (old && old.configHash !== manifest.configHash && !force) {
      throw new Error(
        `run directory ${this.dir} was made with another config (hash ${old.configHash}, now ${manifest.configHash}); ` +
          `use a new run id, or --force to continue anyway`,
      );
    }
    mkdirSync(this.dir, { recursive: true });
    if (!old || force) writeFileAtomic(join(this.dir, 'run.json'), JSON.stringify(manifest, null, 2) + '\n');
    writeFileAtomic(join(this.dir, 'config.json'), JSON.stringify(resolvedConfig, null, 2) + '\n');
  }

  writer(file: string): JsonlWriter {
    return new JsonlWriter(file);
  }

  /** A judgment log's writer that keeps the log's columnar index as it goes (judgment-index/), for fast reports. */
  judgmentWriter(file: string): JsonlWriter {
    return new JsonlWriter(file, new IndexFeed(file));
  }

  /** Keys already recorded in a log: what a resumed stage skips. */
  async doneKeys<T>(file: string, keyOf: (r: T) => string, keep: (r: T) => boolean = () => true): Promise<Set<string>> {
    const keys = new Set<string>();
    for await (const r of readJsonl<T>(file)) if (keep(r)) keys.add(keyOf(r));
    return keys;
  }

  listFiles(dir: string): string[] {
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .sort()
      .map((f) => join(dir, f));
  }

  async *responses(): AsyncGenerator<ResponseRecord> {
    for (const f of this.listFiles(this.responsesDir)) yield* readJsonl<ResponseRecord>(f);
  }
  async *judgments(): AsyncGenerator<Judgment> {
    for (const f of this.listFiles(this.judgmentsDir)) yield* readJsonl<Judgment>(f);
  }
  /** As judgments(), a chunk's worth at a time: for passes over millions of records. */
  async *judgmentBatches(): AsyncGenerator<Judgment[]> {
    for (const f of this.listFiles(this.judgmentsDir)) yield* readJsonlBatches<Judgment>(f);
  }
  async *comparisons(): AsyncGenerator<Comparison> {
    for (const f of this.listFiles(this.comparisonsDir)) yield* readJsonl<Comparison>(f);
  }

  /** All responses of the run indexed by sample then model (for judging stages). */
  async responseIndex(): Promise<Map<string, Map<string, ResponseRecord>>> {
    const idx = new Map<string, Map<string, ResponseRecord>>();
    for await (const r of this.responses()) {
      let m = idx.get(r.sampleId);
      if (!m) idx.set(r.sampleId, (m = new Map()));
      m.set(r.model, r);
    }
    return idx;
  }
}
