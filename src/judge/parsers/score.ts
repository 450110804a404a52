// Getting one score out of a judge's reply. Judges are asked for JSON or a
// "Score: N" line, but they reason first and mention other numbers on the way;
// the number that counts is the one in the final score statement.
import type { Scale } from '../rubrics/schema.js';
import { findKeyed, isTruncatedJson, jsonObjects, toNumber } from './json-extract.js';

export type ScoreResult = { score: number } | { error: string };

const NUM = String.raw`(-?\d+(?:\.\d+)?)`;
const OUT_OF = String.raw`(?:\s*(?:\/|out\s+of)\s*(\d+))?`;
const BOLD = String.raw`(?:\*\*|__)?`;
// "Score:", "**Score:**", "Score (1-10): ", "score =", "score is"
const SEP = String.raw`${BOLD}(?:\s*\([^)\n]{0,30}\))?\s*${BOLD}\s*(?:[:=]|\bis\b)\s*${BOLD}\s*`;

interface Pattern {
  re: RegExp;
  /** Higher wins; among equals, the last occurrence wins. */
  strength: number;
  /** Fractions without a keyword count only when the denominator is the scale's max. */
  needsMaxDenominator?: boolean;
}

const PATTERNS: Pattern[] = [
  { re: new RegExp(String.raw`\[\[\s*${NUM}\s*(?:\/\s*(\d+))?\s*\]\]`, 'g'), strength: 3 },
  { re: new RegExp(String.raw`\bfinal\s+(?:score|rating|grade)\s*${SEP}${NUM}${OUT_OF}`, 'gi'), strength: 3 },
  { re: new RegExp(String.raw`\b(?:score|rating|grade)\s*${SEP}${NUM}${OUT_OF}`, 'gi'), strength: 2 },
  { re: new RegExp(String.raw`\b(?:score|rating|grade)\s+of\s+${NUM}${OUT_OF}`, 'gi'), strength: 1 },
  {
    re: new RegExp(String.raw`(?<![\d.\/])${NUM}\s*(?:\/|out\s+of)\s*(\d+)(?![\d.])`, 'gi'),
    strength: 1,
    needsMaxDenominator: true,
  },
];

const REFUSAL =
  /\b(?:I\s*(?:cannot|can't|can\s+not|won't|will\s+not|am\s+unable\s+to|'m\s+unable\s+to|am\s+not\s+able\s+to)\s+(?:evaluate|assess|rate|score|judge|grade|provide\s+(?:a\s+)?(?:score|rating|evaluation))|unable\s+to\s+(?:evaluate|assess|rate|score)|not\s+possible\s+to\s+(?:evaluate|assess|rate|score))/i;

/** The keys a judge uses for its score in JSON. */
export function isScoreKey(key: string): boolean {
  return /^(?:final[_\s-]?)?(?:score|rating)$/i.test(key.trim());
}

function checkRange(value: number, outOf: number | null, scale: Scale): ScoreResult {
  if (outOf !== null && outOf !== scale.max) {
    return { error: `score ${value}/${outOf} is not on the expected ${scale.min}–${scale.max} scale` };
  }
  if (value < scale.min || value > scale.max) {
    return { error: `score ${value} is outside the scale ${scale.min}–${scale.max}` };
  }
  return { score: value };
}

function fromJson(text: string, scale: Scale): ScoreResult | null {
  const objects = jsonObjects(text);
  for (let i = objects.length - 1; i >= 0; i--) {
    const hit = findKeyed(objects[i]!.value, isScoreKey);
    if (!hit) continue;
    const raw = hit.obj[hit.key];
    const n = toNumber(raw);
    if (!n) return { error: `JSON "${hit.key}" is not a number: ${JSON.stringify(raw)}` };
    return checkRange(n.value, n.outOf, scale);
  }
  // A reply cut off after the score key but before the closing brace.
  // Only a number something follows counts: at the very end, "score": 8 may have been going to be 85.
  const partial = [...text.matchAll(/["']((?:final[_ ]?)?score)["']\s*:\s*"?(-?\d+(?:\.\d+)?)(?=\s*["',}])/gi)];
  const last = partial[partial.length - 1];
  if (last) return checkRange(Number(last[2]), null, scale);
  return null;
}

interface Hit {
  value: number;
  outOf: number | null;
  index: number;
  strength: number;
}

function fromText(text: string, scale: Scale): Hit | null {
  const hits: Hit[] = [];
  for (const p of PATTERNS) {
    for (const m of text.matchAll(p.re)) {
      const outOf = m[2] !== undefined ? Number(m[2]) : null;
      if (p.needsMaxDenominator && outOf !== scale.max) continue;
      hits.push({ value: Number(m[1]), outOf, index: m.index ?? 0, strength: p.strength });
    }
  }
  // A bare number on the last line ("…reasoning…\n\n8") is a final statement.
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const lastLine = lines[lines.length - 1] ?? '';
  const bare = /^(?:\*\*|__)?\s*(-?\d+(?:\.\d+)?)\s*(?:\/\s*(\d+))?\s*(?:\*\*|__)?\.?$/.exec(lastLine);
  if (bare) {
    hits.push({ value: Number(bare[1]), outOf: bare[2] ? Number(bare[2]) : null, index: text.length, strength: 2 });
  }
  let best: Hit | null = null;
  for (const h of hits) {
    if (!best || h.strength > best.strength || (h.strength === best.strength && h.index >= best.index)) best = h;
  }
  return best;
}

/**
 * One score in `scale` from a judge reply, or the reason there is none:
 * empty reply, refusal, truncated JSON, out-of-range or wrong-scale value.
 * JSON wins over prose; in prose, the strongest final statement wins.
 */
export function parseScore(reply: string | null | undefined, scale: Scale): ScoreResult {
  const text = (reply ?? '').trim();
  if (text === '') return { error: 'empty reply' };

  const json = fromJson(text, scale);
  if (json) return json;
  if (isTruncatedJson(text)) return { error: 'truncated JSON reply without a score' };

  const hit = fromText(text, scale);
  if (hit) return checkRange(hit.value, hit.outOf, scale);

  const refusal = REFUSAL.exec(text);
  if (refusal) return { error: `judge refused: "${refusal[0]}"` };
  return { error: 'no score found in reply' };
}

/** Narrowing helper for callers. */
export function isScore(r: ScoreResult): r is { score: number } {
  return 'score' in r;
}
