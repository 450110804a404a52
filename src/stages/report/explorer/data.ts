// The explorer's data: what report.html embeds so a reader can drill from a
// figure down to one judge call. Compact by construction — every string
// (ids, answers, judge replies) goes once into a string table and is referred
// to by index; per-sample figures are columns (one array per model × metric,
// one character per sample per pairwise cell), so the page can filter and sort
// 32,000 samples without building 32,000 objects.

/** Outcome of one sample in one pairwise cell, one character per sample:
 *  W/L/T both orders agreed (or one order only), w/l/t the orders disagreed,
 *  F every order failed, '.' no comparison for this sample. */
export const OUTCOME_CHARS = { win: 'W', loss: 'L', tie: 'T', failed: 'F', none: '.' } as const;

export interface ExplorerMetric {
  id: string;
  abbr: string;
  min: number;
  max: number;
}

export interface ExplorerPair {
  /** Indices into models (candidate, baseline) and metrics, judges. */
  c: number;
  b: number;
  m: number;
  j: number;
}

/** One pointwise judgment: [model, metric, judge, round, score|null, failure kind (string idx or -1), failure message (-1), raw reply idx per attempt]. */
export type ExplorerJudgment = [number, number, number, number, number | null, number, number, number[]];

/** One order of a comparison: [order 'AB'|'BA' (string idx), verdict (idx or -1), outcome (idx or -1), failure message (idx or -1), raw reply idx per attempt]. */
export type ExplorerOrder = [number, number, number, number, number[]];

/** One comparison: [pair index, round, combined outcome (idx or -1), failure message (idx or -1), orders]. */
export type ExplorerComparison = [number, number, number, number, ExplorerOrder[]];

/** A model's answer: [model, answer idx, error message (idx or -1), format flags idx list]. */
export type ExplorerAnswer = [number, number, number, number[]];

export interface ExplorerDetail {
  /** Scene caption, character and user profiles (string idx or -1). */
  cap: number;
  ch: number;
  us: number;
  /** Dialogue history: [speaker idx, text idx]. */
  h: [number, number][];
  a: ExplorerAnswer[];
  j: ExplorerJudgment[];
  c: ExplorerComparison[];
  /** Frame thumbnails the judge saw, as data: URIs (string idx), when report.frames is on. */
  fr: number[];
}

export interface ExplorerData {
  v: 1;
  /** The string table. */
  s: string[];
  models: string[];
  metrics: ExplorerMetric[];
  judges: string[];
  /** Sample ids (string idx), sorted. */
  ids: number[];
  /** score[model * metrics.length + metric][sample]: mean valid score over judges and rounds, rounded to 3 decimals; null if none. */
  score: (number | null)[][];
  /** fail[model * metrics.length + metric][sample]: failed judgments. */
  fail: number[][];
  /** Per sample, the largest spread between judges' means of one model and metric, as a fraction of the scale (0 with one judge). */
  spread: number[];
  /** Samples whose pairwise outcome differs between judges (same candidate, baseline and metric). */
  jd: number[];
  pairs: ExplorerPair[];
  /** out[pair]: one OUTCOME_CHARS character per sample. */
  out: string[];
  /** sample index → detail, for the samples whose detail is embedded. */
  detail: Record<number, ExplorerDetail>;
  /** Why some detail is missing (cap reached, dataset not readable…), shown on the page. */
  notes: string[];
}

/** Judges count as disagreeing on a sample when their means differ by at least this share of the scale. */
export const JUDGE_SPREAD = 0.2;

export class StringTable {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  add(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.index.set(s, i);
    }
    return i;
  }
  opt(s: string | null | undefined): number {
    return s === null || s === undefined ? -1 : this.add(s);
  }
}

/**
 * JSON for a <script type="application/json"> island: `<` is escaped so no
 * string (a judge reply containing `</script>`) can end the element, and the
 * two line separators JavaScript once treated as newlines are escaped too.
 */
export function jsonIsland(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
