// Failed responses are redone on every generate run, and the requests they
// made were really sent: report.json's counts.calls must still equal what the
// server received after any number of failed-then-redone runs. So a failed
// record stays in the log until its replacement is written, and the
// replacement carries the failed record's spend with its own (a chain of
// failures adds up in the last record). Between the two — a kill, a breaker
// stopping the stage — the log holds both; every reader takes a key's last
// record (the report counts only its spend, which already includes the
// first's), and the next generate run drops the superseded copy.
import type { ResponseRecord, Spend } from '../../core/records.js';
import { mergeSpend } from '../../pipeline/sink.js';
import { readJsonl, rewriteJsonl } from '../../store/jsonl.js';
import { responseKey } from '../../store/run.js';

export interface ResponseLog {
  /** Sample ids whose last record stands (answered, or a file output). */
  done: Set<string>;
  /** Sample ids whose last record is a failed network response, with what it cost so far. */
  failed: Map<string, Spend | undefined>;
}

/** Record ordinal of each key's last record; `repeated` when some key has an earlier one. */
async function lastOfEach(file: string): Promise<{ last: Map<string, number>; repeated: boolean; records: Map<string, ResponseRecord['spend'] | false> }> {
  const last = new Map<string, number>();
  // false: the record stands; a spend (or undefined): it failed.
  const records = new Map<string, ResponseRecord['spend'] | false>();
  let n = 0;
  let repeated = false;
  for await (const r of readJsonl<ResponseRecord>(file)) {
    const k = responseKey(r);
    if (last.has(k)) repeated = true;
    last.set(k, n++);
    records.set(r.sampleId, r.error && r.via !== 'file' ? r.spend : false);
  }
  return { last, repeated, records };
}

/** Drops every record a later record of the same key supersedes (one atomic rewrite, only when there is one). */
export async function dropSuperseded(file: string): Promise<void> {
  const { last, repeated } = await lastOfEach(file);
  if (repeated) await keepLast(file, last);
}

async function keepLast(file: string, last: Map<string, number>): Promise<void> {
  let n = 0;
  await rewriteJsonl<ResponseRecord>(file, (r) => (last.get(responseKey(r)) === n++ ? r : null));
}

/** One model's log as generate resumes it; with `tidy`, superseded records are dropped first. */
export async function readResponseLog(file: string, tidy: boolean): Promise<ResponseLog> {
  const { last, repeated, records } = await lastOfEach(file);
  if (repeated && tidy) await keepLast(file, last);
  const log: ResponseLog = { done: new Set(), failed: new Map() };
  for (const [id, state] of records) {
    if (state === false) log.done.add(id);
    else log.failed.set(id, state);
  }
  return log;
}

/** The record that replaces a failed one, carrying what the failed one's requests cost. */
export function replacing(prior: Spend | undefined, rec: ResponseRecord): ResponseRecord {
  const spend = mergeSpend(prior, rec.spend);
  return spend ? { ...rec, spend } : rec;
}
