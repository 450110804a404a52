// Model prompts are Handlebars templates (prompts/), compiled once per file.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Handlebars from 'handlebars';
import { PACKAGE_ROOT } from '../paths.js';
import type { ModelConfig } from '../config/schema.js';
import type { Sample } from '../types.js';
import type { ChatMessage, ContentPart } from '../provider/types.js';

export type { ChatMessage, ContentPart };

// A private instance: prompts get no helpers beyond Handlebars' built-ins,
// none of which reach the file system or the network.
const hb = Handlebars.create();
const compiled = new Map<string, Handlebars.TemplateDelegate>();

export const PROMPTS_DIR = resolve(PACKAGE_ROOT, 'prompts');

function template(path: string): Handlebars.TemplateDelegate {
  let t = compiled.get(path);
  if (!t) {
    t = hb.compile(readFileSync(path, 'utf8'), { noEscape: true, strict: false });
    compiled.set(path, t);
  }
  return t;
}

/** Build the messages a model sees for a sample; scene parts go before the text. */
export function buildMessages(model: ModelConfig, sample: Sample, sceneParts: ContentPart[]): ChatMessage[] {
  const systemPath = model.prompt ?? join(PROMPTS_DIR, model.kind === 'ebm' ? 'ebm.system.hbs' : 'roleplay.system.hbs');
  const view = {
    character: sample.character,
    user: sample.user,
    history: sample.history,
    // The caption stands in for the video only for text-only models.
    caption: model.video === 'caption' ? sample.caption : undefined,
  };
  const system = template(systemPath)(view);
  const userText = template(join(PROMPTS_DIR, 'roleplay.user.hbs'))(view);
  const content: string | ContentPart[] = sceneParts.length ? [...sceneParts, { type: 'text', text: userText }] : userText;
  return [
    { role: 'system', content: system },
    { role: 'user', content },
  ];
}
