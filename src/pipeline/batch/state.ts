// batches.json in the run directory: every batch this run submitted, written
// right after each create and after each change, so a crashed or later run
// picks up the batches by id instead of paying for them twice.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rethrowDisk } from '../../core/disk.js';
import { writeFileAtomic } from '../../store/jsonl.js';

export const TERMINAL_STATUSES = ['completed', 'failed', 'expired', 'cancelled'] as const;

export function isTerminal(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

export interface BatchEndpoint {
  name: string;
  baseUrl: string;
  model: string;
  /** Name of the key's environment variable, never the key. */
  apiKeyEnv: string | null;
}

export interface BatchEntry {
  /** Stage that collected the requests: "generate", "score" or "compare". */
  stage: string;
  endpoint: BatchEndpoint;
  inputFileId: string;
  batchId: string;
  requests: number;
  /** Request hashes in the batch: what a resumed run knows it need not resubmit. */
  customIds: string[];
  status: string;
  counts: { total: number; completed: number; failed: number } | null;
  outputFileId: string | null;
  errorFileId: string | null;
  ingested: boolean;
  /** Answers put into the cache at ingestion. */
  ingestedCount: number;
  /**
   * Their request hashes (absent in files written before it existed): answers
   * paid for by this run, so a rerun after a kill counts the ones no record
   * holds yet as its calls instead of free cache replays (see BatchReads).
   */
  ingestedIds?: string[];
  createdAt: string;
  updatedAt: string;
}

interface StateFile {
  version: 1;
  batches: BatchEntry[];
}

export function statePath(runDir: string): string {
  return join(runDir, 'batches.json');
}

export class BatchState {
  private constructor(
    readonly path: string,
    readonly batches: BatchEntry[],
  ) {}

  static load(runDir: string): BatchState {
    const path = statePath(runDir);
    if (!existsSync(path)) return new BatchState(path, []);
    let data: StateFile;
    try {
      data = JSON.parse(readFileSync(path, 'utf8')) as StateFile;
    } catch (err) {
      throw new Error(`${path}: not a rolejudge batch state file (${err instanceof Error ? err.message : String(err)})`);
    }
    if (data?.version !== 1 || !Array.isArray(data.batches)) throw new Error(`${path}: not a rolejudge batch state file`);
    return new BatchState(path, data.batches);
  }

  add(entry: BatchEntry): void {
    this.batches.push(entry);
    this.save();
  }

  update(batchId: string, patch: Partial<BatchEntry>): BatchEntry {
    const entry = this.batches.find((b) => b.batchId === batchId);
    if (!entry) throw new Error(`batch ${batchId} is not in ${this.path}`);
    Object.assign(entry, patch, { updatedAt: new Date().toISOString() });
    this.save();
    return entry;
  }

  /** Submitted batches of a stage whose results are not in the cache yet. */
  pending(stage: string): BatchEntry[] {
    return this.batches.filter((b) => b.stage === stage && !b.ingested);
  }

  private save(): void {
    writeFileAtomic(this.path, JSON.stringify({ version: 1, batches: this.batches } satisfies StateFile, null, 1) + '\n');
  }
}

export const BATCH_READS_FILE = 'batch-reads.txt';

/**
 * batch-reads.txt in the run directory: the hash of every paid batch answer
 * whose first read was counted as a call, one per line, appended at once. The
 * paid answers a rerun still owes a call for are the ingested ones (batches.json)
 * minus these, so none is counted twice, even when two jobs share one request
 * and one of them was recorded before the kill. A read that was counted but
 * whose record the kill cut off stays uncounted (it was in flight).
 */
export class BatchReads {
  readonly path: string;
  private readonly seen: Set<string>;

  constructor(runDir: string) {
    this.path = join(runDir, BATCH_READS_FILE);
    this.seen = new Set();
    if (!existsSync(this.path)) return;
    // A torn last line (killed mid-append) is no full hash and matches nothing.
    for (const line of readFileSync(this.path, 'utf8').split('\n')) if (line.trim()) this.seen.add(line.trim());
  }

  has(hash: string): boolean {
    return this.seen.has(hash);
  }

  add(hash: string): void {
    if (this.seen.has(hash)) return;
    this.seen.add(hash);
    try {
      appendFileSync(this.path, `${hash}\n`);
    } catch (err) {
      rethrowDisk(err, this.path);
    }
  }
}
