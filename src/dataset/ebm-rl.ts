// The released EBM-RL test split (RP-EBM-Dataset/test.json): a JSON array of
// records keyed by problem_id, character names instead of profiles (joined from
// a separate profiles file), and the reference wrapped in <answer> tags.
// Per-record bookkeeping keys (sub_1_*, sub_2_*, segment_part…) vary with
// sub_sample_type, so anything not interpreted here is kept in Sample.meta.

import path from 'node:path';
import type { Origin, Sample, Turn } from '../core/records.js';
import type { DatasetWarning } from './errors.js';
import { asArray, asId, asObject, asRecord, asString, fail, leftover, optString } from './fields.js';
import type { FormatReader, ReadContext } from './format.js';
import { readWith } from './format.js';
import { splitJsonFile } from './json-stream.js';
import { clipRef } from './paths.js';
import { joinPersonas } from './persona.js';
import { loadProfiles, type ProfileDb } from './profiles.js';

const KNOWN = ['problem_id', 'session_id', 'user', 'assistant', 'data_source', 'dialogue', 'target', 'video_path', 'solution'];

/**
 * The reference inside `<answer>…</answer>`. Tolerates a missing opening or
 * closing tag, and drops quotes the data pipeline left around the line: a
 * leading `\"` (an escaped quote that was escaped twice), or a pair of double
 * quotes wrapping the whole text. Quotes inside the line are kept verbatim.
 */
export function cleanReference(solution: string): string {
  let t = solution;
  const open = t.indexOf('<answer>');
  if (open >= 0) t = t.slice(open + '<answer>'.length);
  const close = t.lastIndexOf('</answer>');
  if (close >= 0) t = t.slice(0, close);
  t = t.trim();
  if (t.startsWith('\\"')) {
    t = t.slice(2);
    if (t.endsWith('\\"')) t = t.slice(0, -2);
    else if (t.endsWith('"') && !t.slice(0, -1).includes('"')) t = t.slice(0, -1);
    t = t.trim();
  }
  const quoteCount = t.split('"').length - 1;
  // Wrapping quotes, or one stray opening quote with no partner anywhere.
  if (quoteCount === 2 && t.length >= 2 && t.startsWith('"') && t.endsWith('"')) t = t.slice(1, -1).trim();
  else if (quoteCount === 1 && t.startsWith('"')) t = t.slice(1).trim();
  return t;
}

function dialogue(at: Origin, value: unknown): Turn[] {
  return asArray(at, 'dialogue', value).map((t, i) => {
    const turn = asObject(at, `dialogue[${i}]`, t);
    return {
      speaker: asString(at, `dialogue[${i}].speaker`, turn.speaker),
      text: asString(at, `dialogue[${i}].utterance`, turn.utterance),
    };
  });
}

function reference(at: Origin, rec: Record<string, unknown>): string {
  if (rec.solution !== undefined) {
    const ref = cleanReference(asString(at, 'solution', rec.solution));
    if (ref === '') fail(at, 'solution', 'a non-empty <answer>…</answer>', rec.solution);
    return ref;
  }
  // Some derived splits drop `solution`; the target turn carries the same line.
  if (rec.target === undefined) fail(at, 'solution', 'an <answer>…</answer> string (or a target turn)', undefined);
  const target = asObject(at, 'target', rec.target);
  return cleanReference(asString(at, 'target.utterance', target.utterance));
}

export function ebmRlToSample(value: unknown, at: Origin, root: string, profiles: ProfileDb | null, problems: string[]): Sample {
  const rec = asRecord(at, value);
  const id = asId(at, 'problem_id', rec.problem_id, true);
  const assistant = asString(at, 'assistant', rec.assistant);
  const user = asString(at, 'user', rec.user);
  const source = optString(at, 'data_source', rec.data_source);
  const joined = joinPersonas(profiles, source, assistant, user);
  problems.push(...joined.problems);
  const sample: Sample = {
    id,
    video: clipRef(at, 'video_path', asString(at, 'video_path', rec.video_path), root),
    character: joined.character,
    user: joined.user,
    history: dialogue(at, rec.dialogue),
    references: [reference(at, rec)],
    origin: at,
  };
  const sessionId = optString(at, 'session_id', rec.session_id);
  if (sessionId !== undefined) sample.sessionId = sessionId;
  if (source !== undefined) sample.source = source;
  const meta = leftover(rec, KNOWN);
  if (meta) sample.meta = meta;
  return sample;
}

/**
 * Reader for test.json. `profiles` is a profiles file path or an already loaded
 * database; without one every character gets the fallback description and a
 * single warning says so.
 */
export function ebmRlReader(profiles?: string | ProfileDb): FormatReader {
  return {
    idField: 'problem_id',
    records: (file) => splitJsonFile(file),
    mapper: async (ctx: ReadContext) => {
      const db = typeof profiles === 'string' ? await loadProfiles(profiles) : (profiles ?? null);
      if (!db) {
        ctx.warnings.push({ file: ctx.file, line: 1, message: 'no profiles file given: every character gets a minimal fallback description' });
      }
      const seen = new Set<string>();
      return (value, at) => {
        const problems: string[] = [];
        const sample = ebmRlToSample(value, at, ctx.root, db, problems);
        // One warning per distinct problem, not one per record of a 32k split.
        for (const message of problems) {
          if (seen.has(message)) continue;
          seen.add(message);
          const w: DatasetWarning = { file: at.file, line: at.line, sampleId: sample.id, message: `${message}; using a minimal description` };
          ctx.warnings.push(w);
        }
        return sample;
      };
    },
  };
}

export function readEbmRl(file: string, opts: { root?: string; profiles?: string | ProfileDb; warnings?: DatasetWarning[] } = {}): AsyncGenerator<Sample> {
  const root = path.resolve(opts.root ?? path.dirname(file));
  return readWith(ebmRlReader(opts.profiles), { file, root, warnings: opts.warnings ?? [] });
}
