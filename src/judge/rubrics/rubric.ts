// Loading rubrics (YAML metadata + Handlebars templates) and checking, before
// any judge call, that the samples carry what the templates read.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Sample } from '../../core/records.js';
import { INPUTS, listwiseMetaSchema, rubricMetaSchema, type Input, type ListwiseRubric, type Rubric, type TemplateFile } from './schema.js';
import { compileTemplate, templateHash } from '../../core/templates.js';
import { ConfigError, readYaml, validate } from './validate.js';
import { checkSceneMarker } from './scene-marker.js';

export type { Input, ListwiseRubric, Rubric } from './schema.js';

/** Sample fields a template may read, and the input each one stands for. */
export const SAMPLE_VARIABLES: Readonly<Record<string, Input>> = {
  character: 'character',
  user: 'user',
  history: 'history',
  caption: 'caption',
  references: 'reference',
};

type TemplateMode = 'pointwise' | 'pairwise' | 'listwise';

/** What the harness fills in per template mode; each must be shown unconditionally. */
const HARNESS_VARIABLES: Record<TemplateMode, string[]> = {
  pointwise: ['answer'],
  pairwise: ['responseA', 'responseB'],
  listwise: ['candidates'],
};
const COMMON_VARIABLES = ['scale', 'bands', 'json', 'frameCount', 'film', 'characterProfile', 'userProfile'];

export type Sees = 'frames' | 'caption' | 'none';

function loadTemplate(dir: string, fileName: string, version: string, mode: TemplateMode): TemplateFile {
  if (fileName !== basename(fileName)) {
    throw new ConfigError(join(dir, fileName), 'template must be a file name in the rubric directory');
  }
  const file = join(dir, fileName);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, `cannot read template (${(err as Error).message})`);
  }
  const variables = compileTemplate(source, file);
  const allowed = new Set([...Object.keys(SAMPLE_VARIABLES), ...COMMON_VARIABLES, ...HARNESS_VARIABLES[mode]]);
  for (const name of [...variables.required, ...variables.optional]) {
    if (!allowed.has(name)) {
      throw new ConfigError(file, `unknown variable "${name}" in a ${mode} template (known: ${[...allowed].join(', ')})`);
    }
  }
  for (const name of HARNESS_VARIABLES[mode]) {
    if (!variables.required.includes(name)) {
      throw new ConfigError(file, `a ${mode} template must show {{${name}}} unconditionally`);
    }
  }
  checkSceneMarker(file, source);
  return { file, source, hash: templateHash(source, version), variables };
}

function inputsRead(template: TemplateFile): Set<Input> {
  const out = new Set<Input>();
  for (const name of [...template.variables.required, ...template.variables.optional]) {
    const input = SAMPLE_VARIABLES[name];
    if (input) out.add(input);
  }
  return out;
}

/** The declared `inputs` must match what the templates and scene actually use. */
function checkDeclaredInputs(yamlFile: string, declared: Input[], frames: number, templates: TemplateFile[]): void {
  const read = new Set<Input>();
  for (const t of templates) for (const i of inputsRead(t)) read.add(i);
  if (frames > 0) read.add('frames');
  for (const input of read) {
    if (!declared.includes(input)) {
      const why = input === 'frames' ? 'scene.frames > 0' : 'a template reads it';
      throw new ConfigError(yamlFile, `field "inputs": missing "${input}" (${why})`);
    }
  }
  for (const input of declared) {
    if (!read.has(input)) {
      throw new ConfigError(yamlFile, `field "inputs": lists "${input}" but nothing uses it`);
    }
  }
}

function checkId(yamlFile: string, id: string): void {
  if (basename(yamlFile, '.yaml') !== id) {
    throw new ConfigError(yamlFile, `field "id": "${id}" does not match the file name`);
  }
}

export function loadRubric(dir: string, id: string): Rubric {
  const yamlFile = join(dir, `${id}.yaml`);
  const raw = readYaml(yamlFile);
  if (isListwise(raw)) {
    throw new ConfigError(yamlFile, 'is a listwise rubric; load it with loadListwiseRubric');
  }
  const meta = validate(yamlFile, rubricMetaSchema, raw);
  checkId(yamlFile, meta.id);
  const template = loadTemplate(dir, `${id}.hbs`, meta.version, 'pointwise');
  const pairwiseTemplate = meta.pairwise ? loadTemplate(dir, meta.pairwise, meta.version, 'pairwise') : null;
  checkDeclaredInputs(yamlFile, meta.inputs, meta.scene.frames, pairwiseTemplate ? [template, pairwiseTemplate] : [template]);
  return { ...meta, dir, template, pairwiseTemplate };
}

export function loadListwiseRubric(dir: string, id: string): ListwiseRubric {
  const yamlFile = join(dir, `${id}.yaml`);
  const meta = validate(yamlFile, listwiseMetaSchema, readYaml(yamlFile));
  checkId(yamlFile, meta.id);
  const template = loadTemplate(dir, `${id}.hbs`, meta.version, 'listwise');
  checkDeclaredInputs(yamlFile, meta.inputs, meta.scene.frames, [template]);
  return { ...meta, dir, template };
}

function isListwise(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && (raw as { mode?: unknown }).mode === 'listwise';
}

/**
 * Metric rubrics from `dir`: the given ids in that order, or every metric
 * rubric in the directory (listwise rubrics skipped) sorted by id.
 */
export function loadRubrics(dir: string, ids?: string[]): Rubric[] {
  if (ids) {
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) throw new ConfigError(dir, `rubric "${id}" requested twice`);
      seen.add(id);
    }
    return ids.map((id) => loadRubric(dir, id));
  }
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new ConfigError(dir, `cannot list rubric directory (${(err as Error).message})`);
  }
  return names
    .filter((n) => n.endsWith('.yaml'))
    .sort()
    .filter((n) => !isListwise(readYaml(join(dir, n))))
    .map((n) => loadRubric(dir, basename(n, '.yaml')));
}

export interface InputOptions {
  /** Which template will be rendered; default both (pointwise and pairwise). */
  mode?: 'pointwise' | 'pairwise' | 'both';
  /** What the judge can see of the scene; default frames. */
  sees?: Sees;
}

/**
 * Inputs the samples must carry for this rubric. Inputs read only under an
 * {{#if}} are optional and not listed. When the rubric shows frames but the
 * judge reads captions instead, the caption becomes required: grounding on
 * nothing at all would make the metric meaningless.
 */
export function requiredInputs(rubric: Rubric | ListwiseRubric, opts: InputOptions = {}): Input[] {
  const templates: TemplateFile[] = [];
  if ('pairwiseTemplate' in rubric) {
    const mode = opts.mode ?? 'both';
    if (mode !== 'pairwise') templates.push(rubric.template);
    if (mode !== 'pointwise' && rubric.pairwiseTemplate) templates.push(rubric.pairwiseTemplate);
  } else {
    templates.push(rubric.template);
  }
  const needed = new Set<Input>();
  for (const t of templates) {
    for (const name of t.variables.required) {
      const input = SAMPLE_VARIABLES[name];
      if (input) needed.add(input);
    }
  }
  if (rubric.scene.frames > 0) {
    const sees = opts.sees ?? 'frames';
    if (sees === 'frames') needed.add('frames');
    if (sees === 'caption') needed.add('caption');
  }
  return INPUTS.filter((i) => needed.has(i));
}

/** An error message naming the rubric and missing inputs, or null when all is there. */
export function checkInputs(rubric: Rubric | ListwiseRubric, available: Iterable<Input>, opts: InputOptions = {}): string | null {
  const have = new Set(available);
  const missing = requiredInputs(rubric, opts).filter((i) => !have.has(i));
  if (missing.length === 0) return null;
  return (
    `rubric "${rubric.id}" (${rubric.template.file}) needs ${missing.map((m) => `"${m}"`).join(', ')}` +
    ` but the samples lack ${missing.length === 1 ? 'it' : 'them'}`
  );
}

/** Inputs present in every sample (so a rubric needing one fails up front). */
export function availableInputs(samples: Sample[]): Input[] {
  const has: Record<Input, (s: Sample) => boolean> = {
    frames: (s) => Boolean(s.video && ((s.video.frames?.length ?? 0) > 0 || s.video.path || s.video.url)),
    caption: (s) => typeof s.caption === 'string' && s.caption.trim() !== '',
    reference: (s) => s.references.some((r) => r.trim() !== ''),
    character: (s) => Boolean(s.character?.name),
    user: (s) => Boolean(s.user?.name),
    // An empty history is a valid first turn, not a missing input.
    history: (s) => Array.isArray(s.history),
  };
  return INPUTS.filter((input) => samples.every(has[input]));
}
