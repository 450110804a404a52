// Upload one input file and start its batch.
import type OpenAI from 'openai';
import { toFile } from 'openai';
import { CHAT_URL, type BatchLine } from './lines.js';

// Management calls are few and cheap, unlike chat calls: the SDK's own retries are fine here.
export const MANAGE_RETRIES = 3;
// A 200 MB upload outlasts the chat timeout by far.
const UPLOAD_TIMEOUT_MS = 30 * 60_000;

export type Batch = OpenAI.Batches.Batch;

export async function uploadLines(client: OpenAI, lines: BatchLine[], name: string): Promise<string> {
  const data = Buffer.from(lines.map((l) => l.text).join(''), 'utf8');
  const file = await toFile(data, name, { type: 'application/jsonl' });
  const created = await client.files.create({ file, purpose: 'batch' }, { maxRetries: MANAGE_RETRIES, timeout: UPLOAD_TIMEOUT_MS });
  return created.id;
}

/**
 * Create the batch for an uploaded file. The create call is not idempotent, so
 * it is never blindly retried: after a failure the batch list is checked for
 * one already made from this file (the reply may have been lost, not the request).
 */
export async function createBatch(client: OpenAI, inputFileId: string, attempts = 3, waitMs = 1000): Promise<Batch> {
  const params = { input_file_id: inputFileId, endpoint: CHAT_URL, completion_window: '24h' } as const;
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    if (i > 0) {
      const existing = await findBatchFor(client, inputFileId);
      if (existing) return existing;
      await new Promise((r) => setTimeout(r, waitMs * 2 ** (i - 1)));
    }
    try {
      return await client.batches.create(params, { maxRetries: 0 });
    } catch (err) {
      lastError = err;
      // 4xx other than 429 will not change on retry (bad file, quota, auth).
      const status = (err as { status?: unknown }).status;
      if (typeof status === 'number' && status >= 400 && status < 500 && status !== 429 && status !== 409) throw err;
    }
  }
  throw lastError;
}

async function findBatchFor(client: OpenAI, inputFileId: string): Promise<Batch | null> {
  try {
    const page = await client.batches.list({ limit: 100 }, { maxRetries: MANAGE_RETRIES });
    return page.data.find((b) => b.input_file_id === inputFileId) ?? null;
  } catch {
    return null;
  }
}
