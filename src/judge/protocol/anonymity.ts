// The judge must not learn whose answer it reads. The self-identification scan
// knows vendor phrases; this one looks at the rendered prompt itself, just
// before it is sent, for what the run knows identifies a model: its configured
// name and model id, the file names of recorded outputs, and the output tags
// an EBM-style answer carries (<perception>, <vision>, <think>, <answer>).
// A hit is masked (default) or left in place and the judgment flagged.
import { basename, extname } from 'node:path';

export type AnonymityMode = 'mask' | 'flag';

export interface AnonymityHits {
  /** Occurrences found in the prompt. */
  hits: number;
  /** The distinct identifying terms found (tags as written, e.g. "<think>"). */
  terms: string[];
  /** Whether they were masked before sending ("flag": sent as they were). */
  masked: boolean;
}

export interface IdentitySource {
  name: string;
  model?: string | undefined;
  outputs?: string | undefined;
}

export const MASK = '[redacted]';
const TAGS = ['perception', 'vision', 'think', 'answer'];
// Names shorter than this match inside ordinary words too often ("a", "gp").
const MIN_TERM = 3;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class AnonymityGuard {
  private readonly pattern: RegExp | null;
  // Scans of long texts seen before: a rubric's shared lead is the same text
  // for every sample, and the pattern (lookbehinds over every term) was run
  // over it on every call. Bounded; past 16 texts it starts over.
  private readonly memo = new Map<string, { text: string; found: string[] }>();

  constructor(
    sources: IdentitySource[],
    readonly mode: AnonymityMode = 'mask',
  ) {
    const terms = new Set<string>();
    for (const s of sources) {
      terms.add(s.name);
      if (s.model) {
        terms.add(s.model);
        // "org/model-b": the part after the organisation identifies it just as well.
        const tail = s.model.split('/').pop()!;
        terms.add(tail);
      }
      if (s.outputs) {
        const file = basename(s.outputs);
        terms.add(file);
        terms.add(file.slice(0, file.length - extname(file).length));
      }
    }
    const words = [...terms].filter((t) => t.length >= MIN_TERM).sort((a, b) => b.length - a.length);
    // Terms match as whole tokens (not inside a longer name or word); tags in any case, opening or closing.
    const alternatives = [...words.map((w) => `(?<![\\w.-])${escape(w)}(?![\\w-])`), `</?\\s*(?:${TAGS.join('|')})\\s*>`];
    this.pattern = new RegExp(alternatives.join('|'), 'gi');
  }

  /** Scan `text`; in mask mode return it with every hit replaced. */
  scan(text: string): { text: string; found: string[] } {
    return this.pattern ? this.run(text, this.pattern) : { text, found: [] };
  }

  /** scan() of a text many calls share (a rubric's lead, a system prompt): remembered. */
  scanShared(text: string): { text: string; found: string[] } {
    if (!this.pattern) return { text, found: [] };
    let r = this.memo.get(text);
    if (!r) {
      if (this.memo.size >= 16) this.memo.clear();
      r = this.run(text, this.pattern);
      this.memo.set(text, r);
    }
    return { text: r.text, found: [...r.found] };
  }

  private run(text: string, pattern: RegExp): { text: string; found: string[] } {
    const found: string[] = [];
    const out = text.replace(pattern, (m) => {
      found.push(m.replace(/\s+/g, '').toLowerCase());
      return this.mode === 'mask' ? MASK : m;
    });
    return { text: this.mode === 'mask' ? out : text, found };
  }
}

/** Add the hits of one more piece of text to a running tally. */
export function addHits(tally: AnonymityHits | null, found: string[], masked: boolean): AnonymityHits | null {
  if (!found.length) return tally;
  const t = tally ?? { hits: 0, terms: [], masked };
  t.hits += found.length;
  for (const f of found) if (!t.terms.includes(f)) t.terms.push(f);
  return t;
}
