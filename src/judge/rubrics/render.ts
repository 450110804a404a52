// Turning a rubric + sample + answer(s) into the judge's prompt text. Frames
// are not part of the text: the caller attaches them as image parts and tells
// the template how many it attached, so the wording never claims frames the
// judge did not get.
//
// A template may hold a line `@@scene@@`: where the frames go. What is above
// it (instructions, criterion, scale, reply format) is the same for every
// sample of the rubric and is sent first; what is below (the scene text,
// personas, history, then the answer or answers last) follows the frames.
// Providers cache prompt prefixes, so the shared part is paid once, not per
// sample. A template without the line is all sample part.
import type { Persona, Sample, Turn } from '../../core/records.js';
import type { Band, ListwiseRubric, Rubric, Scale } from './schema.js';
import { renderTemplate } from '../../core/templates.js';
import { sha256, sha256Joined } from '../../core/hash.js';

export interface RenderOptions {
  /** The judge replies in JSON (structured output); templates switch their reply format on it. */
  json?: boolean;
  /** Frames attached to the message (0 when the judge reads a caption or nothing). */
  frameCount?: number;
}

export interface Candidate {
  /** "A", "B", … as shown to the judge. */
  label: string;
  answer: string;
}

/** The variables every template sees; documented in rubrics/README.md. */
export interface PromptContext {
  character: Persona;
  user: Persona;
  history: Turn[];
  /** Absent (not empty) when the sample has none, so strict rendering catches unguarded use. */
  caption?: string;
  references: string[];
  scale: Scale;
  bands: Band[];
  json: boolean;
  frameCount: number;
  /** The film or show (EBM-RL data_source); absent when the sample has none. */
  film?: string;
  /** Profile fields as {key, value} lines (empty when the source had none). */
  characterProfile: ProfileLine[];
  userProfile: ProfileLine[];
}

export interface ProfileLine {
  key: string;
  value: string;
}

// Lists (catchphrases, relationships) read as one line: "a; b; c".
function profileLines(fields: Record<string, unknown> | undefined): ProfileLine[] {
  if (!fields) return [];
  const show = (v: unknown): string => (Array.isArray(v) ? v.map(show).join('; ') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([key, v]) => ({ key, value: show(v) }));
}

export function promptContext(sample: Sample, scale: Scale, bands: Band[], opts: RenderOptions = {}): PromptContext {
  const ctx: PromptContext = {
    character: sample.character,
    user: sample.user,
    history: sample.history,
    references: sample.references.filter((r) => r.trim() !== ''),
    scale,
    bands,
    json: opts.json ?? false,
    frameCount: opts.frameCount ?? 0,
    characterProfile: profileLines(sample.character.fields),
    userProfile: profileLines(sample.user.fields),
  };
  if (sample.source) ctx.film = sample.source;
  if (sample.caption && sample.caption.trim() !== '') ctx.caption = sample.caption;
  return ctx;
}

export const SCENE_MARKER = '@@scene@@';

/** A rendered judge prompt: the part shared across samples (sent before the frames), and the sample's part. */
export interface JudgePrompt {
  shared: string;
  sample: string;
  /** Both parts as one text (what is hashed and what a text-only judge reads). */
  text: string;
}

/** Splits rendered text at its `@@scene@@` line (at most one). */
export function splitPrompt(rendered: string, file: string): JudgePrompt {
  // Found by substring search instead of splitting the prompt into lines (a
  // few KB, every call): same result as splitting at the first line whose
  // trim() is the marker, then joining the lines back.
  const at = markerLine(rendered, 0);
  if (!at) return { shared: '', sample: rendered, text: rendered };
  if (markerLine(rendered, at.end)) throw new Error(`${file}: "${SCENE_MARKER}" may appear once`);
  const shared = (at.start > 0 ? rendered.slice(0, at.start - 1) : '').trimEnd();
  const sample = (at.end < rendered.length ? rendered.slice(at.end + 1) : '').replace(/^\n+/, '');
  return { shared, sample, text: shared ? `${shared}\n\n${sample}` : sample };
}

/** The first line at or after `from` (a line start) whose trim() is the marker: [start, end) without its newline. */
function markerLine(text: string, from: number): { start: number; end: number } | null {
  for (let i = text.indexOf(SCENE_MARKER, from); i >= 0; i = text.indexOf(SCENE_MARKER, i + 1)) {
    const start = text.lastIndexOf('\n', i - 1) + 1;
    if (start < from) continue;
    const nl = text.indexOf('\n', i);
    const end = nl < 0 ? text.length : nl;
    if (text.slice(start, end).trim() === SCENE_MARKER) return { start, end };
  }
  return null;
}

/**
 * sha256 of p.text, hex. The text is the shared lead, a blank line and the
 * sample's part; the lead's hash state is kept across samples (see sha256Joined).
 */
export function promptSha256(p: JudgePrompt): string {
  return p.shared ? sha256Joined(p.shared, '\n\n', p.sample) : sha256(p.text);
}

export function pointwisePrompt(rubric: Rubric, sample: Sample, answer: string, opts: RenderOptions = {}): JudgePrompt {
  const ctx = { ...promptContext(sample, rubric.scale, rubric.bands ?? [], opts), answer };
  return splitPrompt(renderTemplate(rubric.template.source, rubric.template.file, ctx), rubric.template.file);
}

export function pairwisePrompt(rubric: Rubric, sample: Sample, responseA: string, responseB: string, opts: RenderOptions = {}): JudgePrompt {
  const t = rubric.pairwiseTemplate;
  if (!t) throw new Error(`rubric "${rubric.id}" has no pairwise template`);
  const ctx = { ...promptContext(sample, rubric.scale, rubric.bands ?? [], opts), responseA, responseB };
  return splitPrompt(renderTemplate(t.source, t.file, ctx), t.file);
}

export function listwisePrompt(rubric: ListwiseRubric, sample: Sample, candidates: Candidate[], opts: RenderOptions = {}): JudgePrompt {
  if (candidates.length === 0) throw new Error(`listwise rubric "${rubric.id}" needs at least one candidate`);
  const ctx = { ...promptContext(sample, rubric.scale, [], opts), candidates };
  return splitPrompt(renderTemplate(rubric.template.source, rubric.template.file, ctx), rubric.template.file);
}

/** The whole prompt as one text (both parts). */
export function renderPointwise(rubric: Rubric, sample: Sample, answer: string, opts: RenderOptions = {}): string {
  return pointwisePrompt(rubric, sample, answer, opts).text;
}

export function renderPairwise(rubric: Rubric, sample: Sample, responseA: string, responseB: string, opts: RenderOptions = {}): string {
  return pairwisePrompt(rubric, sample, responseA, responseB, opts).text;
}

export function renderListwise(rubric: ListwiseRubric, sample: Sample, candidates: Candidate[], opts: RenderOptions = {}): string {
  return listwisePrompt(rubric, sample, candidates, opts).text;
}
