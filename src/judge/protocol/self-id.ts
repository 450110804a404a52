// Self-identification: an answer that says "as an AI language model" or
// names its vendor breaks the role-play and de-anonymises a pairwise
// comparison. We record the phrases and can mask them before judging.
//
// False-positive policy: names that are also ordinary words are matched only
// in a self-referential or product context —
//   Claude (a first name), Gemini (a zodiac sign), Llama (an animal),
//   Meta (a word) and Mistral (a wind) need "I am/I'm/as …", a version
//   number or a product suffix ("Claude 3", "Gemini Pro", "Llama-2",
//   "Meta AI"); distinctive names (OpenAI, ChatGPT, GPT-4, Qwen, LLaVA,
//   InternVL, DeepSeek, Anthropic, Alibaba) match anywhere, even in
//   character: a pirate mentioning "OpenAI" is flagged on purpose — the
//   counts are a diagnostic, reviewed by humans, not a penalty.
// The `exempt` option lets a caller whitelist the character's own name
// (a role-play character called Claude is fine).

export interface SelfIdOptions {
  /** Names never flagged, e.g. the character's and the user's names. */
  exempt?: string[];
}

const AMBIGUOUS_NAMES = String.raw`(?:Claude|Gemini|Llama|LLaMA|Mistral|Grok)`;
const MODEL_NAMES = String.raw`(?:ChatGPT|GPT-?\d(?:\.\d)?o?|OpenAI|Qwen|LLaVA|InternVL|DeepSeek|Claude|Gemini|Llama|LLaMA|Mistral|Grok)`;

const PATTERNS: RegExp[] = [
  // Generic AI self-reference.
  /\bas\s+an?\s+(?:AI|A\.I\.|artificial\s+intelligence)(?:[\s-]+(?:language\s+model|model|assistant|chatbot|system|program))?\b/gi,
  /\bas\s+an?\s+(?:large\s+)?(?:language|multimodal|vision[\s-]language)\s+model\b/gi,
  /\bas\s+an?\s+LLM\b/gi,
  /\bI(?:['’]m|\s+am)\s+(?:just\s+|only\s+|merely\s+|simply\s+)?(?:an?\s+)?(?:AI\b(?:[\s-]+(?:language\s+model|model|assistant|chatbot))?|artificial\s+intelligence|(?:large\s+)?language\s+model|LLM\b|chatbot|virtual\s+assistant)/gi,
  /\bI(?:['’]m|\s+am)\s+not\s+(?:a\s+)?(?:real\s+)?(?:human|person)\b[^.!?\n]{0,20}\b(?:AI|model|program)\b/gi,
  // Named self-reference, including ambiguous names.
  new RegExp(String.raw`\b(?:I(?:['’]m|\s+am)|[Aa]s|[Mm]y\s+name\s+is)\s+${MODEL_NAMES}(?:[\w.-]*\w)?`, 'g'),
  /\b(?:trained|developed|created|built|made)\s+by\s+(?:OpenAI|Anthropic|Google(?:\s+DeepMind)?|Alibaba(?:\s+Cloud)?|Meta(?:\s+AI)?|DeepSeek|Mistral\s+AI|Shanghai\s+AI\s+Lab(?:oratory)?)/g,
  // Distinctive names, anywhere.
  /\b(?:ChatGPT|OpenAI|Anthropic|Alibaba(?:\s+Cloud)?|DeepSeek(?:[\w.-]*\w)?|Qwen(?:[\w.-]*\w)?|LLaVA(?:[\w.-]*\w)?|InternVL(?:[\w.-]*\w)?|Google\s+DeepMind|Meta\s+AI|Mistral\s+AI)\b/g,
  /\bGPT-?\d(?:\.\d)?o?(?:-(?:mini|turbo|nano|vision))?\b/g,
  // Ambiguous names only with a version or product suffix.
  new RegExp(String.raw`\b${AMBIGUOUS_NAMES}[\s-]?(?:\d+(?:\.\d+)?|Pro|Ultra|Flash|Nano|Opus|Sonnet|Haiku|Instruct|Chat)\b`, 'g'),
  /\b(?:Google(?:['’]s)?\s+Gemini|Anthropic(?:['’]s)?\s+Claude|Meta(?:['’]s)?\s+Llama)\b/g,
];

interface Span {
  start: number;
  end: number;
}

function spans(text: string, opts: SelfIdOptions): Span[] {
  const exempt = (opts.exempt ?? []).map((e) => e.trim().toLowerCase()).filter((e) => e !== '');
  const raw: Span[] = [];
  for (const re of PATTERNS) {
    for (const m of text.matchAll(re)) {
      const phrase = m[0].toLowerCase();
      // "I'm Claude" is fine when Claude is who the model plays.
      if (exempt.some((e) => phrase === e || phrase.endsWith(` ${e}`))) continue;
      raw.push({ start: m.index ?? 0, end: (m.index ?? 0) + m[0].length });
    }
  }
  raw.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Span[] = [];
  for (const s of raw) {
    const last = merged[merged.length - 1];
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

/** The self-identifying phrases in `text`, in order (overlapping matches merged). */
export function detectSelfId(text: string, opts: SelfIdOptions = {}): string[] {
  return spans(text, opts).map((s) => text.slice(s.start, s.end));
}

/** `text` with each self-identifying phrase replaced by "[...]". */
export function maskSelfId(text: string, opts: SelfIdOptions = {}): string {
  let out = '';
  let at = 0;
  for (const s of spans(text, opts)) {
    out += text.slice(at, s.start) + '[...]';
    at = s.end;
  }
  return out + text.slice(at);
}
