// `score` reads each responses file once before its first judge request: the
// lookup that locates the responses also says which ones are usable, so the
// answered keys cost no second pass (they used to: a fifth of the time to the
// first call on a 32k split). Bytes are counted as node:fs really reads them,
// by wrapping createReadStream and the FileHandles of fs/promises' open, and
// taken at the moment the fake server sees the first request.
import { appendFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const bytesRead = new Map<string, number>();
const add = (path: unknown, n: number) => bytesRead.set(String(path), (bytesRead.get(String(path)) ?? 0) + n);

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const createReadStream = ((path: Parameters<typeof fs.createReadStream>[0], opts?: Parameters<typeof fs.createReadStream>[1]) => {
    const stream = fs.createReadStream(path, opts);
    stream.on('data', (chunk) => add(path, chunk.length));
    return stream;
  }) as typeof fs.createReadStream;
  return { ...fs, createReadStream, default: { ...fs, createReadStream } };
});
vi.mock('node:fs/promises', async (importOriginal) => {
  const fsp = await importOriginal<typeof import('node:fs/promises')>();
  const open = (async (path: Parameters<typeof fsp.open>[0], ...rest: unknown[]) => {
    const fh = await (fsp.open as (...a: unknown[]) => ReturnType<typeof fsp.open>)(path, ...rest);
    const read = fh.read.bind(fh) as (...a: unknown[]) => Promise<{ bytesRead: number }>;
    (fh as unknown as { read: unknown }).read = async (...a: unknown[]) => {
      const r = await read(...a);
      add(path, r.bytesRead);
      return r;
    };
    return fh;
  }) as typeof fsp.open;
  return { ...fsp, open, default: { ...fsp, open } };
});

const { withSession } = await import('../../../src/run/session.js');
const { generateStep, scoreStep } = await import('../../../src/run/steps.js');
const { startFakeServer } = await import('../../helpers/fake-server.js');
const { configFor, makeWorkspace, recordedModel } = await import('../../e2e/workspace.js');

type Server = Awaited<ReturnType<typeof startFakeServer>>;
let server: Server;
let ws: ReturnType<typeof makeWorkspace>;
let atFirstRequest: Map<string, number> | null = null;

beforeAll(async () => {
  server = await startFakeServer({
    handler: () => {
      atFirstRequest ??= new Map(bytesRead);
      return 'Score: 7';
    },
  });
  ws = makeWorkspace('score-reads-once');
});
afterAll(async () => {
  await server.close();
  ws.remove();
});

describe('score', () => {
  it('reads each responses file once before its first judge request', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const config = ws.config(
      'reads-once',
      configFor(ws, {
        runId: 'reads-once',
        models: [recordedModel('a', 'plain'), recordedModel('b', 'plain')],
        judgeUrl: server.url,
        judges: ['gpt-5-mini'],
        rubrics: ['cn'],
      }),
    );
    const argv = { config, quiet: true, cache: false };
    expect(await withSession(argv, ['generate'], generateStep)).toBe(0);
    // Responses of samples outside this split (an earlier, larger run): they
    // make each file several blocks long, so a second pass over it shows.
    const files = ['a', 'b'].map((m) => join(ws.runDir('reads-once'), 'responses', `${m}.jsonl`));
    for (const [i, f] of files.entries()) {
      const extra = Array.from({ length: 2000 }, (_, k) => ({
        type: 'response',
        sampleId: `old-${k}`,
        model: 'ab'[i],
        kind: 'plain',
        raw: 'x'.repeat(200),
        answer: 'x'.repeat(200),
        format: { valid: true, flags: [] },
        usage: null,
        latencyMs: null,
        requestHash: null,
        frames: null,
        via: 'file',
      }));
      appendFileSync(f, extra.map((r) => `${JSON.stringify(r)}\n`).join(''));
    }
    bytesRead.clear();
    expect(await withSession(argv, ['score'], scoreStep)).toBe(0);
    expect(server.requests.length).toBeGreaterThan(0);
    expect(atFirstRequest).not.toBeNull();
    for (const f of files) {
      const size = statSync(f).size;
      expect(size).toBeGreaterThan(4 * 64 * 1024);
      // Once through the file, plus at most one 64 KiB block holding the first records judged.
      const read = atFirstRequest!.get(f) ?? 0;
      expect(read, `${f.split(sep).slice(-2).join('/')}: ${read} bytes read of ${size}`).toBeGreaterThanOrEqual(size);
      expect(read).toBeLessThanOrEqual(size + 64 * 1024);
    }
  });
});
