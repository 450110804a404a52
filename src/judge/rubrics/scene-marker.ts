// The `@@scene@@` line of a judge template (see render.ts): the text above it
// is sent first, before the frames, and must be the same for every sample of
// the rubric, or the provider's prefix cache never hits and nobody notices.
// Checked when the rubric is loaded, so a template that breaks it fails in
// preflight with its file and line, not silently on the bill.
import { templateEnv, templateVariables, type TemplateVariables } from '../../core/templates.js';
import { SCENE_MARKER } from './render.js';
import { ConfigError } from './validate.js';

/** What differs from sample to sample (or from order to order): never above the marker. */
const PER_SAMPLE = ['character', 'user', 'history', 'caption', 'references', 'film', 'characterProfile', 'userProfile', 'answer', 'responseA', 'responseB'];

export function checkSceneMarker(file: string, source: string): void {
  const lines = source.split('\n');
  const at = lines.map((l, i) => (l.trim() === SCENE_MARKER ? i : -1)).filter((i) => i >= 0);
  if (at.length === 0) return;
  if (at.length > 1) throw new ConfigError(file, `line ${at[1]! + 1}: "${SCENE_MARKER}" appears again (first on line ${at[0]! + 1}); it marks one place`);
  // Parsed, not compiled: only its variables matter (nothing is added to the compiled-template cache).
  let above: TemplateVariables;
  try {
    above = templateVariables(templateEnv.parse(lines.slice(0, at[0]).join('\n')), file);
  } catch {
    throw new ConfigError(file, `line ${at[0]! + 1}: "${SCENE_MARKER}" sits inside a {{#if}} or {{#each}} block; put it between blocks`);
  }
  const used = [...above.required, ...above.optional].filter((v) => PER_SAMPLE.includes(v));
  if (used.length)
    throw new ConfigError(
      file,
      `line ${at[0]! + 1}: the text above "${SCENE_MARKER}" is sent first and shared by every sample, but reads ${used.map((v) => `{{${v}}}`).join(', ')}; move that below the marker`,
    );
}
