// Splitting an EBM-RL output into perception, think and answer. The released
// EBM-RL code and data tag the visual section <vision>, the paper <perception>;
// real outputs also leave tags unclosed at the end or drop the opening <answer>.
// Malformed output is parsed as far as it goes and flagged, never dropped.
import type { EbmSections, FormatCheck } from '../../core/records.js';
import { removeHidden } from '../../judge/protocol/answer.js';

type Section = keyof EbmSections;

const TAGS: { section: Section; names: string[] }[] = [
  { section: 'perception', names: ['perception', 'vision'] },
  { section: 'think', names: ['think'] },
  { section: 'answer', names: ['answer'] },
];

interface Found {
  section: Section;
  open: number; // index of "<tag>"
  start: number; // index after "<tag>"
  end: number; // index of "</tag>" or where the section stops
  closed: boolean;
}

const ANY_TAG = /<\/?\s*(perception|vision|think|answer)\s*>/gi;

function findSection(raw: string, section: Section, names: string[]): Found | null {
  // Attributes are tolerated (`<answer type="speech">`); a self-closing tag opens nothing.
  const open = new RegExp(`<\\s*(${names.join('|')})\\b[^>/]*>`, 'i').exec(raw);
  if (!open) return null;
  const start = open.index + open[0].length;
  const closeRe = new RegExp(`<\\/\\s*(${names.join('|')})\\s*>`, 'ig');
  closeRe.lastIndex = start;
  const close = closeRe.exec(raw);
  if (close) return { section, open: open.index, start, end: close.index, closed: true };
  // An unclosed answer is the last thing the model wrote: it runs to the end,
  // and a hidden block inside it (closed or not) is dropped from it later —
  // ending it at that block lost the words after it ("Hi <vision>x</vision> there").
  if (section === 'answer') return { section, open: open.index, start, end: raw.length, closed: false };
  // Unclosed: the section runs to the next opening tag of another section, or the end.
  ANY_TAG.lastIndex = start;
  let m: RegExpExecArray | null;
  let end = raw.length;
  while ((m = ANY_TAG.exec(raw))) {
    if (!m[0].startsWith('</')) {
      end = m.index;
      break;
    }
  }
  return { section, open: open.index, start, end, closed: false };
}

/** Strip wrapping quotes the models add around an answer ("…"). Only one pair:
 * `"Hi," she said. "Run!"` also starts and ends with a quote but is not wrapped. */
function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && /^["“]/.test(t) && /["”]$/.test(t) && !/["“”]/.test(t.slice(1, -1))) return t.slice(1, -1).trim();
  return t;
}

export interface EbmParse {
  sections: EbmSections;
  format: FormatCheck;
  /** The text later stages judge: the answer section, tags stripped. */
  answer: string;
}

export function parseEbmOutput(raw: string): EbmParse {
  const flags: string[] = [];
  const found: Found[] = [];
  const sections: EbmSections = { perception: null, think: null, answer: null };
  for (const { section, names } of TAGS) {
    const f = findSection(raw, section, names);
    if (!f) {
      flags.push(`missing-${section}`);
      continue;
    }
    if (!f.closed) flags.push(`unclosed-${section}`);
    found.push(f);
    // A hidden block nested in the answer (<answer><think>x</think>y</answer>)
    // is thought, not speech: removed whole, not just untagged.
    const body = raw.slice(f.start, f.end);
    // Inside the model's own answer tags a stray </think> is only a stray tag: the words before it are the answer.
    const text = (section === 'answer' ? removeHidden(body, true) : body.replace(ANY_TAG, '')).trim();
    sections[section] = section === 'answer' ? unquote(text) : text;
    if (!sections[section]) flags.push(`empty-${section}`);
  }
  for (let i = 1; i < found.length; i++) {
    if (found[i]!.open < found[i - 1]!.open) {
      flags.push('out-of-order');
      break;
    }
  }
  // An output missing the opening <answer> often still ends with the answer
  // after </think>: recover it, flagged, rather than judge nothing.
  if (sections.answer === null) {
    const think = found.find((f) => f.section === 'think');
    const tail = think?.closed ? raw.slice(raw.indexOf('>', think.end) + 1) : null;
    const recovered = tail ? unquote(removeHidden(tail)) : '';
    if (recovered) {
      sections.answer = recovered;
      flags.push('answer-recovered-after-think');
    }
  }
  const unclosedAtEnd = (f: Found) => !f.closed && f.end === raw.length;
  // A missing closing tag at the very end is tolerated (generation stopped); elsewhere it is not.
  const fatal = flags.filter((fl) => !(fl.startsWith('unclosed-') && found.some((f) => `unclosed-${f.section}` === fl && unclosedAtEnd(f))));
  return {
    sections,
    format: { valid: fatal.length === 0, flags },
    answer: sections.answer ?? '',
  };
}

/** Plain models: the whole output is the answer; stray EBM tags are still stripped. */
export function parsePlainOutput(raw: string): EbmParse {
  const flags: string[] = [];
  let answer = raw.trim();
  if (ANY_TAG.test(answer)) {
    ANY_TAG.lastIndex = 0;
    const ebm = parseEbmOutput(raw);
    // Reasoning a plain model wrapped in tags is not its answer: drop hidden sections.
    answer = ebm.answer || removeHidden(raw).trim();
    flags.push('unexpected-tags');
  }
  ANY_TAG.lastIndex = 0;
  if (!answer) flags.push('empty-answer');
  return { sections: { perception: null, think: null, answer }, format: { valid: flags.length === 0, flags }, answer };
}

/** EBM-RL's strict format_pass: a closed <answer>…</answer> is present (case-insensitive). */
export function formatPass(raw: string): boolean {
  return /<answer>[\s\S]*?<\/answer>/i.test(raw);
}

// answer-tag (EBM-RL's `vanilla` systems) and cot (`normal_cot`): the same
// section parser, with only the sections the kind requires checked; a section
// the kind does not have is flagged as unexpected, not as missing.
function parseSubset(raw: string, required: Section[]): EbmParse {
  const full = parseEbmOutput(raw);
  const keep = (fl: string) => {
    const m = /^(?:missing|unclosed|empty)-(perception|think|answer)$/.exec(fl);
    return !m || required.includes(m[1] as Section);
  };
  const flags = full.format.flags.filter(keep);
  for (const s of ['perception', 'think'] as const) {
    if (!required.includes(s) && full.sections[s] !== null) flags.push(`unexpected-${s}`);
  }
  // A tag left open by a stopped generation is tolerated, as for ebm; anything else is a format fault.
  const fatal = flags.filter((fl) => !fl.startsWith('unclosed-'));
  return { sections: full.sections, format: { valid: fatal.length === 0, flags }, answer: full.answer };
}

export function parseAnswerTagOutput(raw: string): EbmParse {
  return parseSubset(raw, ['answer']);
}

export function parseCotOutput(raw: string): EbmParse {
  return parseSubset(raw, ['think', 'answer']);
}

/** The parse for a model kind: plain, answer-tag, cot or ebm. */
export function parseByKind(kind: 'plain' | 'ebm' | 'answer-tag' | 'cot', raw: string): EbmParse {
  if (kind === 'ebm') return parseEbmOutput(raw);
  if (kind === 'answer-tag') return parseAnswerTagOutput(raw);
  if (kind === 'cot') return parseCotOutput(raw);
  return parsePlainOutput(raw);
}
