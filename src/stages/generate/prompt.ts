// Model prompts are Handlebars templates (prompts/), checked and compiled once
// per file under the shared strict rules (src/core/templates.ts).
import type { ModelConfig } from '../../config/schema.js';
import { checkPromptTemplate, promptFiles } from '../../config/prompts.js';
import { renderTemplate } from '../../core/templates.js';
import type { Sample } from '../../core/records.js';
import type { ChatMessage, ContentPart } from '../../provider/types.js';

export type { ChatMessage, ContentPart };
export { PROMPTS_DIR } from '../../config/prompts.js';

const sources = new Map<string, string>();

function render(file: string, view: object): string {
  let source = sources.get(file);
  if (source === undefined) sources.set(file, (source = checkPromptTemplate(file, 'models.prompt')));
  return renderTemplate(source, file, view);
}

/** Build the messages a model sees for a sample; scene parts go before the text. */
export function buildMessages(model: ModelConfig, sample: Sample, sceneParts: ContentPart[]): ChatMessage[] {
  const files = promptFiles(model);
  const view = {
    character: sample.character,
    user: sample.user,
    history: sample.history,
    // The caption stands in for the video only for text-only models.
    caption: model.video === 'caption' ? sample.caption : undefined,
  };
  const system = render(files.system, view);
  const userText = render(files.user, view);
  const content: string | ContentPart[] = sceneParts.length ? [...sceneParts, { type: 'text', text: userText }] : userText;
  return [
    { role: 'system', content: system },
    { role: 'user', content },
  ];
}
