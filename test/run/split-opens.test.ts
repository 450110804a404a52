// One `run` reads the split once to validate it and once per stage that walks
// it (generate for live models, score, compare, report), no more: the config is loaded once and the
// split validated once, not once per stage. The count is of real opens of the
// split file, seen by wrapping node:fs's createReadStream.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const opened: string[] = [];
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const createReadStream = ((path: Parameters<typeof fs.createReadStream>[0], opts?: Parameters<typeof fs.createReadStream>[1]) => {
    opened.push(String(path));
    return fs.createReadStream(path, opts);
  }) as typeof fs.createReadStream;
  return { ...fs, createReadStream, default: { ...fs, createReadStream } };
});

const { runAll } = await import('../../src/run/run.js');
const { demoConfig } = await import('../../src/config/demo.js');

const dir = mkdtempSync(join(tmpdir(), 'rolejudge-opens-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('run', () => {
  it('opens the split once to validate and once per streaming stage', async () => {
    const cfg = demoConfig(dir) as Record<string, unknown> & { dataset: { path: string } };
    const file = join(dir, 'demo.json');
    writeFileSync(file, JSON.stringify(cfg));
    const code = await runAll({ config: file, quiet: true });
    expect(code).toBe(0);
    const split = cfg.dataset.path;
    // validate (which also builds the cluster map) + score + compare + report
    // (the explorer shows each sample's scene and history); generate reads
    // recorded outputs, which need only the ids the validating pass surveyed.
    expect(opened.filter((p) => p === split)).toHaveLength(4);
  });
});
