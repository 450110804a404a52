// The exact text a judge sees of a response. Judges must score the spoken
// answer, not the model's private perception or reasoning — and must never
// see the EBM tags, which would reveal which kind of model wrote it.
import type { ResponseRecord } from '../../core/records.js';

export interface AnswerOptions {
  /**
   * Prefix the (untagged) perception section — only for a study of whether
   * grounding in the perception helps the judge; off for normal scoring.
   */
  includePerception?: boolean;
}

const TAGS = ['perception', 'vision', 'think', 'thinking', 'reasoning', 'answer'] as const;
/** Sections whose content is never part of the spoken answer. */
const HIDDEN = ['perception', 'vision', 'think', 'thinking', 'reasoning'] as const;

// Built once: this runs for every judgment, and building a dozen RegExps per
// call showed up in the score stage's profile. (`replace` resets lastIndex, so
// sharing the global ones is safe.)
const BLOCK = new Map<string, RegExp>(TAGS.map((tag) => [tag, new RegExp(String.raw`<\s*${tag}\b[^>]*>[\s\S]*?<\s*/\s*${tag}\s*>`, 'gi')]));
const ANY_TAG = new RegExp(String.raw`<\s*/?\s*(?:${TAGS.join('|')})\b[^>]*>`, 'gi');

function blockRe(tag: (typeof TAGS)[number]): RegExp {
  return BLOCK.get(tag)!;
}

/** Remove every opening/closing tag of the known sections, keeping inner text. */
export function stripTags(text: string): string {
  return text.replace(ANY_TAG, '');
}

/** How a scan treats what a well-formed block would not have. */
interface HiddenRule {
  /** An opening tag never closed: drop to the end (a reply cut off mid-thought) or keep its text. */
  unclosed: 'drop' | 'keep';
  /** A closing tag never opened: the text before it is thought (a chat template opened it), or the tag is just stray. */
  strayClose: 'thought-before' | 'strip';
}

const hiddenTagRe = (tags: readonly string[]) => new RegExp(String.raw`<\s*(\/?)\s*(?:${tags.join('|')})\b[^>]*?(\/?)\s*>`, 'gi');
const HIDDEN_TAG = hiddenTagRe(HIDDEN);

/**
 * Hidden blocks removed whole by depth, so a block nested in another goes
 * with it (`<think>a<think>b</think>c</think>` leaves nothing; a first-match
 * pattern left "c" to be judged as speech); a self-closing tag is an empty
 * block. What has no partner is handled by `rule`.
 */
function dropHidden(text: string, re: RegExp, rule: HiddenRule): string {
  let out = '';
  let pos = 0;
  let depth = 0;
  let openAt = -1;
  // A block was just removed: the next kept text meets `out` at a join point.
  let dropped = false;
  const keep = (piece: string) => {
    out = dropped ? joinAt(out, piece) : out + piece;
    dropped = false;
  };
  for (const m of text.matchAll(re)) {
    const closing = m[1] === '/';
    const selfClosing = m[2] === '/';
    const end = m.index + m[0].length;
    if (selfClosing) {
      if (depth === 0) {
        keep(text.slice(pos, m.index));
        dropped = true;
      }
      pos = end;
    } else if (!closing) {
      if (depth === 0) {
        keep(text.slice(pos, m.index));
        openAt = end;
      }
      depth++;
      pos = end;
    } else if (depth > 0) {
      depth--;
      if (depth === 0) dropped = true;
      pos = end;
    } else {
      if (rule.strayClose === 'thought-before') {
        out = '';
        dropped = false;
      } else keep(text.slice(pos, m.index));
      pos = end;
    }
  }
  if (depth > 0) return rule.unclosed === 'keep' ? out + text.slice(openAt).replace(re, '') : out;
  keep(text.slice(pos));
  return out;
}

/**
 * The text on both sides of a removed block, joined: "Hi <think>…</think> there"
 * would otherwise read "Hi  there". Only spaces and tabs that meet there
 * collapse (to the one before the block); line breaks and the rest of the
 * model's text are left as written.
 */
function joinAt(before: string, after: string): string {
  return /[ \t]$/.test(before) && /^[ \t]/.test(after) ? before + after.replace(/^[ \t]+/, '') : before + after;
}

/**
 * Drop hidden sections: closed blocks entirely (nested ones with them), and an
 * unclosed opening hidden tag up to the end (a reply cut off mid-thought is
 * all thought). In free text the text before a closing hidden tag that has no
 * opening is thought too (a chat template that opened the <think> itself:
 * "plan</think>Hi" is thought, then speech) — but not inside an answer
 * section the model closed around it (`answerSection`), where a stray
 * `</think>` is only a stray tag and the words before it are the answer.
 * Stray tags go too.
 */
export function removeHidden(text: string, answerSection = false): string {
  // Every pattern below starts with "<": most answers have none.
  if (!text.includes('<')) return text;
  return stripTags(dropHidden(text, HIDDEN_TAG, { unclosed: 'drop', strayClose: answerSection ? 'strip' : 'thought-before' }));
}

function tidy(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function extract(raw: string, tag: string): string | null {
  const m = new RegExp(String.raw`<\s*${tag}\b[^>]*>([\s\S]*?)<\s*/\s*${tag}\s*>`, 'i').exec(raw);
  return m ? (m[1] ?? null) : null;
}

type Judgeable = Pick<ResponseRecord, 'kind' | 'answer' | 'raw'> & Partial<Pick<ResponseRecord, 'sections'>>;

export function judgeableAnswer(response: Judgeable, opts: AnswerOptions = {}): string {
  // For ebm models the parsed <answer> section is authoritative; the
  // recorded `answer` field is the fallback (files from older runs).
  const source = response.kind === 'ebm' ? (response.sections?.answer ?? response.answer) : response.answer;
  const answer = tidy(removeHidden(source ?? ''));
  if (!opts.includePerception) return answer;

  const perceptionRaw = response.sections?.perception ?? extract(response.raw, 'perception') ?? extract(response.raw, 'vision');
  let perception = perceptionRaw ?? '';
  for (const tag of ['think', 'thinking', 'reasoning'] as const) perception = perception.replace(blockRe(tag), '');
  perception = tidy(stripTags(perception));
  if (perception === '') return answer;
  return `What the model perceived: ${perception}\n\nWhat the model said: ${answer}`;
}

// The output sections of the EBM-RL rule: its released code names the visual
// section <vision>, the paper <perception>; both are the same hidden section.
const EBM_SECTION_TAG = /<\s*\/?\s*(?:answer|think|vision|perception)\b[^>]*>/gi;
const EBM_HIDDEN_TAG = hiddenTagRe(['think', 'vision', 'perception']);
// EBM-RL's judge saw an unclosed <think>'s text; a stray closing tag is only a tag.
const EBM_RULE: HiddenRule = { unclosed: 'keep', strayClose: 'strip' };

/**
 * What is left of a section once extracted: a hidden block nested inside it
 * (`<answer><think>x</think>y</answer>`) goes entirely — the judge scores only
 * the final utterance — and any stray section tag (a `</answer>` after
 * `</think>`) is dropped, so no tag reaches the judge as text.
 */
function ebmRlClean(text: string): string {
  if (!text.includes('<')) return text.trim();
  return dropHidden(text, EBM_HIDDEN_TAG, EBM_RULE).replace(EBM_SECTION_TAG, '').trim();
}

/**
 * EBM-RL's released answer rule (`score.answerExtraction: ebm-rl`), on the raw
 * output: the text after <answer> up to </answer> or the end (tags matched
 * case-insensitively); else the text after </think>; else the whole text with
 * <think>…</think> and <vision>…</vision> (or <perception>…</perception>)
 * blocks and any stray tags removed. Whatever is extracted loses nested hidden
 * blocks and stray section tags (ebmRlClean). Wrapping quotes are kept, and an
 * unclosed <think> is not cut away — the judge sees what EBM-RL's judge saw.
 */
export function ebmRlAnswer(raw: string): string {
  const open = /<answer>/i.exec(raw);
  if (open) {
    const rest = raw.slice(open.index + open[0].length);
    const close = /<\/answer>/i.exec(rest);
    return ebmRlClean(close ? rest.slice(0, close.index) : rest);
  }
  const endThink = /<\/think>/i.exec(raw);
  if (endThink) return ebmRlClean(raw.slice(endThink.index + endThink[0].length));
  return ebmRlClean(dropHidden(raw, EBM_HIDDEN_TAG, EBM_RULE).replace(/<\/?[A-Za-z][A-Za-z0-9_-]*>/g, ''));
}
