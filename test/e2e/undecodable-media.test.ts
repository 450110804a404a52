// Media that exist but cannot be decoded (an audio-only mp4, a directory where
// a clip should be), through the built CLI against a fake judge: found before
// anything is spent and dropped like missing media — no judge call for them,
// listed in drops.jsonl, counted in the report; above dataset.maxMissingMedia
// the command stops with exit 2 and no call at all. A dry run says the same.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, runCli } from '../helpers/cli.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { kindOf, roleplayHandler } from './fake-roleplay.js';
import { configFor, makeWorkspace, readJsonl, type Workspace } from './workspace.js';
import { hasFfmpeg, makeClip, warnIfNoFfmpeg } from '../video/helpers.js';

warnIfNoFfmpeg('undecodable media (CLI)');

let server: FakeServer;
let ws: Workspace;
let split: string;
let outputs: string;
const clip = (name: string) => join(ws.dir, 'data', 'clips', name);

beforeAll(async () => {
  if (!hasFfmpeg) return;
  server = await startFakeServer({ handler: roleplayHandler() });
  ws = makeWorkspace('undecodable');
  mkdirSync(clip('adir'), { recursive: true });
  makeClip(clip('good.mp4'), 2);
  const audio = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-y', '-f', 'lavfi', '-i', 'sine=d=1', clip('audio-only.mp4')]);
  if (audio.status !== 0) throw new Error(audio.stderr.toString());
  const clips = ['good.mp4', 'audio-only.mp4', 'good.mp4', 'adir'];
  const rec = (clipName: string, i: number) =>
    JSON.stringify({
      id: `s${i}`,
      video: `clips/${clipName}`,
      character: { name: 'Mira', description: 'a guide' },
      user: `Look, ${i}.`,
      history: [],
      reference: 'r',
    });
  split = join(ws.dir, 'data', 'split.jsonl');
  writeFileSync(split, `${clips.map(rec).join('\n')}\n`);
  outputs = join(ws.dir, 'data', 'rec.jsonl');
  writeFileSync(outputs, `${clips.map((_, i) => JSON.stringify({ id: `s${i}`, output: `answer ${i}` })).join('\n')}\n`);
});
afterAll(async () => {
  await server?.close();
  ws?.remove();
});

function config(runId: string, maxMissingMedia: number): string {
  const cfg = configFor(ws, { runId, models: [{ name: 'rec', kind: 'plain', outputs }], judgeUrl: server.url, judges: ['gpt-5-mini'], rubrics: ['veg'] });
  cfg.dataset = { path: split, format: 'rolejudge', maxMissingMedia };
  return ws.config(runId, cfg);
}

const judgeCalls = (since: number) => server.requests.slice(since).filter((r) => kindOf(r.body) === 'pointwise').length;

describe.skipIf(!hasFfmpeg)('undecodable media through the CLI', () => {
  it('dry run: says what would be dropped, exit 0, nothing sent', async () => {
    const before = server.requests.length;
    const r = await runCli(['run', '-c', config('u0', 0.5), '--dry-run']);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stderr).toMatch(/2 of 4 selected samples dropped for undecodable media/);
    expect(r.stderr).toContain('s1 (video.path');
    expect(r.stderr).toContain('has no video stream');
    expect(server.requests.length - before).toBe(0);
  });

  it('drops them from the run: no judge call for them, listed in drops.jsonl, counted in the report', async () => {
    const before = server.requests.length;
    const r = await runCli(['run', '-c', config('u1', 0.5), '--quiet']);
    expect(r.code, describeRun(r)).toBe(0);
    // Two samples left, one rubric, one judge, one model: two judge calls, none for s1 or s3.
    expect(judgeCalls(before)).toBe(2);
    expect(server.requests.length - before).toBe(2);
    const judged = readJsonl(join(ws.runDir('u1'), 'judgments', 'gpt-5-mini.jsonl')).map((j) => j.sampleId);
    expect(judged.sort()).toEqual(['s0', 's2']);
    const drops = readJsonl(join(ws.runDir('u1'), 'drops.jsonl'));
    expect(drops.map((d) => [d.sampleId, d.reason, d.field, d.file, d.line])).toEqual([
      ['s1', 'undecodable-media', 'video.path', clip('audio-only.mp4'), 2],
      ['s3', 'undecodable-media', 'video.path', clip('adir'), 4],
    ]);
    expect(drops[0].message).toMatch(/has no video stream/);
    expect(drops[1].message).toMatch(/directory/);
    const report = JSON.parse(readFileSync(join(ws.reports, 'u1', 'report.json'), 'utf8'));
    expect(report.counts.mediaDrops).toBe(2);
  });

  it('above dataset.maxMissingMedia: exit 2 before any call, each file named with sample, line, field and why', async () => {
    const before = server.requests.length;
    for (const args of [
      ['run', '-c', config('u2', 0.1)],
      ['run', '-c', config('u2', 0.1), '--dry-run'],
      ['score', '-c', config('u2', 0.1)],
    ]) {
      const r = await runCli(args);
      expect(r.code, describeRun(r)).toBe(2);
      expect(r.stderr).toContain('2 of 4 selected samples (50.0 %) have undecodable media, more than dataset.maxMissingMedia = 0.1 allows');
      expect(r.stderr).toMatch(
        new RegExp(`${split.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: field "video\\.path": .*audio-only\\.mp4.*\\(sample s1\\): .*has no video stream`),
      );
      expect(r.stderr).toMatch(/split\.jsonl:4: field "video\.path": .*adir.*\(sample s3\): is a directory/);
    }
    expect(server.requests.length - before).toBe(0);
    expect(existsSync(ws.runDir('u2'))).toBe(false);
  });
});
