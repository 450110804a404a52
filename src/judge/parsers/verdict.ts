// A pairwise verdict (A, B or tie) from a judge reply. Explicit tokens
// ([[A]], {"verdict": "B"}, "Verdict: tie") beat prose ("Response A is
// better"); the final line beats the reasoning above it; anything that still
// points two ways is an error rather than a guess.
import type { Verdict } from '../../core/records.js';
import { findKeyed, jsonObjects } from './json-extract.js';

export type VerdictResult = { verdict: Verdict } | { error: string };

function normalize(token: string): Verdict | null {
  const t = token
    .trim()
    .replace(/^(?:response|model|assistant|answer)\s+/i, '')
    .toUpperCase();
  if (t === 'A' || t === 'B') return t;
  if (t === 'C' || t === 'TIE' || t === 'DRAW' || t === 'EQUAL' || t === 'NEITHER' || t === 'BOTH') return 'tie';
  return null;
}

// Case-sensitive on purpose: "Verdict: a close call" must not read as A.
const TOKEN = String.raw`(A|B|C|[Tt]ie|TIE)`;
const STRONG: RegExp[] = [
  new RegExp(String.raw`\[\[\s*${TOKEN}\s*\]\]`, 'g'),
  new RegExp(String.raw`\b(?:[Ff]inal\s+)?(?:[Vv]erdict|VERDICT)\s*(?:\*\*|__)?\s*[:=]\s*(?:\*\*|__)?\s*(?:[Rr]esponse\s+)?${TOKEN}\b`, 'g'),
  new RegExp(String.raw`\b(?:[Ww]inner|WINNER)\s*(?:\*\*|__)?\s*[:=]\s*(?:\*\*|__)?\s*(?:[Rr]esponse\s+)?${TOKEN}\b`, 'g'),
];

const BETTER = String.raw`(?:clearly\s+|slightly\s+|much\s+|somewhat\s+|overall\s+)?(?:better|superior|stronger|preferable|preferred|the\s+better\s+(?:one|response))`;
const WEAK: Array<{ re: RegExp; flip?: boolean; tie?: boolean }> = [
  // Capital A/B only: "a response a bit longer" must not count as a vote.
  { re: new RegExp(String.raw`\b(?:[Rr]esponse|RESPONSE|[Aa]ssistant|[Aa]nswer)\s+(A|B)\s+(?:is|was)\s+${BETTER}`, 'g') },
  { re: /\b(?:[Rr]esponse|RESPONSE|[Aa]ssistant|[Aa]nswer)\s+(A|B)\s+wins\b/g },
  { re: /\b[Ii]\s+(?:would\s+)?prefer\s+(?:[Rr]esponse\s+)?(A|B)\b/g },
  { re: /\b(?:[Rr]esponse|RESPONSE|[Aa]ssistant|[Aa]nswer)\s+(A|B)\s+(?:is|was)\s+(?:clearly\s+|slightly\s+|much\s+)?worse/g, flip: true },
  {
    re: /\b(?:it(?:'s|\s+is)\s+a\s+tie|tie\b(?!-)|equally\s+(?:good|strong|weak|bad|matched)|neither\s+(?:response\s+)?is\s+(?:clearly\s+)?better|no\s+clear\s+winner)/gi,
    tie: true,
  },
];

function strongSignals(text: string): Set<Verdict> {
  const out = new Set<Verdict>();
  for (const re of STRONG) {
    for (const m of text.matchAll(re)) {
      const v = normalize(m[1] ?? '');
      if (v) out.add(v);
    }
  }
  return out;
}

function weakSignals(text: string): Set<Verdict> {
  const out = new Set<Verdict>();
  for (const p of WEAK) {
    for (const m of text.matchAll(p.re)) {
      if (p.tie) out.add('tie');
      else if (m[1] === 'A' || m[1] === 'B') out.add(p.flip ? (m[1] === 'A' ? 'B' : 'A') : m[1]);
    }
  }
  return out;
}

function single(set: Set<Verdict>, where: string): VerdictResult | null {
  if (set.size === 1) return { verdict: [...set][0]! };
  if (set.size > 1) return { error: `ambiguous verdict (${[...set].join(' and ')}) in ${where}` };
  return null;
}

export function parseVerdict(reply: string | null | undefined): VerdictResult {
  const text = (reply ?? '').trim();
  if (text === '') return { error: 'empty reply' };

  const objects = jsonObjects(text);
  for (let i = objects.length - 1; i >= 0; i--) {
    const hit = findKeyed(objects[i]!.value, (k) => /^(?:verdict|winner|preference|better)$/i.test(k));
    if (!hit) continue;
    const raw = hit.obj[hit.key];
    const v = typeof raw === 'string' ? normalize(raw) : null;
    return v ? { verdict: v } : { error: `JSON "${hit.key}" is not A, B or tie: ${JSON.stringify(raw)}` };
  }

  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const lastLine = lines[lines.length - 1] ?? '';
  return (
    single(strongSignals(lastLine), 'the final line') ??
    single(strongSignals(text), 'the reply') ??
    single(weakSignals(lastLine), 'the final line') ??
    single(weakSignals(text), 'the reply') ?? { error: 'no verdict found in reply' }
  );
}

export function isVerdict(r: VerdictResult): r is { verdict: Verdict } {
  return 'verdict' in r;
}
