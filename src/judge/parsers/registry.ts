// Reply grammars by name, so a rubric file says which one its judge speaks
// (`parser:` for listwise rubrics, `pairwiseParser:` for metric rubrics)
// instead of the code guessing from the text.
import type { Verdict } from '../../core/records.js';
import type { Scale } from '../rubrics/schema.js';
import { parseBlocks } from './blocks.js';
import { parseListwise } from './listwise.js';
import { isVerdict, parseVerdict } from './verdict.js';
import { parseWinner } from './winner.js';

import type { ListwiseParserName, PairwiseParserName } from './names.js';

export { LISTWISE_PARSERS, PAIRWISE_PARSERS, type ListwiseParserName, type PairwiseParserName } from './names.js';

export interface ListReading {
  scores: Record<string, Record<string, number>>;
  missing: Array<{ label: string; metric: string; reason: string }>;
  subscores: Record<string, Record<string, number>>;
}

export interface ListwiseGrammar {
  parse(reply: string, labels: string[], keys: string[], scale: Scale): ListReading;
  /** The re-ask text naming only what is still missing. */
  retry(missing: Array<{ label: string; metric: string }>): string;
}

const jsonListwise: ListwiseGrammar = {
  parse: (reply, labels, keys, scale) => ({ ...parseListwise(reply, labels, keys, scale), subscores: {} }),
  retry: (missing) => {
    const list = missing.map((c) => `Model ${c.label} ${c.metric}`).join(', ');
    return `Your reply did not give these scores: ${list}. Reply with a JSON object containing only those, e.g. {"${missing[0]!.label}": {"${missing[0]!.metric}": N}}.`;
  },
};

const modelBlocks: ListwiseGrammar = {
  parse: (reply, labels, keys, scale) => {
    // One metric per call in this grammar; several keys would be ambiguous.
    if (keys.length !== 1) throw new Error(`the model-blocks grammar scores one metric per call (got ${keys.join(', ')})`);
    return parseBlocks(reply, labels, keys[0]!, scale);
  },
  retry: (missing) => {
    const labels = [...new Set(missing.map((c) => c.label))];
    const list = labels.map((l) => `[[Model ${l}]]`).join(', ');
    return `Your reply had no complete block for ${list}. Give only ${labels.length === 1 ? 'that block' : 'those blocks'} now, each in the required form: its heading line, then Subscores:, Score: (0-100) and Reason: lines.`;
  },
};

export function listwiseGrammar(name: ListwiseParserName): ListwiseGrammar {
  return name === 'model-blocks' ? modelBlocks : jsonListwise;
}

export type PairReading = { verdict: Verdict; confidence?: string } | { error: string };

export interface PairwiseGrammar {
  parse(reply: string): PairReading;
  retry(error: string): string;
}

const bracketVerdict: PairwiseGrammar = {
  parse: (reply) => {
    const r = parseVerdict(reply);
    return isVerdict(r) ? { verdict: r.verdict } : r;
  },
  retry: (error) => `Your reply had no clear verdict (${error}). End with exactly one of [[A]], [[B]] or [[C]] (C for a tie).`,
};

const winnerLines: PairwiseGrammar = {
  parse: (reply) => {
    const r = parseWinner(reply);
    if ('error' in r) return r;
    return r.confidence ? { verdict: r.verdict, confidence: r.confidence } : { verdict: r.verdict };
  },
  retry: (error) =>
    `Your reply could not be read (${error}). Answer again with exactly three lines: "Winner: A", "Winner: B" or "Winner: Tie"; then "Reason: ..."; then "Confidence: high", "medium" or "low".`,
};

export function pairwiseGrammar(name: PairwiseParserName): PairwiseGrammar {
  return name === 'winner-reason-confidence' ? winnerLines : bracketVerdict;
}
