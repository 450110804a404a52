// Defence in depth: a clip that passes the preflight probe but cannot be framed
// (its picture cut off after a header that still states the duration — or a
// file that changed after preflight) is one sample's recorded failure, naming
// the sample and the file: the judge is never asked about it, no score is made
// up, and the stage goes on with the other samples instead of stopping them all.
// A live model in frames mode records the same sample as a response error.
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runAll } from '../../src/run/run.js';
import { probe } from '../../src/video/ffmpeg.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { kindOf, roleplayReply } from '../e2e/fake-roleplay.js';
import { configFor, liveModel, makeWorkspace, readJsonl, type Workspace } from '../e2e/workspace.js';
import { hasFfmpeg, makeClip, warnIfNoFfmpeg } from '../video/helpers.js';
import { spawnSync } from 'node:child_process';

warnIfNoFfmpeg('media failing mid-stage');

let server: FakeServer;
let ws: Workspace;
let split: string;
let cut: string;

beforeAll(async () => {
  if (!hasFfmpeg) return;
  server = await startFakeServer({ handler: (body) => roleplayReply(body) });
  ws = makeWorkspace('media-mid-stage');
  const clips = join(ws.dir, 'data', 'clips');
  mkdirSync(clips, { recursive: true });
  makeClip(join(clips, 'good.mp4'), 2);
  // The index (moov) first, then the picture cut to a fifth: ffprobe reads the
  // index and the duration; extracting frames past the cut fails.
  const whole = join(clips, 'faststart.mp4');
  const r = spawnSync('ffmpeg', [
    '-v',
    'error',
    '-nostdin',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc=duration=4:size=64x48:rate=10',
    '-c:v',
    'mpeg4',
    '-movflags',
    '+faststart',
    whole,
  ]);
  if (r.status !== 0) throw new Error(r.stderr.toString());
  cut = join(clips, 'cut.mp4');
  const bytes = readFileSync(whole);
  writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 5)));
  const rec = (id: string, clip: string) =>
    JSON.stringify({
      id,
      video: `clips/${clip}`,
      character: { name: 'Mira', description: 'a guide' },
      user: `What do you see in ${id}?`,
      history: [],
      reference: 'r',
    });
  split = join(ws.dir, 'data', 'split.jsonl');
  writeFileSync(split, `${[rec('s0', 'good.mp4'), rec('s1', 'cut.mp4'), rec('s2', 'good.mp4')].join('\n')}\n`);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterAll(async () => {
  await server?.close();
  ws?.remove();
  vi.restoreAllMocks();
});

describe.skipIf(!hasFfmpeg)('a clip that cannot be framed mid-stage', () => {
  it('passes the probe (so preflight keeps it): the case the stage itself must handle', async () => {
    await expect(probe(cut)).resolves.toMatchObject({ duration: 4 });
  });

  it('is one recorded failure per judgment and per response; the other samples are judged', async () => {
    const cfg = configFor(ws, {
      runId: 'mid',
      models: [liveModel('live', 'plain', server.url, { video: 'frames', maxFrames: 4 })],
      judgeUrl: server.url,
      judges: ['gpt-5-mini'],
      rubrics: ['veg'],
    });
    cfg.dataset = { path: split, format: 'rolejudge' };
    const before = server.requests.length;
    await runAll({ config: ws.config('mid', cfg), quiet: true });
    const sent = server.requests.slice(before).map((r) => kindOf(r.body));
    // Two samples framed: two model calls and two judge calls; nothing sent for s1.
    expect(sent.filter((k) => k === 'generate-plain')).toHaveLength(2);
    expect(sent.filter((k) => k === 'pointwise')).toHaveLength(2);

    const responses = readJsonl(join(ws.runDir('mid'), 'responses', 'live.jsonl'));
    const bad = responses.find((r) => r.sampleId === 's1');
    expect(bad.error).toContain('sample s1');
    expect(bad.error).toContain(cut);
    expect(
      responses
        .filter((r) => !r.error)
        .map((r) => r.sampleId)
        .sort(),
    ).toEqual(['s0', 's2']);

    const judgments = readJsonl(join(ws.runDir('mid'), 'judgments', 'gpt-5-mini.jsonl'));
    expect(
      judgments
        .filter((j) => typeof j.score === 'number')
        .map((j) => j.sampleId)
        .sort(),
    ).toEqual(['s0', 's2']);
  });

  it("the judge's own frames failing is the judgment's failure (recorded model), never a score; the stage goes on", async () => {
    const outputs = join(ws.dir, 'data', 'rec.jsonl');
    writeFileSync(outputs, ['s0', 's1', 's2'].map((id) => JSON.stringify({ id, output: `answer of ${id}` })).join('\n') + '\n');
    const cfg = configFor(ws, {
      runId: 'mid-rec',
      models: [{ name: 'rec', kind: 'plain', outputs }],
      judgeUrl: server.url,
      judges: ['gpt-5-mini'],
      rubrics: ['veg'],
    });
    cfg.dataset = { path: split, format: 'rolejudge' };
    const before = server.requests.length;
    await runAll({ config: ws.config('mid-rec', cfg), quiet: true });
    expect(server.requests.slice(before).filter((r) => kindOf(r.body) === 'pointwise')).toHaveLength(2);
    const judgments = readJsonl(join(ws.runDir('mid-rec'), 'judgments', 'gpt-5-mini.jsonl'));
    expect(judgments).toHaveLength(3);
    const bad = judgments.find((j) => j.sampleId === 's1');
    expect(bad.score).toBeNull();
    expect(bad.failure.kind).toBe('error');
    expect(bad.failure.message).toContain('sample s1');
    expect(bad.failure.message).toContain(cut);
    expect(bad.attempts).toBe(0);
    expect(
      judgments
        .filter((j) => typeof j.score === 'number')
        .map((j) => j.sampleId)
        .sort(),
    ).toEqual(['s0', 's2']);
    // Counted as a failure in the report, beside the scores it did not make.
    const report = JSON.parse(readFileSync(join(ws.reports, 'mid-rec', 'report.json'), 'utf8'));
    expect(report.counts.judgeErrors).toBe(1);
  });

  it('listwise judging and pairwise comparing record the same failure for the sample and go on', async () => {
    const answers = (m: string) => {
      const file = join(ws.dir, 'data', `${m}.jsonl`);
      writeFileSync(file, ['s0', 's1', 's2'].map((id) => JSON.stringify({ id, output: `${m} answers ${id}` })).join('\n') + '\n');
      return { name: m, kind: 'plain', outputs: file };
    };
    const cfg = configFor(ws, {
      runId: 'mid-list',
      models: [answers('a'), answers('b')],
      judgeUrl: server.url,
      judges: ['gpt-5-mini'],
      rubrics: ['veg', 'spc', 'cn'],
      score: { mode: 'listwise' },
      compare: { candidates: ['a'], baselines: ['b'] },
    });
    cfg.dataset = { path: split, format: 'rolejudge' };
    const before = server.requests.length;
    await runAll({ config: ws.config('mid-list', cfg), quiet: true });
    const kinds = server.requests.slice(before).map((r) => kindOf(r.body));
    // One listwise call per framed sample; nothing asked about s1.
    expect(kinds.filter((k) => k === 'listwise')).toHaveLength(2);
    const judgments = readJsonl(join(ws.runDir('mid-list'), 'judgments', 'gpt-5-mini.jsonl'));
    const bad = judgments.filter((j) => j.sampleId === 's1');
    expect(bad.length).toBeGreaterThan(0);
    for (const j of bad) {
      expect(j.score).toBeNull();
      expect(j.failure.kind).toBe('error');
      expect(j.failure.message).toContain('sample s1');
    }
    expect(judgments.filter((j) => j.sampleId !== 's1').every((j) => typeof j.score === 'number')).toBe(true);
    // Compare: the metrics that need frames fail for s1 without a call; the text-only one (cn) is still compared.
    const comparisons = readJsonl(join(ws.runDir('mid-list'), 'comparisons', 'gpt-5-mini.jsonl'));
    const badCmp = comparisons.filter((c) => c.sampleId === 's1' && c.metric !== 'cn');
    expect(badCmp.length).toBeGreaterThan(0);
    for (const c of badCmp) {
      expect(c.failure.kind).toBe('error');
      expect(c.failure.message).toContain(cut);
      expect(c.orders).toEqual([]);
    }
    expect(comparisons.filter((c) => c.sampleId !== 's1').every((c) => !c.failure)).toBe(true);
  });
});
