// The API key lives only in the environment: a whole pipeline run (including a
// server that echoes the key back in an error) leaves no trace of it in any file
// the run, the report or the caches wrote, nor in the CLI's output.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, runCli, type CliResult } from '../helpers/cli.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { kindOf, promptParts, roleplayReply } from './fake-roleplay.js';
import { configFor, filesUnder, liveModel, makeWorkspace, readJsonl, type Workspace } from './workspace.js';

const KEY_ENV = 'ROLEJUDGE_TEST_KEY';
const KEY = 'sk-test-SECRET-123';
const IDS = ['s01', 's02'];

describe('the API key never reaches the disk', () => {
  let server: FakeServer;
  let ws: Workspace;
  const outputs: CliResult[] = [];

  beforeAll(async () => {
    server = await startFakeServer({
      handler: (body, { request }) => {
        // One generation is refused by a server that quotes the credentials it got, as some proxies do.
        if (kindOf(body) === 'generate-plain' && promptParts(body).system.startsWith('You are Odile Fenn.')) {
          return { status: 401, error: { message: `Incorrect API key provided: ${String(request.headers.authorization)}` } };
        }
        return roleplayReply(body);
      },
    });
    ws = makeWorkspace('secrets');
    const models = [liveModel('plainbot', 'plain', server.url, { apiKeyEnv: KEY_ENV }), liveModel('ebmbot', 'ebm', server.url, { apiKeyEnv: KEY_ENV })];
    const cfg = ws.config('secret', {
      ...configFor(ws, {
        runId: 'secret',
        models,
        judges: ['gpt-5-mini'],
        rubrics: ['cn'],
        compare: { candidates: ['ebmbot'], baselines: ['plainbot'] },
      }),
      judgeOverrides: { baseUrl: server.url, apiKeyEnv: KEY_ENV },
    });
    const ids = ['--ids', IDS.join(',')];
    for (const args of [
      ['generate', '-c', cfg, ...ids],
      ['score', '-c', cfg, ...ids],
      ['compare', '-c', cfg, ...ids],
      ['report', '-c', cfg],
    ]) {
      const r = await runCli(args, { env: { [KEY_ENV]: KEY } });
      expect(r.code, `${args[0]}: ${describeRun(r)}`).toBe(0);
      outputs.push(r);
    }
  });
  afterAll(async () => {
    await server?.close();
    ws?.remove();
  });

  it('sent the key to models and judges, from the named variable', () => {
    const kinds = new Set(server.requests.map((q) => kindOf(q.body)));
    expect(kinds).toEqual(new Set(['generate-plain', 'generate-ebm', 'pointwise', 'pairwise']));
    for (const q of server.requests) expect(q.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('recorded the echoing server’s error with the key redacted', () => {
    const refused = readJsonl(join(ws.runDir('secret'), 'responses', 'plainbot.jsonl')).find((r) => r.sampleId === 's02');
    expect(refused?.error).toContain('Incorrect API key provided');
    expect(refused?.error).toContain('[REDACTED]');
  });

  it('no file under the run, the report or the caches holds the key, nor does the CLI output', () => {
    const files = [ws.runDir('secret'), ws.reports, ws.cache, ws.frames].flatMap(filesUnder);
    // Not vacuous: records, report files and cache segments were all written.
    for (const part of ['/responses/', '/judgments/', '/comparisons/', 'report.json', 'report.html', '/cache/cache-']) {
      expect(
        files.some((f) => f.includes(part)),
        `no file matching ${part}`,
      ).toBe(true);
    }
    for (const f of files) expect(readFileSync(f).includes(KEY), `${f} contains the key`).toBe(false);
    for (const r of outputs) expect(`${r.stdout}${r.stderr}`).not.toContain(KEY);
    // The config written into the run names the variable, never its value.
    expect(readFileSync(join(ws.runDir('secret'), 'config.json'), 'utf8')).toContain(KEY_ENV);
  });
});
