// Joining recorded outputs to the split so that an answer is never judged
// against a dialogue it was not written for. EBM-RL's released outputs were
// made on another ordering of test.json: joined by problem_id alone, problem 1
// of the outputs (Snape answering Voldemort) meets problem 1 of the split (Ron
// in another session). Each output record carries the sample it answered, so
// those fields are compared with the split's sample of the same id.
import type { Sample } from '../core/records.js';
import type { EmbeddedSample, RecordedOutput } from './outputs.js';

export interface JoinMismatch {
  id: string;
  /** The output record's field that disagrees: session_id, assistant, user or dialogue. */
  field: string;
  output: string;
  split: string;
  line: number;
}

export interface JoinCheck {
  /** Outputs whose id is in the split and that carry sample fields. */
  compared: number;
  mismatches: JoinMismatch[];
}

const norm = (s: string): string => s.replace(/\s+/g, ' ').trim();
const showTurns = (turns: Array<{ speaker: string; text: string }>): string => turns.map((t) => `${norm(t.speaker)}: ${norm(t.text)}`).join(' | ');

function firstDifference(e: EmbeddedSample, s: Sample): { field: string; output: string; split: string } | null {
  if (e.sessionId !== undefined && s.sessionId !== undefined && norm(e.sessionId) !== norm(s.sessionId)) {
    return { field: 'session_id', output: e.sessionId, split: s.sessionId };
  }
  if (e.assistant !== undefined && norm(e.assistant) !== norm(s.character.name)) {
    return { field: 'assistant', output: e.assistant, split: s.character.name };
  }
  if (e.user !== undefined && norm(e.user) !== norm(s.user.name)) return { field: 'user', output: e.user, split: s.user.name };
  if (e.dialogue !== undefined) {
    const a = showTurns(e.dialogue);
    const b = showTurns(s.history);
    if (a !== b) return { field: 'dialogue', output: a, split: b };
  }
  return null;
}

/** Every output whose id names a split sample is checked against that sample. */
export function checkJoin(outputs: Iterable<RecordedOutput>, samples: ReadonlyMap<string, Sample>): JoinCheck {
  const out: JoinCheck = { compared: 0, mismatches: [] };
  for (const o of outputs) {
    const s = samples.get(o.id);
    if (!s || !o.embedded) continue;
    out.compared++;
    const d = firstDifference(o.embedded, s);
    if (d) out.mismatches.push({ id: o.id, line: o.origin.line, ...d });
  }
  return out;
}

/** What identifies a sample's content regardless of its id: session and dialogue (the roles are compared apart, see joinByContent). */
export function contentKey(sessionId: string | undefined, turns: Array<{ speaker: string; text: string }>): string {
  return `${norm(sessionId ?? '')}\u0000${showTurns(turns)}`;
}

/** An output whose session and dialogue are a sample's but whose assistant or user is not: written for another role. */
export interface OtherRole {
  output: RecordedOutput;
  sampleId: string;
  field: 'assistant' | 'user';
  value: string;
  split: string;
}

export interface ContentJoin {
  /** Split sample id → the output written for that sample's content. */
  bySample: Map<string, RecordedOutput>;
  /** Outputs whose content matches no split sample (otherRole's included). */
  unmatched: RecordedOutput[];
  /** Of unmatched, those that match a sample's session and dialogue with the assistant or user swapped or changed. */
  otherRole: OtherRole[];
  /** Split sample ids an output fits together with another sample it cannot be told from (none of them is joined). */
  ambiguous: string[];
  /** Samples several outputs fit: the first is joined; `conflicting` when their texts differ. */
  repeated: Array<{ sampleId: string; lines: number[]; conflicting: boolean }>;
}

const sameName = (a: string | undefined, b: string): boolean => a === undefined || norm(a) === norm(b);

/**
 * Join by content instead of id: session and dialogue, and the assistant and
 * user when the output names them. A session cut into turns gives two samples
 * the same dialogue with the roles swapped (Frodo answering Pippin, Pippin
 * answering Frodo); without the roles an answer written for one would be
 * judged as the other's. Outputs without embedded fields cannot join.
 */
export function joinByContent(outputs: Iterable<RecordedOutput>, samples: Iterable<Sample>): ContentJoin {
  const owners = new Map<string, Sample[]>();
  for (const s of samples) {
    const k = contentKey(s.sessionId, s.history);
    const list = owners.get(k);
    if (list) list.push(s);
    else owners.set(k, [s]);
  }
  const res: ContentJoin = { bySample: new Map(), unmatched: [], otherRole: [], ambiguous: [], repeated: [] };
  const ambiguous = new Set<string>();
  const repeated = new Map<string, ContentJoin['repeated'][number]>();
  for (const o of outputs) {
    const e = o.embedded;
    const near = e?.dialogue ? owners.get(contentKey(e.sessionId, e.dialogue)) : undefined;
    const fits = near?.filter((s) => sameName(e!.assistant, s.character.name) && sameName(e!.user, s.user.name));
    if (!near || !fits?.length) {
      res.unmatched.push(o);
      if (near) res.otherRole.push(otherRole(o, near.find((s) => sameName(e!.assistant, s.character.name)) ?? near[0]!));
    } else if (fits.length > 1) for (const s of fits) ambiguous.add(s.id);
    else {
      const id = fits[0]!.id;
      const first = res.bySample.get(id);
      if (!first) res.bySample.set(id, o);
      else {
        let r = repeated.get(id);
        if (!r) repeated.set(id, (r = { sampleId: id, lines: [first.origin.line], conflicting: false }));
        r.lines.push(o.origin.line);
        r.conflicting ||= o.output !== first.output;
      }
    }
  }
  res.ambiguous = [...ambiguous];
  res.repeated = [...repeated.values()];
  return res;
}

function otherRole(o: RecordedOutput, s: Sample): OtherRole {
  const e = o.embedded!;
  if (!sameName(e.assistant, s.character.name)) return { output: o, sampleId: s.id, field: 'assistant', value: e.assistant!, split: s.character.name };
  return { output: o, sampleId: s.id, field: 'user', value: e.user ?? '', split: s.user.name };
}

/** The error text for a refused join: the first mismatches, how many, and the two ways on. */
export function mismatchMessage(check: JoinCheck, model: string, show = 3): string {
  const n = check.mismatches.length;
  const lines = check.mismatches
    .slice(0, show)
    .map(
      (m) =>
        `  line ${m.line}: id ${JSON.stringify(m.id)} field "${m.field}": the output has ${JSON.stringify(clip(m.output))}, the split has ${JSON.stringify(clip(m.split))}`,
    );
  return (
    `${n} of ${check.compared} outputs of model "${model}" answer a different sample than the split's sample of the same id` +
    ` (the ids come from another ordering of the data):\n${lines.join('\n')}${n > show ? `\n  … and ${n - show} more` : ''}\n` +
    `Set models.join to "content" to match outputs to samples by session and dialogue instead of id, or use the outputs file's own records as the split (dataset.path pointing at it, format ebm-rl).`
  );
}

const clip = (s: string): string => (s.length > 80 ? `${s.slice(0, 77)}…` : s);
