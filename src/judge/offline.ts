// The offline reference judge: deterministic, no network, no model. It
// scores lexical overlap with the references and the scene caption. This is a
// crude proxy for pipeline tests, demos and CI — it rewards saying the
// expected words, not role-play quality, and is never an LLM judgment.
import type { Sample, Verdict } from '../core/records.js';
import type { Scale } from './rubrics/schema.js';

/** Bump when the scoring below changes, so cached offline judgments are redone. */
export const OFFLINE_VERSION = '2';

/**
 * Share of the caption in the overlap, by metric id. Grounding metrics are
 * about the scene, so they lean on the caption; the rest lean on the
 * reference answers. When one source is missing the other takes all weight.
 */
// How much each metric leans on the scene (caption) rather than the references.
// Only a rough mapping of what each metric is about; the proxy stays a proxy.
const CAPTION_WEIGHT: Record<string, number> = {
  veg: 0.8,
  'video-text-relevance': 0.8,
  spc: 0.4,
  'knowledge-hallucination': 0.5,
  'instruction-adherence': 0.3,
  'tone-consistency': 0.35,
  'character-consistency': 0.25,
  'human-likeness': 0.15,
  'utterance-fluency': 0.1,
  cn: 0.1,
  'response-accuracy': 0,
};
const DEFAULT_CAPTION_WEIGHT = 0.2;

/** Default margin (in overlap units, 0..1) under which a pairwise call is a tie. */
export const OFFLINE_TIE_MARGIN = 0.02;

const STOP_WORDS = new Set(
  (
    'a an the and or but if then so of to in on at by for with from as is are was were be been being am ' +
    'i me my you your he him his she her it its we us our they them their this that these those there here ' +
    'do does did not no yes just very too also can will would should could shall may might must have has had ' +
    "what which who whom how why when where all any some oh ah well okay ok let s t re ll ve d m don't i'm it's"
  ).split(/\s+/),
);

/** Lowercased content words; Han characters count one token each (no spaces to split on). */
export function contentTokens(text: string): string[] {
  const normalized = text.normalize('NFKC').toLowerCase().replace(/[’‘]/g, "'");
  const words = normalized.match(/\p{Script=Han}|[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? [];
  return words.filter((w) => !STOP_WORDS.has(w));
}

function counts(tokens: string[], n: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join(' ');
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

function f1(candidate: Map<string, number>, reference: Map<string, number>): number {
  let overlap = 0;
  let candTotal = 0;
  let refTotal = 0;
  for (const c of candidate.values()) candTotal += c;
  for (const c of reference.values()) refTotal += c;
  if (candTotal === 0 || refTotal === 0) return 0;
  for (const [gram, c] of candidate) overlap += Math.min(c, reference.get(gram) ?? 0);
  if (overlap === 0) return 0;
  const precision = overlap / candTotal;
  const recall = overlap / refTotal;
  return (2 * precision * recall) / (precision + recall);
}

/** Mean of unigram and bigram F1 over content words, in 0..1. */
export function lexicalOverlap(answer: string, reference: string): number {
  const a = contentTokens(answer);
  const r = contentTokens(reference);
  const uni = f1(counts(a, 1), counts(r, 1));
  // One-word texts have no bigrams; judging them on unigrams alone is fairer
  // than halving their score.
  if (a.length < 2 || r.length < 2) return uni;
  return (uni + f1(counts(a, 2), counts(r, 2))) / 2;
}

/** Weighted overlap with references (best match) and caption, in 0..1. */
export function offlineOverlap(metric: string, sample: Pick<Sample, 'references' | 'caption'>, answer: string): number {
  const refs = sample.references.filter((r) => r.trim() !== '');
  const caption = sample.caption?.trim() ? sample.caption : null;
  const refPart = refs.length > 0 ? Math.max(...refs.map((r) => lexicalOverlap(answer, r))) : null;
  const capPart = caption ? lexicalOverlap(answer, caption) : null;
  if (refPart === null && capPart === null) return 0;
  if (refPart === null) return capPart!;
  if (capPart === null) return refPart;
  const w = CAPTION_WEIGHT[metric] ?? DEFAULT_CAPTION_WEIGHT;
  return w * capPart + (1 - w) * refPart;
}

/** Overlap mapped linearly onto the rubric's scale and rounded to an integer. */
export function offlineScore(metric: string, sample: Pick<Sample, 'references' | 'caption'>, answer: string, scale: Scale): number {
  const o = offlineOverlap(metric, sample, answer);
  return Math.round(scale.min + o * (scale.max - scale.min));
}

/** Pairwise: the higher overlap wins unless the two are within `margin`. */
export function offlineVerdict(
  metric: string,
  sample: Pick<Sample, 'references' | 'caption'>,
  responseA: string,
  responseB: string,
  margin: number = OFFLINE_TIE_MARGIN,
): Verdict {
  const a = offlineOverlap(metric, sample, responseA);
  const b = offlineOverlap(metric, sample, responseB);
  if (Math.abs(a - b) <= margin) return 'tie';
  return a > b ? 'A' : 'B';
}
