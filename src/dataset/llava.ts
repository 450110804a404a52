// Video2Roleplay ships LLaVA/ShareGPT-style records:
//   {id, video, conversations: [{from: "human"|"gpt", value}]}
// with a <video> token and the character profile/instructions prepended to the
// first human turn. The profile is not a separate field, so it is recovered by
// position: everything before the last paragraph of the first human turn is
// the preamble (→ character.description), the last paragraph is the user's
// first utterance. The final gpt turn is the reference. See docs/formats.md.

import path from 'node:path';
import type { Origin, Sample, Turn, VideoRef } from '../core/records.js';
import type { DatasetWarning } from './errors.js';
import { asArray, asId, asObject, asRecord, asString, asText, fail, leftover, optString } from './fields.js';
import type { FormatReader, ReadContext } from './format.js';
import { readWith } from './format.js';
import { splitJsonFile } from './json-stream.js';
import { clipRef, resolveInRoot } from './paths.js';
import { fallbackDescription } from './persona.js';

const KNOWN = ['id', 'video', 'conversations', 'system', 'character', 'user', 'caption'];
const HUMAN = new Set(['human', 'user']);
const GPT = new Set(['gpt', 'assistant', 'model']);
const VIDEO_TOKEN = /[ \t]*<video>[ \t]*\n?/g;

interface RawTurn {
  role: 'human' | 'gpt' | 'system';
  text: string;
}

function turns(at: Origin, value: unknown): RawTurn[] {
  return asArray(at, 'conversations', value).map((t, i) => {
    const turn = asObject(at, `conversations[${i}]`, t);
    const from = asString(at, `conversations[${i}].from`, turn.from).toLowerCase();
    const role = HUMAN.has(from) ? 'human' : GPT.has(from) ? 'gpt' : from === 'system' ? 'system' : null;
    if (!role) fail(at, `conversations[${i}].from`, '"human", "gpt" or "system"', turn.from);
    const text = asText(at, `conversations[${i}].value`, turn.value).replace(VIDEO_TOKEN, '').trim();
    return { role, text };
  });
}

/** Splits the first human turn into (preamble, utterance) at its last blank line. */
export function splitPreamble(text: string): { preamble: string; utterance: string } {
  const paragraphs = text.split(/\n[ \t]*\n/);
  if (paragraphs.length < 2) return { preamble: '', utterance: text.trim() };
  const utterance = (paragraphs.pop() ?? '').trim();
  return { preamble: paragraphs.join('\n\n').trim(), utterance };
}

/** The character's name as profiles usually state it ("Name: X", "You are X, …"). */
export function guessCharacterName(preamble: string): string | undefined {
  const labelled = /^\s*(?:character(?:\s+name)?|name|role)\s*[:：]\s*(.+?)\s*$/im.exec(preamble);
  if (labelled?.[1]) return labelled[1];
  const youAre = /\b[Yy]ou are (?:(?:now|playing|role-?playing(?: as)?|acting as)\s+)*([A-Z][\p{L}'’.-]*(?:\s+[A-Z][\p{L}'’.-]*){0,3})/u.exec(preamble);
  return youAre?.[1]?.replace(/[.]$/, '');
}

function video(at: Origin, value: unknown, root: string): VideoRef {
  if (typeof value === 'string') return clipRef(at, 'video', asString(at, 'video', value), root);
  if (Array.isArray(value) && value.length > 0) {
    return { frames: value.map((f, i) => resolveInRoot(at, `video[${i}]`, asString(at, `video[${i}]`, f), root)) };
  }
  return fail(at, 'video', 'a clip path or URL, or a non-empty array of frame paths', value);
}

export function llavaToSample(value: unknown, at: Origin, root: string, problems: string[]): Sample {
  const rec = asRecord(at, value);
  const id = asId(at, 'id', rec.id, true);
  const all = turns(at, rec.conversations);
  const preambleParts: string[] = [];
  const system = optString(at, 'system', rec.system);
  if (system) preambleParts.push(system.trim());
  for (const t of all) if (t.role === 'system' && t.text) preambleParts.push(t.text);
  const dialog = all.filter((t) => t.role !== 'system');
  const last = dialog[dialog.length - 1];
  if (last?.role !== 'gpt') fail(at, 'conversations', 'a conversation ending with a "gpt" turn (the reference)', rec.conversations);
  if (last.text === '') fail(at, `conversations[${all.lastIndexOf(last)}].value`, 'a non-empty reference', last.text);

  const firstHuman = dialog.find((t) => t.role === 'human');
  if (firstHuman) {
    const { preamble, utterance } = splitPreamble(firstHuman.text);
    if (preamble) preambleParts.push(preamble);
    firstHuman.text = utterance;
  }
  const preamble = preambleParts.join('\n\n');
  const characterName = optString(at, 'character', rec.character) ?? guessCharacterName(preamble) ?? 'Character';
  const userName = optString(at, 'user', rec.user) ?? 'User';
  let description = preamble;
  if (!description) {
    problems.push(`sample ${id}: no character profile before the first user utterance`);
    description = fallbackDescription(characterName, undefined);
  }
  const history: Turn[] = dialog
    .slice(0, -1)
    .filter((t) => t.text !== '')
    .map((t) => ({ speaker: t.role === 'human' ? userName : characterName, text: t.text }));

  const sample: Sample = {
    id,
    video: video(at, rec.video, root),
    character: { name: characterName, description },
    user: { name: userName, description: '' },
    history,
    references: [last.text],
    origin: at,
  };
  const caption = optString(at, 'caption', rec.caption);
  if (caption !== undefined) sample.caption = caption;
  const meta = leftover(rec, KNOWN);
  if (meta) sample.meta = meta;
  return sample;
}

export const llavaReader: FormatReader = {
  idField: 'id',
  // The splitter takes both a JSON array and JSONL, the two shapes these ship in.
  records: (file) => splitJsonFile(file),
  mapper: async (ctx: ReadContext) => (value, at) => {
    const problems: string[] = [];
    const sample = llavaToSample(value, at, ctx.root, problems);
    for (const message of problems) ctx.warnings.push({ file: at.file, line: at.line, sampleId: sample.id, message });
    return sample;
  },
};

export function readLlava(file: string, opts: { root?: string; warnings?: DatasetWarning[] } = {}): AsyncGenerator<Sample> {
  const root = path.resolve(opts.root ?? path.dirname(file));
  return readWith(llavaReader, { file, root, warnings: opts.warnings ?? [] });
}
