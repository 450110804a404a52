// Shared pieces of the batch tests: a fake server with the Batch API, temp
// run and cache directories, and small chat requests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Provider, type ChatRequest, type Endpoint } from '../../../src/provider/index.js';
import { RunStore } from '../../../src/store/run.js';
import type { BatchContext } from '../../../src/pipeline/batch/run-batch.js';
import { fakeBatchApi, type FakeBatchApi, type FakeBatchOptions } from '../../helpers/fake-batch.js';
import { startFakeServer, type FakeServer } from '../../helpers/fake-server.js';

export interface Rig {
  server: FakeServer;
  api: FakeBatchApi;
  dir: string;
  cacheDir: string;
  runDir: string;
  logs: string[];
  ep: (model?: string, extra?: Partial<Endpoint>) => Endpoint;
  /** A fresh Provider on the rig's cache: a new process, as far as the cache is concerned. */
  provider: () => Provider;
  ctx: (provider: Provider) => BatchContext;
  /** Chat-completion requests the server got so far. */
  chatCalls: () => number;
  close: () => Promise<void>;
}

export async function makeRig(opts: FakeBatchOptions = {}): Promise<Rig> {
  const api = fakeBatchApi(opts);
  const server = await startFakeServer({ routes: api.routes, ...(opts.handler ? { handler: opts.handler } : {}) });
  const dir = mkdtempSync(join(tmpdir(), 'rolejudge-batch-'));
  const logs: string[] = [];
  const rig: Rig = {
    server,
    api,
    dir,
    cacheDir: join(dir, 'cache'),
    runDir: join(dir, 'runs', 'r1'),
    logs,
    ep: (model = 'fake-model', extra = {}) => ({ name: `ep:${model}`, baseUrl: server.url, model, ...extra }),
    provider: () => new Provider({ cacheDir: rig.cacheDir, baseDelayMs: 5, maxDelayMs: 20, maxRetries: 2 }),
    ctx: (provider) => ({ provider, store: new RunStore(rig.runDir), log: (m) => logs.push(m) }),
    chatCalls: () => server.requests.filter((r) => r.path === '/v1/chat/completions').length,
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return rig;
}

export function chatReq(ep: Endpoint, text: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { endpoint: ep, messages: [{ role: 'user', content: text }], params: { temperature: 0, max_tokens: 64 }, key: `k:${text}`, ...extra };
}

export const FAST_POLL = { poll: { initialMs: 10, maxMs: 20 } };
