// The OpenAI Files + Batch API on the fake server (plug `routes` into
// startFakeServer). Input lines are answered by the same chat handler as the
// online route, so a batched reply equals the online one; each batch walks a
// scripted status sequence over successive retrieves.
import type { ServerResponse } from 'node:http';
import { completion, echoHandler, sendJson, type FakeHandler, type FakeReply, type FakeRequest, type FakeRoute } from './fake-server.js';

type Terminal = 'completed' | 'failed' | 'expired' | 'cancelled';

export interface BatchScript {
  /** Statuses shown on successive retrieves before the final one (default validating, in_progress). */
  steps?: string[];
  final?: Terminal;
  /** Input line indices answered in the error file instead of the output file. */
  errorLines?: number[];
  /** How those lines fail: an HTTP 500 response, or an error object with no response (default 'status'). */
  errorAs?: 'status' | 'error';
  /** expired/cancelled: lines processed before the end (default: half, rounded down). */
  processed?: number;
  /** expired/cancelled: leave unprocessed lines out entirely instead of reporting them in the error file. */
  dropUnprocessed?: boolean;
}

export interface FakeBatchOptions {
  handler?: FakeHandler;
  /** Scripts for batches in creation order; later batches use defaultScript. */
  scripts?: BatchScript[];
  defaultScript?: BatchScript;
  /** Validation like the real API: a file over a limit or mixing models fails the batch. */
  maxLinesPerFile?: number;
  maxBytesPerFile?: number;
}

export interface FakeFile {
  id: string;
  purpose: string;
  filename: string;
  text: string;
}

export interface FakeBatch {
  id: string;
  inputFileId: string;
  script: BatchScript;
  /** Retrieves so far: the position in the status sequence. */
  retrieves: number;
  object: Record<string, any>;
}

export interface FakeBatchApi {
  routes: FakeRoute[];
  /** Requests per route, keyed "METHOD /path/pattern". */
  counts: Record<string, number>;
  files: Map<string, FakeFile>;
  batches: Map<string, FakeBatch>;
  /** Input lines of every uploaded batch file, parsed. */
  inputLines(): any[];
}

const now = () => Math.floor(Date.now() / 1000);

export function fakeBatchApi(opts: FakeBatchOptions = {}): FakeBatchApi {
  const handler = opts.handler ?? echoHandler;
  const scripts = [...(opts.scripts ?? [])];
  const files = new Map<string, FakeFile>();
  const batches = new Map<string, FakeBatch>();
  const counts: Record<string, number> = {};
  let seq = 0;

  const fileObject = (f: FakeFile) => ({
    id: f.id,
    object: 'file',
    bytes: Buffer.byteLength(f.text),
    created_at: now(),
    filename: f.filename,
    purpose: f.purpose,
    status: 'processed',
  });
  const addFile = (purpose: string, filename: string, text: string) => {
    const f = { id: `file-${++seq}`, purpose, filename, text };
    files.set(f.id, f);
    return f;
  };

  function route(method: string, path: string, handle: FakeRoute['handle']): FakeRoute {
    return {
      method,
      path,
      handle: (ctx) => {
        const k = `${method} ${path}`;
        counts[k] = (counts[k] ?? 0) + 1;
        return handle(ctx);
      },
    };
  }
  const notFound = (res: ServerResponse, what: string) => sendJson(res, 404, { error: { message: `No such ${what}`, type: 'invalid_request_error' } });

  function validate(text: string): string | null {
    const lines = text.split('\n').filter((l) => l.trim());
    if (!lines.length) return 'empty file';
    if (opts.maxLinesPerFile !== undefined && lines.length > opts.maxLinesPerFile) return `over ${opts.maxLinesPerFile} requests`;
    if (opts.maxBytesPerFile !== undefined && Buffer.byteLength(text) > opts.maxBytesPerFile) return `over ${opts.maxBytesPerFile} bytes`;
    const ids = new Set<string>();
    const models = new Set<string>();
    for (const l of lines) {
      let o: any;
      try {
        o = JSON.parse(l);
      } catch {
        return 'line is not JSON';
      }
      if (typeof o.custom_id !== 'string' || ids.has(o.custom_id)) return 'missing or duplicate custom_id';
      if (o.method !== 'POST' || o.url !== '/v1/chat/completions' || typeof o.body !== 'object') return 'bad method, url or body';
      ids.add(o.custom_id);
      models.add(String(o.body.model));
    }
    return models.size > 1 ? 'requests for more than one model' : null;
  }

  async function answer(body: any, index: number): Promise<{ status: number; body: any }> {
    const request: FakeRequest = {
      index: -1,
      method: 'POST',
      path: '/v1/chat/completions',
      body,
      rawBody: Buffer.from(JSON.stringify(body)),
      headers: {},
      url: '/v1/chat/completions',
      httpVersion: '1.1',
      rawHeaders: [],
      at: performance.now(),
    };
    let r: FakeReply = await handler(body, { index, request });
    while (typeof r === 'object' && 'delayMs' in r) r = r.reply ?? (await handler(body, { index, request }));
    if (typeof r === 'string') return { status: 200, body: completion(body, { content: r }, index) };
    if ('status' in r) return { status: r.status, body: { error: r.error ?? { message: `fake status ${r.status}` } } };
    if ('content' in r) return { status: 200, body: completion(body, r, index) };
    return { status: 500, body: { error: { message: 'fake fault in batch' } } };
  }

  /** Ends a batch: writes the output and error files as the script says. */
  async function finish(b: FakeBatch, final: Terminal): Promise<void> {
    const o = b.object;
    const input = files
      .get(b.inputFileId)!
      .text.split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l));
    if (final === 'failed') return;
    const partial = final === 'expired' || final === 'cancelled';
    const upto = partial ? (b.script.processed ?? Math.floor(input.length / 2)) : input.length;
    const errs = new Set(b.script.errorLines ?? []);
    const out: string[] = [];
    const bad: string[] = [];
    for (const [i, line] of input.entries()) {
      const base = { id: `batch_req_${i}`, custom_id: line.custom_id };
      if (i >= upto) {
        if (!b.script.dropUnprocessed)
          bad.push(
            JSON.stringify({
              ...base,
              response: null,
              error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' },
            }),
          );
        continue;
      }
      if (errs.has(i)) {
        bad.push(
          JSON.stringify(
            b.script.errorAs === 'error'
              ? { ...base, response: null, error: { code: 'server_error', message: 'fake batch line error' } }
              : { ...base, response: { status_code: 500, request_id: `req_${i}`, body: { error: { message: 'fake batch 500' } } }, error: null },
          ),
        );
        continue;
      }
      const r = await answer(line.body, i);
      const text = JSON.stringify({ ...base, response: { status_code: r.status, request_id: `req_${i}`, body: r.body }, error: null });
      (r.status === 200 ? out : bad).push(text);
    }
    // The real API does not keep input order: neither do we.
    out.reverse();
    if (out.length) o.output_file_id = addFile('batch_output', `${b.id}_output.jsonl`, out.join('\n') + '\n').id;
    if (bad.length) o.error_file_id = addFile('batch_output', `${b.id}_error.jsonl`, bad.join('\n') + '\n').id;
    o.request_counts = { total: input.length, completed: out.length, failed: bad.length };
  }

  async function advance(b: FakeBatch): Promise<void> {
    const o = b.object;
    if (['completed', 'failed', 'expired', 'cancelled'].includes(o.status)) return;
    const steps = b.script.steps ?? ['validating', 'in_progress'];
    b.retrieves++;
    const total = o.request_counts.total;
    if (b.retrieves < steps.length) {
      o.status = steps[b.retrieves];
      if (o.status === 'in_progress') o.request_counts = { total, completed: Math.floor(total / 2), failed: 0 };
      return;
    }
    const final = b.script.final ?? 'completed';
    o.status = final;
    o[`${final}_at`] = now();
    await finish(b, final);
  }

  const routes: FakeRoute[] = [
    route('POST', '/v1/files', async ({ req, res, request }) => {
      const form = await new Response(new Uint8Array(request.rawBody), { headers: { 'content-type': String(req.headers['content-type']) } }).formData();
      const file = form.get('file');
      if (!file || typeof file === 'string') return sendJson(res, 400, { error: { message: 'no file part' } });
      sendJson(res, 200, fileObject(addFile(String(form.get('purpose')), file.name, await file.text())));
    }),
    route('GET', '/v1/files/:id', ({ res, params }) => {
      const f = files.get(params.id!);
      return f ? sendJson(res, 200, fileObject(f)) : notFound(res, 'file');
    }),
    route('GET', '/v1/files/:id/content', ({ res, params }) => {
      const f = files.get(params.id!);
      if (!f) return notFound(res, 'file');
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': Buffer.byteLength(f.text) });
      res.end(f.text);
    }),
    route('POST', '/v1/batches', ({ res, request }) => {
      const { input_file_id, endpoint, completion_window } = request.body ?? {};
      const f = files.get(input_file_id);
      if (f?.purpose !== 'batch') return sendJson(res, 400, { error: { message: `input file ${input_file_id} is not a batch file` } });
      if (endpoint !== '/v1/chat/completions' || completion_window !== '24h') return sendJson(res, 400, { error: { message: 'bad endpoint or window' } });
      const id = `batch_${++seq}`;
      const script = scripts.shift() ?? opts.defaultScript ?? {};
      const invalid = validate(f.text);
      const total = f.text.split('\n').filter((l) => l.trim()).length;
      const object: Record<string, any> = {
        id,
        object: 'batch',
        endpoint,
        input_file_id,
        completion_window,
        created_at: now(),
        status: (script.steps ?? ['validating'])[0] ?? 'validating',
        request_counts: { total, completed: 0, failed: 0 },
      };
      // A file the real API rejects fails at validation whatever the script says.
      const b: FakeBatch = { id, inputFileId: input_file_id, script: invalid ? { steps: ['validating'], final: 'failed' } : script, retrieves: 0, object };
      if (invalid) object.errors = { object: 'list', data: [{ code: 'invalid_file', message: invalid, line: null }] };
      batches.set(id, b);
      sendJson(res, 200, object);
    }),
    route('GET', '/v1/batches/:id', async ({ res, params }) => {
      const b = batches.get(params.id!);
      if (!b) return notFound(res, 'batch');
      await advance(b);
      sendJson(res, 200, b.object);
    }),
    route('GET', '/v1/batches', ({ res }) => {
      const data = [...batches.values()].reverse().map((b) => b.object);
      sendJson(res, 200, { object: 'list', data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
    }),
  ];

  return {
    routes,
    counts,
    files,
    batches,
    inputLines: () =>
      [...files.values()]
        .filter((f) => f.purpose === 'batch')
        .flatMap((f) =>
          f.text
            .split('\n')
            .filter((l) => l.trim())
            .map((l) => JSON.parse(l)),
        ),
  };
}
