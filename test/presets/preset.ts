// A shipped protocol preset (examples/*.yaml) made runnable against the fake
// server: only the endpoints and the places a run writes to are changed, and
// dataset paths are made absolute (they point at the same bundled files).
// Everything that defines the protocol — judges, rubrics, score mode, compare
// rule, rounds, gate — is the preset's own.
import { readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import YAML from 'yaml';
import { REPO_ROOT } from '../helpers/cli.js';
import type { Workspace } from '../e2e/workspace.js';

export const EXAMPLES = join(REPO_ROOT, 'examples');

export interface Preset {
  /** The preset as shipped. */
  original: any;
  /** The rewritten config that was written. */
  config: any;
  file: string;
}

const fromExamples = (p: string) => (isAbsolute(p) ? p : resolve(EXAMPLES, p));

export function preparePreset(name: string, ws: Workspace, serverUrl: string): Preset {
  const original = YAML.parse(readFileSync(join(EXAMPLES, `${name}.yaml`), 'utf8'));
  const c = structuredClone(original);
  c.run = { ...c.run, outputDir: ws.runs, reportsDir: ws.reports };
  c.dataset = {
    ...c.dataset,
    path: fromExamples(c.dataset.path),
    ...(c.dataset.profiles ? { profiles: fromExamples(c.dataset.profiles) } : {}),
    ...(c.dataset.root ? { root: fromExamples(c.dataset.root) } : {}),
  };
  c.models = c.models.map((m: any) => ({
    ...m,
    ...(m.baseUrl ? { baseUrl: serverUrl } : {}),
    ...(m.outputs ? { outputs: fromExamples(m.outputs) } : {}),
    ...(m.prompt ? { prompt: fromExamples(m.prompt) } : {}),
  }));
  c.judgeOverrides = { ...c.judgeOverrides, baseUrl: serverUrl };
  c.provider = { ...c.provider, cacheDir: ws.cache };
  c.framesCacheDir = ws.frames;
  if (c.gate?.junit) c.gate = { ...c.gate, junit: join(ws.dir, 'junit.xml') };
  const file = join(ws.dir, `${name}.yaml`);
  writeFileSync(file, YAML.stringify(c));
  return { original, config: c, file };
}
