// Batch results into the response cache, exactly as online answers would be
// stored. What did not come back as a 200 is left out: the completion pass
// asks it online through the normal path, retries included. So is a 200 that
// the online path would not cache either (cut off, filtered, refused): it was
// paid for, so it is handed back for the caller to count.
import type OpenAI from 'openai';
import { parseCompletion } from '../../provider/attempt.js';
import { redact } from '../../provider/errors.js';
import type { Provider } from '../../provider/provider.js';
import type { ProviderUsage } from '../../provider/types.js';
import type { SentParams } from '../../core/records.js';
import { MANAGE_RETRIES } from './submit.js';

export interface IngestResult {
  /** Answers put into the cache. */
  ingested: number;
  /** Their hashes. */
  ids: string[];
  /** Paid answers not cached because no online reply like them would be (asked online again). */
  untrusted: { id: string; usage: ProviderUsage | null; why: string }[];
  /** Lines that came back with an error (non-200, error object, unreadable body). */
  errored: number;
  /** Requests of the batch with no line at all (e.g. an expired batch). */
  missing: number;
  /** A few error messages, for the log. */
  messages: string[];
}

interface OutputLine {
  custom_id?: unknown;
  response?: { status_code?: unknown; body?: unknown } | null;
  error?: { code?: unknown; message?: unknown } | null;
}

export async function downloadText(client: OpenAI, fileId: string): Promise<string> {
  const res = await client.files.content(fileId, { maxRetries: MANAGE_RETRIES });
  return res.text();
}

function* parseLines(text: string): Generator<OutputLine> {
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      yield JSON.parse(line) as OutputLine;
    } catch {
      // An unreadable line cannot be matched to a request: it counts as missing.
    }
  }
}

function errorOf(line: OutputLine): string {
  const body = line.response?.body as { error?: { message?: unknown } } | undefined;
  const msg = line.error?.message ?? body?.error?.message;
  const status = line.response?.status_code;
  return `${typeof status === 'number' ? `HTTP ${status}: ` : ''}${typeof msg === 'string' ? msg : 'error'}`;
}

export interface IngestInput {
  provider: Provider;
  /** Contents of the output and error files (either may be absent). */
  texts: string[];
  customIds: string[];
  /** What each request sent, by hash; lines for unknown hashes are not stored. */
  sentOf: (customId: string) => SentParams | undefined;
  secret: string | undefined;
}

export async function ingestLines(input: IngestInput): Promise<IngestResult> {
  const wanted = new Set(input.customIds);
  const seen = new Set<string>();
  const out: IngestResult = { ingested: 0, ids: [], untrusted: [], errored: 0, missing: 0, messages: [] };
  const fail = (id: string, msg: string) => {
    seen.add(id);
    out.errored++;
    if (out.messages.length < 3) out.messages.push(`${id.slice(0, 12)}: ${redact(msg, input.secret)}`);
  };
  for (const text of input.texts) {
    for (const line of parseLines(text)) {
      const id = line.custom_id;
      if (typeof id !== 'string' || !wanted.has(id) || seen.has(id)) continue;
      if (line.error || line.response?.status_code !== 200) {
        fail(id, errorOf(line));
        continue;
      }
      const sent = input.sentOf(id);
      if (!sent) continue;
      let parsed;
      try {
        parsed = parseCompletion(line.response.body);
      } catch (err) {
        fail(id, err instanceof Error ? err.message : String(err));
        continue;
      }
      seen.add(id);
      if (await input.provider.ingest(id, { ...parsed, content: redact(parsed.content, input.secret), sent })) {
        out.ingested++;
        out.ids.push(id);
      } else {
        const why =
          parsed.refusal !== undefined ? 'refused' : parsed.finishReason && parsed.finishReason !== 'stop' ? `finish_reason "${parsed.finishReason}"` : 'empty';
        out.untrusted.push({ id, usage: parsed.usage, why });
      }
    }
  }
  for (const id of wanted) if (!seen.has(id)) out.missing++;
  return out;
}
