// The judge must not learn whose answer it reads. The self-identification scan
// knows vendor phrases; this one looks at the rendered prompt itself, just
// before it is sent, for what the run knows identifies a model: its configured
// name and model id, the file names of recorded outputs, and the output tags
// an EBM-style answer carries (<perception>, <vision>, <think>, <answer>).
// A hit is masked (default) or left in place and the judgment flagged.
//
// The guard must never change the scene itself: a model named "pippin" once
// turned every "Pippin" of the profile and dialogue into "[redacted]". So a
// name that is an ordinary word (letters only: "plain", "pippin") is not
// scanned at all — it cannot be told from the word — and any term that occurs
// in the sample's own text (film, profiles, dialogue, caption, references) is
// left alone in that sample's prompts. Both are warned about once per model.
import { basename, extname } from 'node:path';
import type { Sample } from '../../core/records.js';

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

/** The parts of a sample that are its own text, shown to the judge as written. */
export type SampleWords = Pick<Sample, 'id' | 'character' | 'user' | 'history' | 'references'> & Partial<Pick<Sample, 'source' | 'caption'>>;

/** Every string of the sample's own text, one per line. */
export function sampleText(sample: SampleWords): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk([sample.source, sample.caption, sample.character, sample.user, sample.history, sample.references]);
  return out.join('\n');
}

export const MASK = '[redacted]';
const TAGS = ['perception', 'vision', 'think', 'answer'];
// Names shorter than this match inside ordinary words too often ("a", "gp").
const MIN_TERM = 3;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// A name of letters only is a word or a character name as well ("plain",
// "pippin"): redacting it would rewrite that word wherever the scene or an
// answer uses it. An identifying form has a digit or separator (qwen2.5-vl-7b).
const WORD = /^\p{L}+$/u;
const norm = (m: string) => m.replace(/\s+/g, '').toLowerCase();
const defaultWarn = (msg: string) => process.stderr.write(`warning: ${msg}\n`);

export class AnonymityGuard {
  private readonly pattern: RegExp | null;
  // Scans of long texts seen before: a rubric's shared lead is the same text
  // for every sample, and the pattern (lookbehinds over every term) was run
  // over it on every call. Bounded; past 16 texts it starts over.
  private readonly memo = new Map<string, { text: string; found: string[] }>();
  /** Which model each scanned term identifies (lower case). */
  private readonly owner = new Map<string, string>();
  /** Terms found in a sample's own text, per sample: never masked in its prompts. */
  private readonly exempt = new WeakMap<object, ReadonlySet<string>>();
  private readonly warned = new Set<string>();

  constructor(
    sources: IdentitySource[],
    readonly mode: AnonymityMode = 'mask',
    private readonly warn: (msg: string) => void = defaultWarn,
  ) {
    for (const s of sources) {
      const terms = [s.name];
      if (s.model) {
        terms.push(s.model);
        // "org/model-b": the part after the organisation identifies it just as well.
        terms.push(s.model.split('/').pop()!);
      }
      const configured = new Set(terms);
      if (s.outputs) {
        const file = basename(s.outputs);
        terms.push(file, file.slice(0, file.length - extname(file).length));
      }
      const words: string[] = [];
      for (const t of terms) {
        if (t.length < MIN_TERM) continue;
        if (WORD.test(t)) {
          // A file stem is not the user's name for the model: skipped without a word.
          if (configured.has(t) && !words.includes(t)) words.push(t);
          continue;
        }
        if (!this.owner.has(t.toLowerCase())) this.owner.set(t.toLowerCase(), s.name);
      }
      if (words.length)
        this.warnOnce(
          `${s.name}\0word`,
          `model "${s.name}": ${words.map((w) => `"${w}"`).join(', ')} is an ordinary word or name, so the anonymity guard does not redact it from judge prompts (that would rewrite the word in scenes and answers); only identifying forms (a name with a version or id, e.g. "qwen2.5-vl-7b") are redacted`,
        );
    }
    const words = [...this.owner.keys()].sort((a, b) => b.length - a.length);
    // Terms match as whole tokens (not inside a longer name or word); tags in any case, opening or closing.
    const alternatives = [...words.map((w) => `(?<![\\w.-])${escape(w)}(?![\\w-])`), `</?\\s*(?:${TAGS.join('|')})\\s*>`];
    this.pattern = new RegExp(alternatives.join('|'), 'gi');
  }

  /**
   * The terms found in a sample's own text: the scene's words, which the
   * judge must see as written, so its prompts leave them unmasked and
   * uncounted. Remembered per sample object (every job of a sample shares it).
   */
  exemptIn(sample: SampleWords): ReadonlySet<string> {
    let set = this.exempt.get(sample);
    if (!set) {
      set = new Set(this.run(sampleText(sample), this.pattern!, undefined).found);
      this.exempt.set(sample, set);
      for (const t of set) {
        const model = this.owner.get(t);
        if (model)
          this.warnOnce(
            `${model}\0scene`,
            `model "${model}": "${t}" also occurs in the text of sample ${sample.id} (a character name or word), so it is not redacted from prompts of samples whose own text has it`,
          );
      }
    }
    return set;
  }

  /** Scan `text`; in mask mode return it with every hit replaced (terms in `exempt` are left and not counted). */
  scan(text: string, exempt?: ReadonlySet<string>): { text: string; found: string[] } {
    return this.pattern ? this.run(text, this.pattern, exempt) : { text, found: [] };
  }

  /** scan() of a text many calls share (a rubric's lead, a system prompt): remembered. */
  scanShared(text: string): { text: string; found: string[] } {
    if (!this.pattern) return { text, found: [] };
    let r = this.memo.get(text);
    if (!r) {
      if (this.memo.size >= 16) this.memo.clear();
      r = this.run(text, this.pattern, undefined);
      this.memo.set(text, r);
    }
    return { text: r.text, found: [...r.found] };
  }

  private run(text: string, pattern: RegExp, exempt: ReadonlySet<string> | undefined): { text: string; found: string[] } {
    const found: string[] = [];
    const out = text.replace(pattern, (m) => {
      const term = norm(m);
      if (exempt?.has(term)) return m;
      found.push(term);
      return this.mode === 'mask' ? MASK : m;
    });
    return { text: this.mode === 'mask' ? out : text, found };
  }

  /** One warning per model and cause: a split of thousands of samples names the problem once. */
  private warnOnce(key: string, msg: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warn(msg);
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
