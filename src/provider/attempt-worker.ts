// The worker side of attempt-thread.ts: one ClientPool (SDK clients and their
// keep-alive agents) for the thread, attemptOnce per message.
import { parentPort, workerData } from 'node:worker_threads';
import { attemptOnce } from './attempt.js';
import type { AttemptMessage, AttemptReply } from './attempt-thread.js';
import { ClientPool } from './client.js';
import { classify } from './errors.js';
import type { HeaderSource } from './retry.js';

const { env, timeoutMs } = workerData as { env: Record<string, string | undefined>; timeoutMs: number };
const clients = new ClientPool(env, timeoutMs);
const port = parentPort!;

function record(h: HeaderSource): Record<string, string> {
  const out: Record<string, string> = {};
  const each = (h as { forEach?: (fn: (v: string, k: string) => void) => void }).forEach;
  if (typeof each === 'function') each.call(h, (v, k) => (out[k.toLowerCase()] = v));
  return out;
}

port.on('message', (m: AttemptMessage) => {
  const { client, secret } = clients.get({ name: '', baseUrl: m.baseUrl, model: '', ...(m.apiKeyEnv !== undefined ? { apiKeyEnv: m.apiKeyEnv } : {}) });
  let headers: Record<string, string> | null = null;
  const onHeaders = m.wantHeaders ? (h: HeaderSource) => (headers = record(h)) : undefined;
  attemptOnce(client, m.body, m.timeoutMs, secret, m.transport, onHeaders).then(
    (out) => port.postMessage({ id: m.id, ok: true, out, headers } satisfies AttemptReply),
    (raw: unknown) => {
      const e = classify(raw, secret);
      const cause = e.cause instanceof Error ? e.cause.message : undefined;
      const err = {
        kind: e.kind,
        message: e.message,
        retryable: e.retryable,
        ...(e.status !== undefined ? { status: e.status } : {}),
        ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
        ...(e.param !== undefined ? { param: e.param } : {}),
        ...(e.unsent ? { unsent: true } : {}),
        ...(cause !== undefined ? { causeMessage: cause } : {}),
      };
      port.postMessage({ id: m.id, ok: false, err, headers } satisfies AttemptReply);
    },
  );
});
