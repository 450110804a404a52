// examples/ebm-rl.yaml, the EBM-RL judges as released, end to end in-process
// against a fake judge speaking the released grammars: [[Model X]] blocks for
// the one-metric-per-call listwise judge, Winner/Reason/Confidence for the
// pairwise one. Scores are scripted, so the means the report prints are known.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exitCodeFor } from '../../src/core/errors.js';
import { runAll } from '../../src/run/run.js';
import { withSession } from '../../src/run/session.js';
import { compareStep, generateStep } from '../../src/run/steps.js';
import { reportStep } from '../../src/run/finish.js';
import { loadFromArgv } from '../../src/run/argv.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { imageParts, promptParts } from '../e2e/fake-roleplay.js';
import { filesUnder, makeWorkspace, readJsonl, type Workspace } from '../e2e/workspace.js';
import { bytesOfDataUrl, imageSize, isJpeg, makeClip } from '../video/helpers.js';
import { preparePreset } from './preset.js';

const FIX = new URL('../fixtures/ebm-rl/', import.meta.url).pathname;
const testRecords = (): any[] => JSON.parse(readFileSync(join(FIX, 'ebm-rl-test.sample.json'), 'utf8'));
const outputRecords = (): any[] =>
  readFileSync(join(FIX, 'ebm-rl-outputs.sample.jsonl'), 'utf8')
    .split(/\n(?=\{)/)
    .map((t) => JSON.parse(t));

/** Scripted scores: metric → sample position → [candidate, baseline]. */
const SCORES: Record<string, Array<[number, number]>> = {
  VEG: [
    [81, 40],
    [70, 45],
    [74, 50],
    [72, 41],
  ], // means 74.25, 44.00
  SPC: [
    [70, 60],
    [71, 61],
    [70, 62],
    [70, 64],
  ], // 70.25, 61.75
  CN: [
    [75, 30],
    [75, 31],
    [74, 30],
    [75, 30],
  ], // 74.75, 30.25
};

const textOf = (c: any): string =>
  typeof c === 'string'
    ? c
    : c
        .filter((p: any) => p.type === 'text')
        .map((p: any) => p.text)
        .join('\n');

/** The candidates shown in a listwise prompt: label → the answer text. */
function shown(prompt: string): Array<{ label: string; answer: string }> {
  return [...prompt.matchAll(/^\[\[Model ([A-Z])\]\]\nResponse: (.*)$/gm)].map((m) => ({ label: m[1]!, answer: m[2]! }));
}

interface Script {
  /** Sample position (0-based) of an answer text like "CAND-2 …". */
  position: Map<string, number>;
  /** Listwise prompts whose first reply leaves out the first block's Score line. */
  dropFirstScore: (metric: string, pos: number) => boolean;
  pairwise: (pos: number) => 'cand' | 'base' | 'tie';
}

function handler(script: Script) {
  return (body: any) => {
    const msgs = body.messages;
    const prompt = promptParts(body).prompt;
    const metric = /Criterion: .*\((VEG|SPC|CN)\)|under one metric, .*\((VEG|SPC|CN)\)/.exec(prompt);
    const key = metric?.[1] ?? metric?.[2];
    if (!key) return 'unrecognised request';
    if (prompt.includes('Winner: A | B | Tie')) {
      const a = /## Candidate A\n(.*)/.exec(prompt)![1]!;
      const tag = /^(CAND|BASE)-(\S+)/.exec(a)!;
      const pos = script.position.get(tag[2]!)!;
      const who = script.pairwise(pos);
      const winner = who === 'tie' ? 'Tie' : (who === 'cand') === (tag[1] === 'CAND') ? 'A' : 'B';
      return `Winner: ${winner}\nReason: scripted.\nConfidence: medium`;
    }
    const blocks = shown(prompt);
    const pos = script.position.get(/^(?:CAND|BASE)-(\S+)/.exec(blocks[0]!.answer)![1]!)!;
    const scoreOf = (answer: string) => SCORES[key]![pos]![answer.startsWith('CAND') ? 0 : 1];
    const reask = msgs.length > 1 ? textOf(msgs[msgs.length - 1].content) : null;
    const wanted = reask ? blocks.filter((b) => reask.includes(`[[Model ${b.label}]]`)) : blocks;
    return wanted
      .map((b, i) => {
        const s = scoreOf(b.answer);
        const omit = !reask && i === 0 && script.dropFirstScore(key, pos);
        return `[[Model ${b.label}]]\nSubscores: first: ${Math.round(s / 2)}, second: ${s - Math.round(s / 2)}\n${omit ? '' : `Score: ${s}\n`}Reason: scripted.`;
      })
      .join('\n\n');
  };
}

function writeOutputs(ws: Workspace, samples: any[]): { cand: string; base: string } {
  const cand = join(ws.dir, 'cand.jsonl');
  const base = join(ws.dir, 'base.jsonl');
  writeFileSync(
    cand,
    samples
      .map((s) =>
        JSON.stringify({
          id: String(s.problem_id),
          output: `<vision>seen</vision><think>plan</think><answer>CAND-${s.problem_id} stay close to the torch.</answer>`,
        }),
      )
      .join('\n') + '\n',
  );
  writeFileSync(base, samples.map((s) => JSON.stringify({ id: String(s.problem_id), output: `BASE-${s.problem_id} hello there.` })).join('\n') + '\n');
  return { cand, base };
}

/** The shipped preset with this workspace's split, media and recorded outputs. */
function presetConfig(ws: Workspace, url: string, samples: any[], extra: (c: any) => void = () => {}): string {
  const media = join(ws.dir, 'media');
  for (const p of new Set(samples.map((s) => s.video_path))) {
    const file = join(media, p);
    mkdirSync(dirname(file), { recursive: true });
    makeClip(file, 3, '640x360', 10);
  }
  const split = join(ws.dir, 'test.json');
  writeFileSync(split, JSON.stringify(samples));
  const outs = writeOutputs(ws, samples);
  const { config } = preparePreset('ebm-rl', ws, url);
  config.dataset = { ...config.dataset, path: split, profiles: join(FIX, 'ebm-rl-profiles.sample.json'), root: media };
  config.models = [
    { name: 'qwen2.5-vl-7b', kind: 'plain', outputs: outs.base },
    { name: 'ebm-rl-7b', kind: 'ebm', outputs: outs.cand },
  ];
  config.provider = { ...config.provider, timeoutMs: 15_000, maxRetries: 1 };
  extra(config);
  return ws.config('ebm-rl', config);
}

/** Four samples: the two released test records and the two output records' own samples. */
function fourSamples(): any[] {
  const outs = outputRecords().map(({ raw_output: _r, model_prediction: _p, ...s }) => s);
  return [...testRecords(), ...outs];
}

describe('examples/ebm-rl.yaml: the released EBM-RL judges', () => {
  let server: FakeServer;
  const spaces: Workspace[] = [];
  const workspace = (tag: string) => {
    const ws = makeWorkspace(tag);
    spaces.push(ws);
    return ws;
  };
  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(async () => {
    await server.close();
    for (const ws of spaces) ws.remove();
  });

  it('pointwise listwise per metric and pairwise: grammar, frames, budgets, re-asks and the printed means', async () => {
    const ws = workspace('ebm-released');
    const samples = fourSamples();
    const position = new Map(samples.map((s, i) => [String(s.problem_id), i]));
    server.setHandler(handler({ position, dropFirstScore: (m, pos) => m === 'VEG' && pos === 0, pairwise: () => 'cand' }));
    const before = server.requests.length;
    const file = presetConfig(ws, server.url, samples);
    const code = await runAll({ config: file, quiet: true });
    expect([0, 1]).toContain(code);
    const requests = server.requests.slice(before);
    const listwise = requests.filter((r) => !promptParts(r.body).prompt.includes('Winner: A | B | Tie'));
    const pairwise = requests.filter((r) => promptParts(r.body).prompt.includes('Winner: A | B | Tie'));
    // One call per (sample, metric), plus the one re-ask; 2 orders × 3 metrics × 4 samples pairwise.
    expect(listwise).toHaveLength(4 * 3 + 1);
    expect(pairwise).toHaveLength(4 * 3 * 2);
    for (const r of listwise) expect(r.body.max_completion_tokens).toBe(4096);
    for (const r of pairwise) expect(r.body.max_completion_tokens).toBe(1024);

    // Frames: VEG and SPC get 8 JPEG frames, long side 512, low detail; CN none. They sit between the
    // rubric's shared text (first, for providers' prefix caches) and the sample's text.
    for (const r of [...listwise, ...pairwise]) {
      const prompt = promptParts(r.body).prompt;
      const parts = imageParts(r.body);
      if (/\(CN\)/.test(prompt)) {
        expect(parts).toHaveLength(0);
        continue;
      }
      expect(parts).toHaveLength(8);
      const content = r.body.messages[r.body.messages.length === 1 ? 0 : 0].content;
      expect(content[0].type).toBe('text');
      expect(content[0].text).toMatch(/^You (rate|compare) /);
      expect(content.slice(1, 9).every((p: any) => p.type === 'image_url')).toBe(true);
      expect(content[9].type).toBe('text');
      expect(content[9].text).toMatch(/^The 8 images above are frames of the scene in time order\./);
      expect(content).toHaveLength(10);
      for (const p of parts) {
        const bytes = bytesOfDataUrl(p.url);
        expect(p.url.startsWith('data:image/jpeg;base64,')).toBe(true);
        expect(isJpeg(bytes)).toBe(true);
        expect(Math.max(imageSize(bytes).width, imageSize(bytes).height)).toBe(512);
        expect(p.detail).toBe('low');
      }
    }
    // The prompt shows film, profiles as "- key: value", the reference marked reference only.
    const veg0 = promptParts(listwise[0]!.body).prompt;
    expect(veg0).toMatch(/Film: \S/);
    expect(veg0).toMatch(/^- [a-z_]+: \S/m);
    expect(veg0).toMatch(/reference only/);

    const runDir = ws.runDir('ebm-rl');
    const judgments = readJsonl(join(runDir, 'judgments', 'gpt-5-mini.jsonl'));
    expect(judgments).toHaveLength(4 * 2 * 3);
    for (const j of judgments) {
      expect(j.failure, JSON.stringify(j.failure)).toBeUndefined();
      expect(j.subscores).toEqual({ first: Math.round(j.score / 2), second: j.score - Math.round(j.score / 2) });
    }
    // The block without its own Score was re-asked, never given the next block's score.
    const reasked = judgments.filter((j) => j.attempts === 2);
    expect(reasked).toHaveLength(2);
    const s0 = String(samples[0].problem_id);
    for (const j of reasked) {
      expect(j.sampleId).toBe(s0);
      expect(j.metric).toBe('ebm-rl-veg');
      expect(j.score).toBe(SCORES.VEG![0]![j.model === 'ebm-rl-7b' ? 0 : 1]);
    }
    const reask = listwise.find((r) => r.body.messages.length > 1)!;
    const reaskText = textOf(reask.body.messages[2].content);
    expect(reaskText.match(/\[\[Model [A-Z]\]\]/g)).toHaveLength(1);
    // The judge-side frame manifest is in the record: 8 timestamps and hashes.
    const veg = judgments.find((j) => j.metric === 'ebm-rl-veg')!;
    expect(veg.frames.frames).toHaveLength(8);
    expect(veg.frames.frames.every((f: any) => typeof f.t === 'number' && /^[0-9a-f]{16}$/.test(f.sha))).toBe(true);
    expect(judgments.find((j) => j.metric === 'ebm-rl-cn')!.frames).toBeUndefined();

    const comparisons = readJsonl(join(runDir, 'comparisons', 'gpt-5-mini.jsonl'));
    expect(comparisons).toHaveLength(4 * 3);
    for (const c of comparisons) {
      expect(c.outcome).toBe('win');
      expect(c.orders.map((o: any) => o.confidence)).toEqual(['medium', 'medium']);
    }

    const reportJson = filesUnder(ws.reports).find((f) => f.endsWith('report.json'))!;
    const report = JSON.parse(readFileSync(reportJson, 'utf8'));
    const row = (m: string) => report.leaderboard.find((r: any) => r.model === m).scores;
    expect(row('ebm-rl-7b')['ebm-rl-veg'].mean).toBeCloseTo(74.25, 10);
    expect(row('qwen2.5-vl-7b')['ebm-rl-spc'].mean).toBeCloseTo(61.75, 10);
    // format_pass per model in the report: every EBM output closes its <answer>, no plain one has one.
    expect(report.formats.map((f: any) => [f.model, f.responses, f.formatPass])).toEqual([
      ['ebm-rl-7b', 4, 4],
      ['qwen2.5-vl-7b', 4, 0],
    ]);
    const md = readFileSync(reportJson.replace(/report\.json$/, 'report.md'), 'utf8');
    for (const printed of ['74.25', '44.00', '70.25', '61.75', '74.75', '30.25']) expect(md).toContain(printed);
  }, 120_000);

  it('the published VEG pairwise row: 257/134/109 → 51.4/26.8/21.8, net +24.6, decisive 65.7 %, p 4.96e-10', async () => {
    const ws = workspace('ebm-veg-row');
    const base = testRecords()[0];
    const samples = Array.from({ length: 500 }, (_, i) => ({ ...base, problem_id: i + 1, session_id: `s${i + 1}` }));
    const position = new Map(samples.map((s, i) => [String(s.problem_id), i]));
    server.setHandler(handler({ position, dropFirstScore: () => false, pairwise: (pos) => (pos < 257 ? 'cand' : pos < 391 ? 'base' : 'tie') }));
    const file = presetConfig(ws, server.url, samples, (c) => {
      c.compare = { ...c.compare, metrics: ['ebm-rl-veg'] };
    });
    const argv = { config: file, quiet: true };
    expect(await withSession(argv, ['generate'], generateStep)).toBe(0);
    expect(await withSession(argv, ['compare'], compareStep)).toBe(0);
    const { report } = await reportStep(loadFromArgv(argv), argv);
    const row = report.pairwise.find((r) => r.metric === 'ebm-rl-veg')!;
    expect([row.n, row.win, row.loss, row.tie]).toEqual([500, 257, 134, 109]);
    expect(row.winPct).toBeCloseTo(51.4, 10);
    expect(row.lossPct).toBeCloseTo(26.8, 10);
    expect(row.tiePct).toBeCloseTo(21.8, 10);
    expect(row.net).toBeCloseTo(24.6, 10);
    expect(Math.round(row.decisive! * 1000) / 10).toBe(65.7);
    expect(Number(row.p.toPrecision(3))).toBe(4.96e-10);
  }, 300_000);

  it('outputs joined to the wrong dialogue are refused before anything is spent', async () => {
    const ws = workspace('ebm-misjoin');
    const samples = testRecords();
    server.setHandler(() => 'should not be called');
    const file = presetConfig(ws, server.url, samples, (c) => {
      // A released output record (Snape answering Voldemort) carrying the split's first id.
      const wrong = join(ws.dir, 'wrong.jsonl');
      writeFileSync(wrong, `${JSON.stringify({ ...outputRecords()[0], problem_id: samples[0].problem_id })}\n`);
      c.models[1].outputs = wrong;
    });
    const before = server.requests.length;
    let error: unknown = null;
    try {
      await runAll({ config: file, quiet: true });
    } catch (err) {
      error = err;
    }
    expect(exitCodeFor(error)).toBe(2);
    expect((error as Error).message).toMatch(/1 of 1 outputs of model "ebm-rl-7b" answer a different sample/);
    expect((error as Error).message).toMatch(/field "session_id"/);
    expect((error as Error).message).toMatch(/models\.join to "content"/);
    expect(server.requests.length - before).toBe(0);
    expect(filesUnder(ws.runs)).toEqual([]);
  }, 60_000);

  it('examples/ebm-rl-six-metric.yaml: one metric per call, frames only for VTR, a still-missing model drops the sample into drops.jsonl', async () => {
    const ws = workspace('ebm-six');
    const samples = testRecords();
    const first = String(samples[0].problem_id);
    server.setHandler((body: any) => {
      const prompt = promptParts(body).prompt;
      const key = /on one metric, .* \(([A-Z]+)\)/.exec(prompt)![1]!;
      const blocks = shown(prompt);
      const isFirst = blocks[0]!.answer.includes(`-${first} `);
      // Utterance fluency on the first sample: the baseline's block never comes.
      const skip = (b: { answer: string }) => key === 'UF' && isFirst && b.answer.startsWith('BASE');
      const score = (b: { answer: string }) => (b.answer.startsWith('CAND') ? 80 : 60) + (isFirst ? 1 : 0);
      return blocks
        .filter((b) => !skip(b))
        .map((b) => `[[Model ${b.label}]]\nScore: ${score(b)}\nReason: scripted.`)
        .join('\n\n');
    });
    const before = server.requests.length;
    const media = join(ws.dir, 'media');
    for (const p of new Set(samples.map((s) => s.video_path))) {
      mkdirSync(dirname(join(media, p)), { recursive: true });
      makeClip(join(media, p), 3, '640x360', 10);
    }
    const split = join(ws.dir, 'test.json');
    writeFileSync(split, JSON.stringify(samples));
    const outs = writeOutputs(ws, samples);
    const { config } = preparePreset('ebm-rl-six-metric', ws, server.url);
    config.dataset = { ...config.dataset, path: split, profiles: join(FIX, 'ebm-rl-profiles.sample.json'), root: media };
    config.models = [
      { name: 'qwen2.5-vl-7b', kind: 'plain', outputs: outs.base },
      { name: 'ebm-rl-7b', kind: 'ebm', outputs: outs.cand },
    ];
    const code = await runAll({ config: ws.config('six', config), quiet: true });
    expect(code).toBe(0);
    const requests = server.requests.slice(before);
    // 2 samples × 6 metrics, plus 3 re-asks for the dropped one.
    expect(requests).toHaveLength(2 * 6 + 3);
    for (const r of requests) {
      expect(r.body.temperature).toBe(0);
      expect(r.body.max_tokens ?? r.body.max_completion_tokens).toBe(4096);
      const vtr = /\(VTR\)/.test(promptParts(r.body).prompt);
      expect(imageParts(r.body)).toHaveLength(vtr ? 8 : 0);
    }
    const runDir = ws.runDir('ebm-rl-six-metric');
    const drops = readJsonl(join(runDir, 'drops.jsonl'));
    expect(drops).toEqual([expect.objectContaining({ type: 'drop', sampleId: first, metric: 'six-utterance-fluency', rubric: 'six-utterance-fluency-list' })]);
    const judgments = readJsonl(join(runDir, 'judgments', 'gpt-4o-six-metric.jsonl'));
    expect(judgments).toHaveLength(2 * 2 * 6);
    const dropped = judgments.filter((j) => j.failure);
    // The whole sample leaves that metric: both models, not only the missing one.
    expect(dropped.map((j) => [j.sampleId, j.metric, j.model, j.score, j.failure.kind]).sort()).toEqual([
      [first, 'six-utterance-fluency', 'ebm-rl-7b', null, 'dropped'],
      [first, 'six-utterance-fluency', 'qwen2.5-vl-7b', null, 'dropped'],
    ]);
    const report = JSON.parse(readFileSync(filesUnder(ws.reports).find((f) => f.endsWith('report.json'))!, 'utf8'));
    const cand = report.leaderboard.find((r: any) => r.model === 'ebm-rl-7b').scores;
    expect(cand['six-utterance-fluency'].mean).toBe(80);
    expect(cand['six-human-likeness'].mean).toBe(80.5);
  }, 120_000);

  it('the two released files share no problem id: refused, with the ids and counts of both sides', async () => {
    const ws = workspace('ebm-noshare');
    server.setHandler(() => 'should not be called');
    const released = join(FIX, 'ebm-rl-outputs.sample.jsonl');
    const file = presetConfig(ws, server.url, testRecords(), (c) => {
      c.models[1].outputs = released;
    });
    const before = server.requests.length;
    const error = await runAll({ config: file, quiet: true }).then(
      () => null,
      (err: unknown) => err as Error,
    );
    expect(exitCodeFor(error)).toBe(2);
    const outIds = outputRecords().map((r) => JSON.stringify(String(r.problem_id)));
    const splitIds = testRecords().map((r) => JSON.stringify(String(r.problem_id)));
    expect(error!.message).toContain(`none of its 2 output ids is a sample of the split`);
    expect(error!.message).toContain(`(e.g. ${outIds.join(', ')})`);
    expect(error!.message).toContain(`none of the 2 selected samples has an output (e.g. ${splitIds.join(', ')})`);
    expect(server.requests.length - before).toBe(0);
  }, 60_000);

  it('models.join: content pairs each released output with the sample it answered, whatever its id', async () => {
    const ws = workspace('ebm-content');
    server.setHandler(() => 'should not be called');
    const outs = outputRecords();
    // The split holds the outputs' own samples under other ids (another ordering), plus one they do not answer.
    const samples = [...outs.map(({ raw_output: _r, model_prediction: _p, ...s }, i) => ({ ...s, problem_id: 100 + i })), testRecords()[0]];
    const released = join(FIX, 'ebm-rl-outputs.sample.jsonl');
    const file = presetConfig(ws, server.url, samples, (c) => {
      c.models[1] = { name: 'ebm-rl-7b', kind: 'ebm', outputs: released, join: 'content' };
    });
    expect(await withSession({ config: file, quiet: true }, ['generate'], generateStep)).toBe(0);
    const responses = readJsonl(join(ws.runDir('ebm-rl'), 'responses', 'ebm-rl-7b.jsonl'));
    const byId = new Map(responses.map((r) => [r.sampleId, r]));
    expect(byId.get('100')!.raw).toBe(outs[0].raw_output);
    expect(byId.get('101')!.raw).toBe(outs[1].raw_output);
    expect(byId.get(String(testRecords()[0].problem_id))!.error).toMatch(/missing from outputs file/);
  }, 60_000);

  it('--dry-run counts the judge calls of a models.join: content run as the real run makes them', async () => {
    const ws = workspace('ebm-content-dry');
    const outs = outputRecords();
    // The released outputs' samples under other ids, plus one they do not answer: joined by id, none would match.
    const samples = [...outs.map(({ raw_output: _r, model_prediction: _p, ...s }, i) => ({ ...s, problem_id: 200 + i })), testRecords()[0]];
    const file = presetConfig(ws, server.url, samples, (c) => {
      c.models[1] = { name: 'ebm-rl-7b', kind: 'ebm', outputs: join(FIX, 'ebm-rl-outputs.sample.jsonl'), join: 'content' };
    });
    // Every prompt answered at once (no re-asks): each listwise block scored, each pairwise call a tie.
    server.setHandler((body: any) => {
      const prompt = promptParts(body).prompt;
      if (prompt.includes('Winner: A | B | Tie')) return 'Winner: Tie\nReason: scripted.\nConfidence: medium';
      return shown(prompt)
        .map((b) => `[[Model ${b.label}]]\nSubscores: first: 25, second: 25\nScore: 50\nReason: scripted.`)
        .join('\n\n');
    });
    const printed: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => (printed.push(String(chunk)), true));
    let code: number;
    try {
      code = await runAll({ config: file, quiet: true, 'dry-run': true });
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(0);
    const planned = /dry run \(run\): (\d+) calls in all \((\d+) model, (\d+) judge\)/.exec(printed.join(''));
    expect(planned, printed.join('')).not.toBeNull();
    const before = server.requests.length;
    expect([0, 1]).toContain(await runAll({ config: file, quiet: true }));
    const sent = server.requests.length - before;
    // Two samples answered by both models, one by the baseline alone: the dry run saw the same.
    expect(sent).toBeGreaterThan(0);
    expect(Number(planned![3])).toBe(sent);
    expect(Number(planned![1])).toBe(sent);
  }, 60_000);
});
