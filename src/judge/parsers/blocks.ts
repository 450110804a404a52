// EBM-RL's listwise reply grammar, one block per model:
//   [[Model A]]
//   Subscores: Triggering: 40, Integrity: 25, Temporal: 15
//   Score: 80
//   Reason: …
// Each block runs from its own "[[Model X]]" heading to the next heading (any
// label) or the end. A score is read only inside its own block: the released
// parser searched from the heading to the next "Score:" anywhere, so a block
// without its own score line silently took the next model's score. Here such a
// block is missing (and re-asked), never borrowed.
import type { Scale } from '../rubrics/schema.js';
import type { ListwiseParse } from './listwise.js';

export interface BlockParse extends ListwiseParse {
  /** label → sub-score name → value, for blocks whose overall score parsed. */
  subscores: Record<string, Record<string, number>>;
  /** label → the judge's reason line, when given. */
  reasons: Record<string, string>;
}

// "[[Model A]]", "**[[Model A]]**", "[[ model b ]]"; the label letter is what counts.
const HEADING = /\[\[\s*(?:model\s+)?([A-Za-z])\s*\]\]/gi;
// The score line must start its line (after optional markdown), so "Subscores:" never reads as "Score:".
const SCORE_LINE = /^[\s>*_#-]*score\s*[*_]*\s*[:=]\s*[*_]*\s*(-?\d+(?:\.\d+)?)(?:\s*\/\s*(\d+))?/gim;
const SUBSCORE_LINE = /^[\s>*_#-]*sub-?scores?\s*[*_]*\s*[:=]\s*(.*)$/im;
const REASON_LINE = /^[\s>*_#-]*reason\s*[*_]*\s*[:=]\s*(.*)$/im;
// "Triggering: 40", "integrity=25", "Temporal realism (20%): 15/20"
const SUBSCORE_PAIR = /([A-Za-z][A-Za-z -]*?)\s*(?:\([^)]*\))?\s*[:=]\s*(-?\d+(?:\.\d+)?)/g;

interface Block {
  label: string;
  text: string;
}

function splitBlocks(text: string): Block[] {
  const heads = [...text.matchAll(HEADING)].map((m) => ({ label: m[1]!.toUpperCase(), start: m.index!, end: m.index! + m[0].length }));
  return heads.map((h, i) => ({ label: h.label, text: text.slice(h.end, heads[i + 1]?.start ?? text.length) }));
}

function parseSubscores(line: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of line.matchAll(SUBSCORE_PAIR)) {
    const name = m[1]!.trim().toLowerCase().replace(/\s+/g, '-');
    if (name) out[name] = Number(m[2]);
  }
  return out;
}

export function parseBlocks(reply: string | null | undefined, labels: string[], metric: string, scale: Scale): BlockParse {
  const text = (reply ?? '').trim();
  const result: BlockParse = { scores: {}, missing: [], subscores: {}, reasons: {} };
  const found = new Map<string, { score?: number; reason: string; subscores: Record<string, number> }>();
  for (const block of splitBlocks(text)) {
    // A label repeated in one reply: the first complete block counts.
    if (found.get(block.label)?.score !== undefined) continue;
    const scores = [...block.text.matchAll(SCORE_LINE)];
    const sub = SUBSCORE_LINE.exec(block.text);
    const reason = REASON_LINE.exec(block.text)?.[1]?.trim() ?? '';
    const entry: { score?: number; reason: string; subscores: Record<string, number> } = { reason, subscores: sub ? parseSubscores(sub[1]!) : {} };
    const last = scores[scores.length - 1];
    if (last) {
      const value = Number(last[1]);
      const outOf = last[2] ? Number(last[2]) : null;
      if ((outOf === null || outOf === scale.max) && value >= scale.min && value <= scale.max) entry.score = value;
      else entry.reason = `score ${last[0].trim()} is outside ${scale.min}–${scale.max}`;
    }
    found.set(block.label, entry);
  }
  for (const label of labels) {
    const f = found.get(label.toUpperCase());
    if (f?.score !== undefined) {
      (result.scores[label] ??= {})[metric] = f.score;
      if (Object.keys(f.subscores).length) result.subscores[label] = f.subscores;
      if (f.reason) result.reasons[label] = f.reason;
      continue;
    }
    const reason = text === '' ? 'empty reply' : !f ? 'block missing' : /outside/.test(f.reason) ? f.reason : 'no Score line in its own block';
    result.missing.push({ label, metric, reason });
  }
  return result;
}
