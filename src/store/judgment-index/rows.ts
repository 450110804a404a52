// One judgment as the report's fold reads it (stages/report/collect.ts
// addJudgment), in columns: strings as indices into per-segment dictionaries,
// numbers in typed arrays. A record is taken only when its columns give back
// exactly what the fold would read from its JSON line; anything else (a score
// that is neither null nor a finite number, a non-integer round, a token count
// that is not a small non-negative integer…) is refused, and the index stops
// before it: the report parses that part of the log as JSON, as before.
import type { Judgment } from '../../core/records.js';

/** Failure kinds the fold counts apart; any other kind is 8 (counted as a failure only). */
export const FAILURE_KINDS = ['', 'parse', 'error', 'empty-answer', 'missing-response', 'truncated', 'filtered', 'refused'] as const;
export const OTHER_FAILURE = 8;

export const FLAG_CALL_ID = 1;
export const FLAG_SPEND = 2;
export const FLAG_OFFLINE = 4;
export const FLAG_SELF_ID = 8;
export const FLAG_ANONYMITY = 16;

export const STRING_COLUMNS = ['sampleId', 'model', 'metric', 'judge'] as const;
/** Non-negative integers below 2^32 (counts of calls and tokens, answer lengths). */
export const U32_COLUMNS = [
  'attempts',
  'usagePrompt',
  'usageCompletion',
  'requests',
  'fromCache',
  'promptTokens',
  'completionTokens',
  'promptTokensFromCache',
  'completionTokensFromCache',
  'cachedPromptTokens',
  'answerChars',
] as const;
export type StringColumn = (typeof STRING_COLUMNS)[number];
export type U32Column = (typeof U32_COLUMNS)[number];

/** A string column: each row's index into `values`. */
export interface DictColumn {
  values: string[];
  indices: Int32Array;
}

/** The columns of a run of rows (what a segment file holds). */
export interface RowColumns {
  length: number;
  strings: Record<StringColumn, DictColumn>;
  round: Int32Array;
  /** NaN for a null score (a finite score is never NaN). */
  score: Float64Array;
  flags: Uint8Array;
  failure: Uint8Array;
  u32: Record<U32Column, Uint32Array>;
  /** The line's byte span in its log, newline left out. */
  start: Float64Array;
  end: Float64Array;
}

const isU32 = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < 2 ** 32;
/** `x ?? 0` as the fold reads it, or -1 when that is no u32. */
const u32OrZero = (x: unknown): number => (x === undefined || x === null ? 0 : isU32(x) ? x : -1);
const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
/** Values whose truthiness survives JSON (undefined, functions and NaN would not). */
const plainTruth = (x: unknown): boolean =>
  x === undefined || x === null || typeof x === 'boolean' || typeof x === 'string' || typeof x === 'object' || (typeof x === 'number' && Number.isFinite(x));

/** Columns being filled, growing as rows come. */
export class RowBuffer {
  length = 0;
  private cap = 0;
  private readonly dicts = STRING_COLUMNS.map(() => new Map<string, number>());
  private strings: Int32Array[] = STRING_COLUMNS.map(() => new Int32Array(0));
  private round = new Int32Array(0);
  private score = new Float64Array(0);
  private flags = new Uint8Array(0);
  private failure = new Uint8Array(0);
  private u32: Uint32Array[] = U32_COLUMNS.map(() => new Uint32Array(0));
  private start = new Float64Array(0);
  private end = new Float64Array(0);
  /** Per-row scratch (no allocation per row: the score stage calls add for every judgment it writes). */
  private readonly strs: string[] = new Array<string>(STRING_COLUMNS.length).fill('');
  private readonly nums: number[] = new Array<number>(U32_COLUMNS.length).fill(0);

  /**
   * Adds one record whose line spans [start, end); false (and nothing added)
   * when its columns would not give back what the fold reads from its line.
   */
  add(j: Judgment, start: number, end: number): boolean {
    const r = j as unknown as Record<string, unknown>;
    const strs = this.strs;
    for (let k = 0; k < STRING_COLUMNS.length; k++) {
      const s = r[STRING_COLUMNS[k]!];
      if (typeof s !== 'string') return false;
      strs[k] = s;
    }
    const round = r.round;
    if (typeof round !== 'number' || !Number.isInteger(round) || round < 0 || round >= 2 ** 31) return false;
    const score = r.score;
    if (score !== null && (typeof score !== 'number' || !Number.isFinite(score))) return false;
    if (!Array.isArray(r.selfId)) return false;
    const sent = r.sent;
    if (sent !== undefined && sent !== null && !isObj(sent)) return false;
    if (isObj(sent) && !plainTruth(sent.anonymity)) return false;
    const failure = r.failure;
    if (failure !== undefined && failure !== null && !(isObj(failure) && typeof failure.kind === 'string')) return false;
    if (r.callId === null || (r.callId !== undefined && typeof r.callId !== 'string')) return false;
    const nums = this.nums.fill(0);
    let flags = 0;
    if (r.callId !== undefined) {
      flags |= FLAG_CALL_ID;
      const s = r.spend;
      if (s !== undefined && s !== null && !isObj(s)) return false;
      if (isObj(s)) {
        flags |= FLAG_SPEND;
        for (let k = 3; k <= 8; k++) {
          const v = s[U32_COLUMNS[k]!];
          if (!isU32(v)) return false;
          nums[k] = v;
        }
        const cached = u32OrZero(s.cachedPromptTokens);
        if (cached < 0) return false;
        nums[9] = cached;
      }
    } else {
      if (r.mode === 'offline') flags |= FLAG_OFFLINE;
      else if (!isU32(r.attempts)) return false;
      else nums[0] = r.attempts;
      const usage = r.usage;
      if (usage !== undefined && usage !== null && !isObj(usage)) return false;
      nums[1] = u32OrZero(isObj(usage) ? usage.prompt : undefined);
      nums[2] = u32OrZero(isObj(usage) ? usage.completion : undefined);
      if (nums[1] < 0 || nums[2] < 0) return false;
    }
    if (score !== null) {
      if (!isU32(r.answerChars)) return false;
      nums[10] = r.answerChars;
    }
    if ((r.selfId as unknown[]).length) flags |= FLAG_SELF_ID;
    if (isObj(sent) && sent.anonymity) flags |= FLAG_ANONYMITY;
    let code = 0;
    if (isObj(failure)) {
      const at = (FAILURE_KINDS as readonly string[]).indexOf(failure.kind as string);
      code = at > 0 ? at : OTHER_FAILURE;
    }

    if (this.length === this.cap) this.grow();
    const i = this.length++;
    for (let k = 0; k < strs.length; k++) {
      const dict = this.dicts[k]!;
      let at = dict.get(strs[k]!);
      if (at === undefined) dict.set(strs[k]!, (at = dict.size));
      this.strings[k]![i] = at;
    }
    this.round[i] = round;
    // -0 is written "0": the line gives back +0.
    this.score[i] = score === null ? Number.NaN : score === 0 ? 0 : score;
    this.flags[i] = flags;
    this.failure[i] = code;
    for (let k = 0; k < nums.length; k++) this.u32[k]![i] = nums[k]!;
    this.start[i] = start;
    this.end[i] = end;
    return true;
  }

  /**
   * The rows so far, as columns of exactly `length` entries: views of this
   * buffer's arrays, not copies (sealing a segment of 64k rows at the end of a
   * run copied ~6 MB just before arrow copied it again). The buffer must not
   * take rows after this (SegmentBuilder.seal starts a new one).
   */
  columns(): RowColumns {
    const n = this.length;
    const strings = {} as Record<StringColumn, DictColumn>;
    STRING_COLUMNS.forEach((k, c) => {
      strings[k] = { values: [...this.dicts[c]!.keys()], indices: this.strings[c]!.subarray(0, n) };
    });
    const u32 = {} as Record<U32Column, Uint32Array>;
    U32_COLUMNS.forEach((k, c) => {
      u32[k] = this.u32[c]!.subarray(0, n);
    });
    return {
      length: n,
      strings,
      round: this.round.subarray(0, n),
      score: this.score.subarray(0, n),
      flags: this.flags.subarray(0, n),
      failure: this.failure.subarray(0, n),
      u32,
      start: this.start.subarray(0, n),
      end: this.end.subarray(0, n),
    };
  }

  private grow(): void {
    const cap = Math.max(1024, this.cap * 2);
    const more = <T extends Int32Array | Float64Array | Uint8Array | Uint32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a as never);
      return b;
    };
    this.strings = this.strings.map((a) => more(a, (n) => new Int32Array(n)));
    this.round = more(this.round, (n) => new Int32Array(n));
    this.score = more(this.score, (n) => new Float64Array(n));
    this.flags = more(this.flags, (n) => new Uint8Array(n));
    this.failure = more(this.failure, (n) => new Uint8Array(n));
    this.u32 = this.u32.map((a) => more(a, (n) => new Uint32Array(n)));
    this.start = more(this.start, (n) => new Float64Array(n));
    this.end = more(this.end, (n) => new Float64Array(n));
    this.cap = cap;
  }
}
