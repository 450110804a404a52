// A per-response judgment keeps the manifest of the frames its judge saw
// (timestamps and hashes), as listwise judgments do — not only their hash.
// In-process run against the fake server, frames decoded by the real ffmpeg.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runAll } from '../../src/run/run.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { roleplayReply } from '../e2e/fake-roleplay.js';
import { configFor, makeWorkspace, readJsonl, recordedModel, type Workspace } from '../e2e/workspace.js';
import { hasFfmpeg, warnIfNoFfmpeg } from '../video/helpers.js';

warnIfNoFfmpeg('pointwise-frames');

let server: FakeServer;
let ws: Workspace;

beforeAll(async () => {
  server = await startFakeServer({ handler: (body) => roleplayReply(body) });
  ws = makeWorkspace('pointwise-frames');
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterAll(async () => {
  await server.close();
  ws.remove();
  vi.restoreAllMocks();
});

describe.skipIf(!hasFfmpeg)('per-response judging with frames', () => {
  it("records the judge's frames in the judgment: the images sent, in order", async () => {
    const cfg = ws.config(
      'frames',
      configFor(ws, { runId: 'frames', models: [recordedModel('plain-vlm', 'plain')], judgeUrl: server.url, judges: ['gpt-5-mini'], rubrics: ['veg'] }),
    );
    expect(await runAll({ config: cfg, quiet: true, ids: 's01' })).toBe(0);
    const [j] = readJsonl(join(ws.runDir('frames'), 'judgments', 'gpt-5-mini.jsonl'));
    // The bundled sample's scene is a few stills: every one of them, each with its hash.
    expect(j.frames.frames.length).toBeGreaterThan(0);
    expect(j.frames.frames.every((f: any) => /^[0-9a-f]{16}$/.test(f.sha))).toBe(true);
    const sent = server.requests.find((r) => JSON.stringify(r.body).includes('image_url'))!;
    const images = sent.body.messages.flatMap((m: any) => (Array.isArray(m.content) ? m.content.filter((p: any) => p.type === 'image_url') : []));
    expect(images).toHaveLength(j.frames.frames.length);
  });
});
