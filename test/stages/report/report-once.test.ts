// How often `report` reads each judgment log (issue 16 item 6). Reading the
// logs was most of a report's time, and the explorer of report.html used to
// read every log twice more after the fold; now the fold's one streaming read
// is the only full read, and the explorer reads back its few embedded samples
// by position (responses and comparisons likewise). node:fs is wrapped to count, per file, the streams opened and
// the positioned reads made.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

const streams = new Map<string, number>();
const positioned = new Map<string, { opens: number; bytes: number }>();

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const createReadStream = ((path: string, opts?: unknown) => {
    streams.set(String(path), (streams.get(String(path)) ?? 0) + 1);
    return fs.createReadStream(path, opts as Parameters<typeof fs.createReadStream>[1]);
  }) as typeof fs.createReadStream;
  return { ...fs, default: { ...fs, createReadStream }, createReadStream };
});
vi.mock('node:fs/promises', async (importOriginal) => {
  const fsp = await importOriginal<typeof import('node:fs/promises')>();
  const open = (async (path: string, ...rest: unknown[]) => {
    const fh = await (fsp.open as (...a: unknown[]) => ReturnType<typeof fsp.open>)(path, ...rest);
    if (!String(path).endsWith('.jsonl')) return fh;
    const tally = positioned.get(String(path)) ?? { opens: 0, bytes: 0 };
    positioned.set(String(path), tally);
    tally.opens++;
    // Only what the read-back uses: positioned reads and close.
    return {
      read: async (buf: Buffer, off: number, len: number, pos: number) => {
        const r = await fh.read(buf, off, len, pos);
        tally.bytes += r.bytesRead;
        return r;
      },
      close: () => fh.close(),
    };
  }) as unknown as typeof fsp.open;
  return { ...fsp, default: { ...fsp, open }, open };
});

const { loadConfig } = await import('../../../src/config/load.js');
const { makeReport } = await import('../../../src/stages/report/report.js');
const { writeOnceRun } = await import('../../commands/report-once-fixture.js');

const root = mkdtempSync(join(tmpdir(), 'rolejudge-report-reads-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeEach(() => {
  streams.clear();
  positioned.clear();
});

const logs = (base: string, kind: string, names: string[]) => names.map((n) => join(base, 'runs', 'once', kind, `${n}.jsonl`));

describe('report reads each judgment log once', () => {
  it('streams every judgment log once; the explorer reads back only its embedded samples, by position', async () => {
    const base = join(root, 'clean');
    const result = await makeReport(loadConfig(writeOnceRun(base)));
    expect(result.files).toHaveLength(6);
    for (const log of logs(base, 'judgments', ['j1', 'j2'])) {
      expect(streams.get(log), log).toBe(1);
      // One handle per log for the read-back; 6 of 30 samples embedded, so far less than the log is read.
      const back = positioned.get(log);
      expect(back?.opens, log).toBe(1);
      expect(back!.bytes).toBeGreaterThan(0);
      expect(back!.bytes).toBeLessThan(statSync(log).size);
    }
    // Responses and comparisons too: one stream each, the embedded samples read back.
    for (const log of [...logs(base, 'responses', ['cand', 'base']), ...logs(base, 'comparisons', ['j1'])]) {
      expect(streams.get(log), log).toBe(1);
      expect(positioned.get(log)?.opens, log).toBe(1);
      expect(positioned.get(log)!.bytes).toBeLessThan(statSync(log).size);
    }
  });

  it("a run with a key recorded twice: the explorer keeps the fold's record of the key, so the logs are still read once", async () => {
    const base = join(root, 'rough');
    await makeReport(loadConfig(writeOnceRun(base, { rough: true })));
    for (const log of logs(base, 'judgments', ['j1', 'j2'])) {
      expect(streams.get(log), log).toBe(1);
      expect(positioned.get(log)?.opens, log).toBe(1);
    }
  });
});
