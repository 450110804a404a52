// One Handlebars environment for every template rolejudge renders (judge
// rubrics, model prompts, the HTML report), so all follow the same rules:
// private (helpers registered elsewhere in the process cannot leak in), no
// `log` helper (a template has no business writing to the console), and
// strict (a misspelt field throws instead of rendering as blank).
import Handlebars from 'handlebars';
import { InputError } from './errors.js';
import { sha256 } from './hash.js';

export type TemplateFn = Handlebars.TemplateDelegate;

const env = Handlebars.create();
env.unregisterHelper('log');

export const templateEnv: typeof Handlebars = env;

export interface CompileOptions {
  /** HTML-escape {{ }} output: on for the report page, off for prompts (plain text). */
  escape: boolean;
  /** Only the built-in helpers may be called (prompts and rubrics). */
  knownHelpersOnly?: boolean;
}

/** Compiles a template source (or a parsed AST) under the shared rules. */
export function compileStrict(source: string | hbs.AST.Program, opts: CompileOptions): TemplateFn {
  return env.compile(source, { noEscape: !opts.escape, strict: true, ...(opts.knownHelpersOnly ? { knownHelpersOnly: true } : {}) });
}

/** Top-level variables a template reads (found by walking its AST). */
export interface TemplateVariables {
  /** Read unconditionally: the prompt is incomplete without them. */
  required: string[];
  /** Read only under an {{#if}}/{{#unless}} on the same variable. */
  optional: string[];
}

// Analysis: an AST walk that tells a loader which variables a template reads,
// so a run fails at start-up, not after 500 judge calls.
const hb = env;

const CONTEXT_HELPERS = new Set(['each', 'with']);
const GUARD_HELPERS = new Set(['if', 'unless']);
const VALUE_HELPERS = new Set(['lookup']);

const compiled = new Map<string, Handlebars.TemplateDelegate>();

/** Provenance for judgments: changes when the wording or the declared version does. */
export function templateHash(source: string, version: string): string {
  return sha256(`${source}\u0000${version}`);
}

export class TemplateError extends InputError {
  constructor(file: string, message: string, line?: number) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${message}`);
    this.name = 'TemplateError';
  }
}

/**
 * Parse, analyse and compile a template. The compiled function is cached by
 * source text, so loading the same rubric twice does not compile it twice.
 */
export function compileTemplate(source: string, file: string): TemplateVariables {
  let ast: hbs.AST.Program;
  try {
    ast = hb.parse(source);
  } catch (err) {
    throw new TemplateError(file, `template syntax error: ${(err as Error).message}`);
  }
  const variables = templateVariables(ast, file);
  const key = sha256(source);
  if (!compiled.has(key)) {
    // noEscape: prompts are plain text, not HTML; escaping would show the
    // judge `&#x27;` instead of an apostrophe in every answer. strict: a
    // misspelt field throws at render time instead of rendering as blank.
    compiled.set(key, compileStrict(ast, { escape: false, knownHelpersOnly: true }));
  }
  return variables;
}

// Render-time lookup by the source string itself: hashing a few kilobytes of
// template on every judge call cost more than rendering it.
const bySource = new Map<string, Handlebars.TemplateDelegate>();

export function renderTemplate(source: string, file: string, context: object): string {
  let fn = bySource.get(source);
  if (!fn) {
    const key = sha256(source);
    if (!compiled.has(key)) compileTemplate(source, file);
    fn = compiled.get(key)!;
    bySource.set(source, fn);
  }
  try {
    return fn(context);
  } catch (err) {
    throw new TemplateError(file, `render failed: ${(err as Error).message}`);
  }
}

/** Number of distinct compiled templates (lets tests see the cache work). */
export function compiledCount(): number {
  return compiled.size;
}

interface Walk {
  file: string;
  required: Set<string>;
  optional: Set<string>;
}

interface Scope {
  /** 'root' reads top-level variables; 'item' reads fields of an each/with item. */
  stack: Array<'root' | 'item'>;
  /** Variables whose truthiness an enclosing #if/#unless tested. */
  guards: Set<string>;
  blockParams: Set<string>;
}

/** Top-level variables a template reads, split into required and optional. */
export function templateVariables(ast: hbs.AST.Program, file: string): TemplateVariables {
  const walk: Walk = { file, required: new Set(), optional: new Set() };
  program(ast, { stack: ['root'], guards: new Set(), blockParams: new Set() }, walk);
  for (const name of walk.required) walk.optional.delete(name);
  return { required: [...walk.required].sort(), optional: [...walk.optional].sort() };
}

function program(node: hbs.AST.Program | undefined, scope: Scope, walk: Walk): void {
  if (!node) return;
  for (const stmt of node.body) statement(stmt, scope, walk);
}

function statement(node: hbs.AST.Statement, scope: Scope, walk: Walk): void {
  switch (node.type) {
    case 'ContentStatement':
    case 'CommentStatement':
      return;
    case 'MustacheStatement': {
      const m = node as hbs.AST.MustacheStatement;
      call(m.path, m.params, m.hash, scope, walk);
      return;
    }
    case 'BlockStatement':
      block(node as hbs.AST.BlockStatement, scope, walk);
      return;
    default:
      // Partials and decorators would pull text from outside the rubric file,
      // which the template hash would then not cover.
      throw new TemplateError(walk.file, `${node.type} is not supported in rubric templates`, line(node));
  }
}

function block(node: hbs.AST.BlockStatement, scope: Scope, walk: Walk): void {
  const name = helperName(node.path);
  const first = node.params[0];
  if (name === null || node.params.length !== 1 || !first) {
    throw new TemplateError(walk.file, `unsupported block {{#${pathText(node.path)}}}`, line(node));
  }
  if (GUARD_HELPERS.has(name)) {
    const tested = rootVariable(first, scope, walk);
    if (tested) walk.optional.add(tested);
    else expression(first, scope, walk);
    const guards = new Set(scope.guards);
    if (tested) guards.add(tested);
    program(node.program, { ...scope, guards }, walk);
    program(node.inverse, { ...scope, guards }, walk);
    return;
  }
  if (CONTEXT_HELPERS.has(name)) {
    expression(first, scope, walk);
    const params = new Set(scope.blockParams);
    for (const p of node.program.blockParams ?? []) params.add(p);
    program(node.program, { ...scope, stack: [...scope.stack, 'item'], blockParams: params }, walk);
    program(node.inverse, scope, walk);
    return;
  }
  throw new TemplateError(walk.file, `unknown block helper "${name}"`, line(node));
}

function call(
  path: hbs.AST.PathExpression | hbs.AST.Literal | hbs.AST.Expression,
  params: hbs.AST.Expression[],
  hash: hbs.AST.Hash | undefined,
  scope: Scope,
  walk: Walk,
): void {
  if (params.length === 0 && !hash) {
    expression(path, scope, walk);
    return;
  }
  const name = helperName(path);
  if (name === null || !VALUE_HELPERS.has(name)) {
    throw new TemplateError(walk.file, `unknown helper "${pathText(path)}"`, line(path));
  }
  for (const p of params) expression(p, scope, walk);
  for (const pair of hash?.pairs ?? []) expression(pair.value, scope, walk);
}

function expression(node: hbs.AST.Expression, scope: Scope, walk: Walk): void {
  if (node.type === 'SubExpression') {
    const s = node as hbs.AST.SubExpression;
    call(s.path, s.params, s.hash, scope, walk);
    return;
  }
  const name = rootVariable(node, scope, walk);
  if (!name) return;
  if (scope.guards.has(name)) walk.optional.add(name);
  else walk.required.add(name);
}

/** The top-level variable a path reads, or null for item fields, @index, literals… */
function rootVariable(node: hbs.AST.Expression, scope: Scope, walk: Walk): string | null {
  if (node.type !== 'PathExpression') return null;
  const path = node as hbs.AST.PathExpression;
  if (path.data) return path.parts[0] === 'root' ? (path.parts[1] ?? null) : null;
  const head = path.parts[0];
  if (head === undefined) return null; // {{this}}
  if (path.depth === 0 && scope.blockParams.has(head)) return null;
  const target = scope.stack.length - 1 - path.depth;
  if (target < 0) {
    throw new TemplateError(walk.file, `"${path.original}" climbs above the top level`, line(path));
  }
  return scope.stack[target] === 'root' ? head : null;
}

function helperName(node: hbs.AST.Node): string | null {
  if (node.type !== 'PathExpression') return null;
  const p = node as hbs.AST.PathExpression;
  return p.parts.length === 1 && !p.data && p.depth === 0 ? (p.parts[0] ?? null) : null;
}

function pathText(node: hbs.AST.Node): string {
  return node.type === 'PathExpression' ? (node as hbs.AST.PathExpression).original : node.type;
}

function line(node: hbs.AST.Node): number | undefined {
  return node.loc?.start.line;
}
