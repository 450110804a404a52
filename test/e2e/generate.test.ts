// `rolejudge generate` as a child process against the fake server over real HTTP:
// records, EBM parsing, frames on the wire, resume-by-skipping and the cache.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, runCli } from '../helpers/cli.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { imageParts, kindOf, PERCEPTION_MARK, promptParts, roleplayHandler, THINK_MARK } from './fake-roleplay.js';
import { configFor, liveModel, makeWorkspace, readJsonl, sampleFrames, sampleIds, snapshot, type Workspace } from './workspace.js';

const IDS = sampleIds().slice(0, 4);

describe('generate against an OpenAI-compatible server', () => {
  let server: FakeServer;
  let ws: Workspace;
  let cfg: string;

  beforeAll(async () => {
    server = await startFakeServer({ handler: roleplayHandler() });
    ws = makeWorkspace('generate');
    cfg = ws.config('gen', configFor(ws, { runId: 'gen', models: [liveModel('plainbot', 'plain', server.url), liveModel('ebmbot', 'ebm', server.url)] }));
  });
  afterAll(async () => {
    await server?.close();
    ws?.remove();
  });

  const responses = (run: string, model: string) => readJsonl(join(ws.runDir(run), 'responses', `${model}.jsonl`));

  it('writes one record per (sample, model), parses EBM sections and sends frames as image parts', async () => {
    const r = await runCli(['generate', '-c', cfg, '--limit', String(IDS.length)]);
    expect(r.code, describeRun(r)).toBe(0);

    const plain = responses('gen', 'plainbot');
    const ebm = responses('gen', 'ebmbot');
    for (const recs of [plain, ebm]) {
      expect(recs.map((x) => x.sampleId).sort()).toEqual(IDS);
      for (const rec of recs) {
        expect(rec.error).toBeUndefined();
        expect(rec.via).toBe('network');
        expect(rec.frames.frames).toHaveLength(sampleFrames(rec.sampleId).length);
      }
    }
    for (const rec of plain) {
      expect(rec.kind).toBe('plain');
      expect(rec.answer).toBe(rec.raw);
      expect(rec.sections).toBeUndefined();
    }
    for (const rec of ebm) {
      expect(rec.kind).toBe('ebm');
      expect(rec.format.valid).toBe(true);
      expect(rec.sections.perception).toContain(PERCEPTION_MARK);
      expect(rec.sections.think).toContain(THINK_MARK);
      // What later stages judge: the answer alone, no tags, no perception or reasoning.
      expect(rec.answer).toBe(rec.sections.answer);
      expect(rec.answer).toMatch(/^Listen well/);
      expect(rec.answer).not.toMatch(/<\/?\w+>|MARK/);
    }

    // On the wire: one request per record, the sample's frame files as image parts, byte for byte.
    const chats = server.requests.filter((q) => q.path === '/v1/chat/completions');
    expect(chats).toHaveLength(2 * IDS.length);
    expect(chats.filter((q) => q.body.model === 'ebmbot-v1').every((q) => kindOf(q.body) === 'generate-ebm')).toBe(true);
    expect(chats.filter((q) => q.body.model === 'plainbot-v1').every((q) => kindOf(q.body) === 'generate-plain')).toBe(true);
    for (const id of IDS) {
      const files = sampleFrames(id);
      const expected = files.map((f) => `data:image/jpeg;base64,${readFileSync(f).toString('base64')}`);
      // Frame files are unique per sample, so the first one identifies the sample's requests.
      const forSample = chats.filter((q) => imageParts(q.body).some((p) => p.url === expected[0]));
      expect(forSample).toHaveLength(2);
      for (const q of forSample) {
        expect(imageParts(q.body).map((p) => p.url)).toEqual(expected);
        expect(promptParts(q.body).system).toContain('Stay in character');
      }
    }
  });

  it('reruns without a single request and without writing anything', async () => {
    const before = server.requests.length;
    const files = snapshot(join(ws.runDir('gen'), 'responses'));
    const r = await runCli(['generate', '-c', cfg, '--limit', String(IDS.length)]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(server.requests.length).toBe(before);
    expect(snapshot(join(ws.runDir('gen'), 'responses'))).toEqual(files);
    expect(r.stderr).toMatch(new RegExp(`generate plainbot: 0 written, ${IDS.length} already done`));
  });

  it('answers a new run from the cache, and --no-cache asks the server again', async () => {
    const before = server.requests.length;
    const cached = await runCli(['generate', '-c', cfg, '--limit', String(IDS.length), '--run-id', 'gen-cached']);
    expect(cached.code, describeRun(cached)).toBe(0);
    expect(server.requests.length).toBe(before);
    const fromCache = responses('gen-cached', 'ebmbot');
    expect(fromCache.map((x) => x.via)).toEqual(IDS.map(() => 'cache'));
    // Same request, same reply: the cache replays exactly what the server said.
    const byId = new Map(responses('gen', 'ebmbot').map((x) => [x.sampleId, x.raw]));
    for (const rec of fromCache) expect(rec.raw).toBe(byId.get(rec.sampleId));

    const fresh = await runCli(['generate', '-c', cfg, '--limit', String(IDS.length), '--run-id', 'gen-fresh', '--no-cache']);
    expect(fresh.code, describeRun(fresh)).toBe(0);
    expect(server.requests.length).toBe(before + 2 * IDS.length);
    expect(responses('gen-fresh', 'plainbot').map((x) => x.via)).toEqual(IDS.map(() => 'network'));
  });
});
