// A fake "role-play model + judge" behind the fake OpenAI-compatible server.
// It tells request kinds apart the way the shipped prompts do (prompts/*.hbs,
// rubrics/*.hbs) and answers each deterministically from the prompt text, so a
// rerun of the same request gets the same reply.
import { createHash } from 'node:crypto';
import type { FakeHandler, FakeReply } from '../helpers/fake-server.js';

export type RequestKind = 'generate-plain' | 'generate-ebm' | 'pointwise' | 'pairwise' | 'listwise' | 'unknown';

/** Markers the fake EBM model puts in the sections a judge must never see. */
export const PERCEPTION_MARK = 'PERCEPTION-MARK-7f3a';
export const THINK_MARK = 'THINK-MARK-91c2';

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p: any) => (p?.type === 'text' ? String(p.text) : '')).join('\n');
}

function messages(body: any): any[] {
  return Array.isArray(body?.messages) ? body.messages : [];
}

/** Text of the system prompt and of the first user message (the judge prompt; re-asks come later). */
export function promptParts(body: any): { system: string; prompt: string } {
  const msgs = messages(body);
  return {
    system: textOf(msgs.find((m) => m?.role === 'system')?.content),
    prompt: textOf(msgs.find((m) => m?.role === 'user')?.content),
  };
}

export function imageParts(body: any): Array<{ url: string; detail?: string }> {
  const out: Array<{ url: string; detail?: string }> = [];
  for (const m of messages(body)) {
    if (!Array.isArray(m?.content)) continue;
    for (const p of m.content) if (p?.type === 'image_url') out.push(p.image_url);
  }
  return out;
}

export function kindOf(body: any): RequestKind {
  const { system, prompt } = promptParts(body);
  if (system.includes('Stay in character')) return system.includes('<perception>') ? 'generate-ebm' : 'generate-plain';
  if (/^## Replies$/m.test(prompt) && /^### Model /m.test(prompt)) return 'listwise';
  if (/^## Response A$/m.test(prompt) && /^## Response B$/m.test(prompt)) return 'pairwise';
  if (/^## Reply to evaluate$/m.test(prompt)) return 'pointwise';
  return 'unknown';
}

export const isJudgeKind = (k: RequestKind) => k === 'pointwise' || k === 'pairwise' || k === 'listwise';

function hashInt(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/** The scale the prompt asks for ("integer from 1 to 10"). */
function scaleOf(prompt: string): { min: number; max: number } {
  const m = /integer from (\d+) to (\d+)/.exec(prompt);
  return m ? { min: Number(m[1]), max: Number(m[2]) } : { min: 1, max: 10 };
}

/** The deterministic score the fake judge gives a pointwise prompt. */
export function fakeScore(prompt: string): number {
  const { min, max } = scaleOf(prompt);
  return min + (hashInt(prompt) % (max - min + 1));
}

export function fakeVerdict(prompt: string): 'A' | 'B' | 'C' {
  return (['A', 'B', 'C'] as const)[hashInt(prompt) % 3]!;
}

function characterName(system: string): string {
  return /^You are (.+?)\. Stay in character/m.exec(system)?.[1] ?? 'the character';
}

function lastUserLine(body: any): string {
  const prompt = promptParts(body).prompt;
  const lines = prompt.split('\n').filter((l) => /^\S[^:]*: /.test(l));
  return lines[lines.length - 1]?.replace(/^[^:]*: /, '') ?? '';
}

/** A per-model style mark in the answer, so tests can tell whose answer a judge saw without naming the model. */
export function styleMark(modelId: string): string {
  return `~${createHash('sha256').update(modelId).digest('hex').slice(0, 8)}~`;
}

function generateReply(body: any, ebm: boolean): string {
  const { system } = promptParts(body);
  const name = characterName(system);
  const frames = imageParts(body).length;
  const heard = lastUserLine(body).slice(0, 60);
  const answer = `Listen well: about "${heard}" - I will handle it my own way, as ${name} always does. ${styleMark(String(body?.model))}`;
  if (!ebm) return answer;
  // The released EBM-RL outputs tag perception <vision>; give some scenes that spelling.
  const tag = frames === 4 ? 'vision' : 'perception';
  return (
    `<${tag}>${PERCEPTION_MARK} ${frames} frames of the scene.</${tag}>\n` +
    `<think>${THINK_MARK} the user is worried; stay in role.</think>\n` +
    `<answer>${answer}</answer>`
  );
}

function listwiseReply(prompt: string): string {
  const labels = [...prompt.matchAll(/^### Model (\S+)$/gm)].map((m) => m[1]!);
  // The template shows the reply shape: "A": {"VEG": n, "SPC": n, "CN": n}
  const shape = /"[^"]+": \{([^}]*)\}/.exec(prompt.slice(prompt.lastIndexOf('Reply with a JSON object')))?.[1] ?? '';
  const keys = [...shape.matchAll(/"([^"]+)": n/g)].map((m) => m[1]!);
  const m = /scored from (\d+) = worst to (\d+) = best/.exec(prompt);
  const [min, max] = m ? [Number(m[1]), Number(m[2])] : [1, 10];
  const out: Record<string, Record<string, number>> = {};
  for (const label of labels) {
    out[label] = {};
    for (const key of keys) out[label][key] = min + (hashInt(`${prompt}|${label}|${key}`) % (max - min + 1));
  }
  return JSON.stringify(out);
}

export interface RoleplayOptions {
  /** Every judge request gets this reply instead (e.g. a refusal that never parses). */
  judgeReply?: string;
}

/** Reply to one request as the fake model or the fake judge would. */
export function roleplayReply(body: any, opts: RoleplayOptions = {}): FakeReply {
  const kind = kindOf(body);
  const { prompt } = promptParts(body);
  if (isJudgeKind(kind) && opts.judgeReply !== undefined) return opts.judgeReply;
  switch (kind) {
    case 'generate-plain':
      return generateReply(body, false);
    case 'generate-ebm':
      return generateReply(body, true);
    case 'pointwise': {
      const n = fakeScore(prompt);
      // V2R templates ask for a JSON line, EBM-RL ones for "Score: N"; answer in kind.
      return /"score": <integer/.test(prompt)
        ? `The reply fits the character reasonably.\n{"reasoning": "fits the profile", "score": ${n}}`
        : `The reply fits the scene reasonably well.\nScore: ${n}`;
    }
    case 'pairwise':
      return `Both replies are plausible; weighing the criterion, I decide.\n[[${fakeVerdict(prompt)}]]`;
    case 'listwise':
      return listwiseReply(prompt);
    default:
      return { status: 400, error: { message: 'fake role-play server: unrecognised request' } };
  }
}

export function roleplayHandler(opts: RoleplayOptions = {}): FakeHandler {
  return (body) => roleplayReply(body, opts);
}

// Reading judge prompts back in tests.

/** The played character's name as the judge prompt states it. */
export function characterOf(prompt: string): string | null {
  return /^## (?:The character played by the models?|Character profile)\n([^:\n]+):/m.exec(prompt)?.[1] ?? null;
}

/** The metric a pointwise or pairwise prompt asks about, by its display name ("Visual Evidence Grounding"). */
export function criterionOf(prompt: string): string | null {
  return /^## (?:Criterion|Metric): (.+?)(?: \([A-Z]+\))?$/m.exec(prompt)?.[1] ?? null;
}

/** The two answers of a pairwise prompt, as shown in positions A and B. */
export function pairwiseAnswers(prompt: string): { a: string; b: string } {
  const a = /^## Response A\n([\s\S]*?)\n## Response B$/m.exec(prompt)?.[1] ?? '';
  // Response B is the last section (answers come last in a judge prompt), or followed by another heading.
  const after = /^## Response B\n([\s\S]*)$/m.exec(prompt)?.[1] ?? '';
  const b = after.split(/\n## /)[0]!.trimEnd();
  return { a, b };
}
