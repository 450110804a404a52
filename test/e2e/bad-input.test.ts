// Bad input stops a run before anything is written: exit 2, and a message that
// names the file, the line and the field so the user can go straight to it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, runCli } from '../helpers/cli.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { roleplayHandler } from './fake-roleplay.js';
import { configFor, liveModel, makeWorkspace, SAMPLE_DIR, SAMPLE_SPLIT, type Workspace } from './workspace.js';

const lines = readFileSync(SAMPLE_SPLIT, 'utf8').split('\n').filter(Boolean).slice(0, 3);
const rec = (i: number) => JSON.parse(lines[i]!) as Record<string, any>;

interface BadSplit {
  name: string;
  /** The split's lines; the broken one is at `line` (1-based). */
  text: string[];
  line: number;
  /** Field the message must name (null for a JSON syntax error). */
  field: string | null;
}

const { character: _dropped, ...noCharacter } = rec(2);
const CASES: BadSplit[] = [
  { name: 'malformed JSON', text: [lines[0]!, '{"id": "s02", "character": {"name": "X", oops}}', lines[2]!], line: 2, field: null },
  { name: 'missing character', text: [lines[0]!, lines[1]!, JSON.stringify(noCharacter)], line: 3, field: 'character' },
  { name: 'duplicate id', text: [lines[0]!, lines[1]!, JSON.stringify({ ...rec(2), id: rec(0).id })], line: 3, field: 'id' },
  {
    name: 'frame path outside the dataset folder',
    text: [lines[0]!, JSON.stringify({ ...rec(1), video: { frames: ['frames/s02/01.jpg', '../../../../etc/passwd'] } }), lines[2]!],
    line: 2,
    field: 'video.frames[1]',
  },
];

describe('bad input is rejected before anything is written', () => {
  let server: FakeServer;
  let ws: Workspace;

  beforeAll(async () => {
    server = await startFakeServer({ handler: roleplayHandler() });
    ws = makeWorkspace('bad-input');
  });
  afterAll(async () => {
    await server?.close();
    ws?.remove();
  });

  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const split = join(ws.dir, `split-${i}.jsonl`);
    writeFileSync(split, c.text.join('\n') + '\n');
    const runId = `bad-${i}`;
    const config = configFor(ws, {
      runId,
      models: [liveModel('plainbot', 'plain', server.url)],
      judgeUrl: server.url,
      judges: ['gpt-5-mini'],
      rubrics: ['cn'],
    });
    // Media paths resolve against the real sample folder, so only the broken line is wrong.
    const cfg = ws.config(`bad-${i}`, { ...config, dataset: { path: split, format: 'rolejudge', root: SAMPLE_DIR } });

    // Every stage validates the whole split before it opens the run; one judging stage stands for the rest.
    const stages = i === 1 ? ['generate', 'score'] : ['generate'];
    const runs = await Promise.all(stages.map((stage) => runCli([stage, '-c', cfg])));
    for (const r of runs) {
      expect(r.code, describeRun(r)).toBe(2);
      expect(r.stderr).toContain(`${split}:${c.line}:`);
      if (c.field) expect(r.stderr).toContain(`field "${c.field}"`);
    }
    expect(existsSync(ws.runDir(runId))).toBe(false);
    expect(server.requests).toHaveLength(0);
  });

  it('an invalid config field names the config file and the field', async () => {
    const config = configFor(ws, { runId: 'bad-config', models: [liveModel('plainbot', 'plain', server.url, { video: 'hologram' })] });
    const cfg = ws.config('bad-config', config);
    const r = await runCli(['generate', '-c', cfg]);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toContain(cfg);
    expect(r.stderr).toContain('field "models.0.video"');
    expect(existsSync(ws.runDir('bad-config'))).toBe(false);

    const cfg2 = ws.config('bad-config-2', {
      ...configFor(ws, { runId: 'bad-config-2', models: [liveModel('plainbot', 'plain', server.url)] }),
      provider: { concurrency: 0 },
    });
    const r2 = await runCli(['generate', '-c', cfg2]);
    expect(r2.code, describeRun(r2)).toBe(2);
    expect(r2.stderr).toContain(`${cfg2}: field "provider.concurrency"`);
    expect(existsSync(ws.runDir('bad-config-2'))).toBe(false);
    expect(server.requests).toHaveLength(0);
  });
});
