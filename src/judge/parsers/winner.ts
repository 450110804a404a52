// EBM-RL's pairwise reply grammar:
//   Winner: A | B | Tie
//   Reason: one to three sentences
//   Confidence: high | medium | low
// The Winner line is required and must be unambiguous; the confidence is
// recorded when given (a missing one is not a reason to re-ask: the released
// judge did not use it for anything).
import type { Verdict } from '../../core/records.js';

export type WinnerResult = { verdict: Verdict; confidence?: string; reason?: string } | { error: string };

const WINNER = /^[\s>*_#-]*winner\s*[*_]*\s*[:=]\s*[*_]*\s*(?:response\s+|model\s+)?([A-Za-z]+)\b/gim;
const CONFIDENCE = /^[\s>*_#-]*confidence\s*[*_]*\s*[:=]\s*[*_]*\s*(high|medium|low)\b/im;
const REASON = /^[\s>*_#-]*reason\s*[*_]*\s*[:=]\s*(.*)$/im;

function toVerdict(token: string): Verdict | null {
  const t = token.toUpperCase();
  if (t === 'A' || t === 'B') return t;
  if (t === 'TIE') return 'tie';
  return null;
}

export function parseWinner(reply: string | null | undefined): WinnerResult {
  const text = (reply ?? '').trim();
  if (text === '') return { error: 'empty reply' };
  const seen = new Set<Verdict>();
  for (const m of text.matchAll(WINNER)) {
    const v = toVerdict(m[1]!);
    if (!v) return { error: `"Winner: ${m[1]}" is not A, B or Tie` };
    seen.add(v);
  }
  if (seen.size === 0) return { error: 'no "Winner:" line' };
  if (seen.size > 1) return { error: `ambiguous winner (${[...seen].join(' and ')})` };
  const out: WinnerResult = { verdict: [...seen][0]! };
  const confidence = CONFIDENCE.exec(text)?.[1];
  if (confidence) out.confidence = confidence.toLowerCase();
  const reason = REASON.exec(text)?.[1]?.trim();
  if (reason) out.reason = reason;
  return out;
}
