// The record types every stage reads and writes. One place, so a run directory
// written by one version of a stage can be read by every other stage.

/** A speaker's turn in the dialogue history. */
export interface Turn {
  speaker: string;
  text: string;
}

/** A character or user profile as the prompt shows it. */
export interface Persona {
  name: string;
  /** Free text shown to models and judges. */
  description: string;
  /** Structured fields when the source had them (EBM-RL: personality, catchphrases…). */
  fields?: Record<string, unknown>;
}

/** What the scene is: a clip, a list of frame images, or a URL. */
export interface VideoRef {
  /** Clip path, absolute after loading (resolved against the dataset root). */
  path?: string;
  /** Frame image paths, absolute after loading. */
  frames?: string[];
  /** Remote clip URL (only usable with video_url mode). */
  url?: string;
  /** Duration in seconds when the dataset states it. */
  duration?: number;
}

/** Where a record came from, so errors can name file and line. */
export interface Origin {
  file: string;
  line: number;
}

/** One test item: a scene, two profiles, a history, and references. */
export interface Sample {
  id: string;
  sessionId?: string;
  video?: VideoRef;
  caption?: string;
  character: Persona;
  user: Persona;
  history: Turn[];
  references: string[];
  /** Film / show the scene comes from (EBM-RL data_source). */
  source?: string;
  /** Fields of the source record that rolejudge does not interpret. */
  meta?: Record<string, unknown>;
  origin?: Origin;
}

/** plain: all text; answer-tag: <answer> only; cot: <think> + <answer>; ebm: perception/vision + think + answer. */
export type ModelKind = 'plain' | 'ebm' | 'answer-tag' | 'cot';
export type VideoMode = 'video_url' | 'frames' | 'caption' | 'none';

export interface Usage {
  prompt: number;
  completion: number;
  total: number;
}

/** One frame sent to a model or judge: enough to tell exactly what it saw. */
export interface FrameEntry {
  /** Seconds from the start of the clip; null for frame-list datasets. */
  t: number | null;
  /** sha256 (hex, first 16 chars) of the encoded image bytes sent. */
  sha: string;
  /** Path of the cached image file. */
  file: string;
}

export interface FrameManifest {
  /** Sampling policy id, e.g. "adaptive:cap=128" or "uniform:8:512:jpeg". */
  policy: string;
  frames: FrameEntry[];
}

/** The parts of an EBM-RL output. */
export interface EbmSections {
  perception: string | null;
  think: string | null;
  answer: string | null;
}

export interface FormatCheck {
  /** Tags present, ordered, non-empty. */
  valid: boolean;
  /** Machine-readable problems: missing-perception, unclosed-answer, out-of-order, empty-answer… */
  flags: string[];
}

/** A model's answer to a sample: one record per (sample, model). */
export interface ResponseRecord {
  type: 'response';
  sampleId: string;
  model: string;
  kind: ModelKind;
  raw: string;
  /** What later stages judge: for ebm models the <answer> section, tags stripped. */
  answer: string;
  sections?: EbmSections;
  format: FormatCheck;
  usage: Usage | null;
  latencyMs: number | null;
  requestHash: string | null;
  frames: FrameManifest | null;
  /** Set when no output could be obtained; raw/answer are then empty. */
  error?: string;
  /** "network", "cache" or "file" (pre-recorded outputs). */
  via: 'network' | 'cache' | 'file';
  /** EBM-RL's strict check: a closed <answer>…</answer> is present. */
  formatPass?: boolean;
  /** What the model call cost (absent for recorded outputs and older records). */
  spend?: Spend;
}

/**
 * Why a judgment or comparison has no value. Replies that cannot be trusted
 * have kinds of their own: `truncated` (cut off by the token limit, or JSON
 * that never closes), `filtered` (stopped by a content filter or another
 * non-normal finish), `refused` (the message's refusal field, or an empty reply).
 * `dropped`: the six-metric judge's convention removed the sample (logged in drops.jsonl).
 */
export type FailureKind = 'parse' | 'error' | 'empty-answer' | 'missing-response' | 'truncated' | 'filtered' | 'refused' | 'dropped';

export interface Failure {
  kind: FailureKind;
  message: string;
}

/**
 * What one question to a model really cost. Recorded on exactly one record per
 * question — the cells one listwise call fills share its callId, and only the
 * first carries the spend — so summing spends counts every request once.
 */
export interface Spend {
  /** The question's id (hash of its first request), on every record it filled. */
  callId: string;
  /** HTTP requests sent, retries after errors and re-asks included. */
  requests: number;
  /** Replies replayed from the response cache or a twin request in flight (nothing sent). */
  fromCache: number;
  /** Tokens of the replies that came over the network. */
  promptTokens: number;
  completionTokens: number;
  /** Tokens of the replayed replies (paid for by an earlier call). */
  promptTokensFromCache: number;
  completionTokensFromCache: number;
  /** Of promptTokens, those the server served from its prefix cache (usage.prompt_tokens_details.cached_tokens); absent when never reported. */
  cachedPromptTokens?: number;
}

/** What the judge call actually sent, after adapting to the model's rules. */
export interface SentParams {
  model: string;
  temperature?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  response_format?: string;
  [k: string]: unknown;
}

export interface Provenance {
  judgeHash: string;
  templateHash: string;
  rubricVersion: string;
  responseHash: string;
  framesHash: string | null;
  /** Position/order descriptor: "single", "listwise:B" (label), "AB" or "BA". */
  order: string;
  round: number;
}

/** A pointwise score: one per (sample, model, metric, judge, round). */
export interface Judgment {
  type: 'judgment';
  sampleId: string;
  model: string;
  metric: string;
  judge: string;
  round: number;
  mode: 'per-response' | 'listwise' | 'multi-metric' | 'offline';
  /** Parsed score in the rubric's scale, or null when the judgment failed. */
  score: number | null;
  failure?: Failure;
  /** Raw judge replies, one per attempt (re-asks included). */
  raw: string[];
  attempts: number;
  usage: Usage | null;
  latencyMs: number | null;
  sent: SentParams | null;
  provenance: Provenance;
  /** Self-identification phrases detected in the judged answer. */
  selfId: string[];
  /** Answer length in characters (for length-bias diagnostics). */
  answerChars: number;
  /** Sub-scores the judge gave before its overall score (EBM-RL block grammar). */
  subscores?: Record<string, number>;
  /** The frames the judge saw (timestamps and hashes), not only their hash. */
  frames?: FrameManifest | null;
  /** The question that produced this judgment (absent in records older than spend counting). */
  callId?: string;
  /** The question's cost, on one record per question only (see Spend). */
  spend?: Spend;
}

export type Verdict = 'A' | 'B' | 'tie';
export type Outcome = 'win' | 'loss' | 'tie';
export type CombineRule = 'strict' | 'ebm' | 'half';

/** One judge call in one position order. */
export interface OrderedVerdict {
  /** "AB": candidate shown as Response A; "BA": candidate shown as Response B. */
  order: 'AB' | 'BA';
  verdict: Verdict | null;
  /** The verdict from the candidate's point of view. */
  outcome: Outcome | null;
  raw: string[];
  attempts: number;
  usage: Usage | null;
  latencyMs: number | null;
  sent: SentParams | null;
  failure?: Failure;
  templateHash: string;
  /** The judge's stated confidence (high, medium, low) when its grammar has one. */
  confidence?: string;
  /** What this order's question cost (absent in older records). */
  spend?: Spend;
}

/** A pairwise verdict: one per (sample, candidate, baseline, metric, judge, round). */
export interface Comparison {
  type: 'comparison';
  sampleId: string;
  candidate: string;
  baseline: string;
  metric: string;
  judge: string;
  round: number;
  orders: OrderedVerdict[];
  rule: CombineRule;
  /** Combined outcome for the candidate; null when every order failed. */
  outcome: Outcome | null;
  /** Candidate's share of the vote (1, 0.5, 0) — what `half` reports. */
  credit: number | null;
  failure?: Failure;
  provenance: Omit<Provenance, 'order'>;
  candidateChars: number;
  baselineChars: number;
}
