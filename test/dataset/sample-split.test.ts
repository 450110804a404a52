// The bundled sample split is what `rolejudge demo` and the docs run on, so it
// must stay valid, small, and keep the output quirks the later stages test.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectSamples, validateSplit } from '../../src/dataset/load.js';
import { loadOutputs } from '../../src/dataset/outputs.js';

const SAMPLE = fileURLToPath(new URL('../../data/sample/', import.meta.url));
const split = path.join(SAMPLE, 'split.jsonl');
const ebmDir = path.join(SAMPLE, 'ebm-rl');

function has(tool: string): boolean {
  try {
    execFileSync(tool, ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const hasFfprobe = has('ffprobe');
if (!hasFfprobe) console.warn('skipping clip duration/size checks: ffprobe is not installed');

describe('data/sample native split', () => {
  it('validates, including that every frame file exists', async () => {
    const report = await validateSplit({ path: split, format: 'rolejudge' }, { checkFiles: true });
    expect(report.errors.map((e) => e.message)).toEqual([]);
    expect(report.records).toBe(12);
  });

  it('has 12 scenes of 2-4 tiny JPEG frames, a caption, 1-4 history turns and 1-2 references', async () => {
    const { samples } = await collectSamples({ path: split, format: 'rolejudge' });
    expect(samples).toHaveLength(12);
    for (const s of samples) {
      const frames = s.video?.frames ?? [];
      expect(frames.length).toBeGreaterThanOrEqual(2);
      expect(frames.length).toBeLessThanOrEqual(4);
      for (const f of frames) {
        expect(f.startsWith(path.join(SAMPLE, 'frames', s.id) + path.sep)).toBe(true);
        expect(statSync(f).size).toBeLessThan(3000);
        expect([...readFileSync(f).subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
      }
      expect(s.caption?.length).toBeGreaterThan(40);
      expect(s.character.description.length).toBeGreaterThan(20);
      expect(s.history.length).toBeGreaterThanOrEqual(1);
      expect(s.history.length).toBeLessThanOrEqual(4);
      expect(s.references.length).toBeGreaterThanOrEqual(1);
      expect(s.references.length).toBeLessThanOrEqual(2);
    }
  });

  it('has plain and ebm outputs for exactly the split ids, with the ebm format quirks present', async () => {
    const { samples } = await collectSamples({ path: split, format: 'rolejudge' });
    const ids = samples.map((s) => s.id);
    for (const name of ['plain', 'ebm']) {
      const report = await loadOutputs(path.join(SAMPLE, 'outputs', `${name}.jsonl`), ids);
      expect({ missing: report.missing, extra: report.extra, duplicates: report.duplicates }).toEqual({ missing: [], extra: [], duplicates: [] });
    }
    const ebm = [...(await loadOutputs(path.join(SAMPLE, 'outputs', 'ebm.jsonl'))).outputs.values()].map((o) => o.output);
    const count = (pred: (o: string) => boolean) => ebm.filter(pred).length;
    expect(count((o) => o.includes('<vision>') && !o.includes('<perception>'))).toBe(1);
    expect(count((o) => o.includes('<answer>') && !o.includes('</answer>'))).toBe(1);
    expect(count((o) => /<answer>\s*<\/answer>/.test(o))).toBe(1);
    expect(count((o) => !/<\/?(perception|vision|think|answer)>/.test(o))).toBe(1);
    expect(count((o) => /^<perception>[\s\S]+<\/perception>\s*<think>[\s\S]+<\/think>\s*<answer>[\s\S]*\S[\s\S]*<\/answer>$/.test(o))).toBe(8);
  });
});

describe('data/sample/ebm-rl', () => {
  it('loads all three records with joined profiles and no warnings, and the clips exist', async () => {
    const opts = { path: path.join(ebmDir, 'test.json'), format: 'ebm-rl' as const, profiles: path.join(ebmDir, 'profiles.json') };
    const { samples, warnings } = await collectSamples(opts);
    expect(warnings).toEqual([]);
    expect(samples.map((s) => [s.id, s.character.name, s.user.name])).toEqual([
      ['1', 'Old Barnaby', 'Wren'],
      ['2', 'Ysolde', 'Visitor'],
      ['3', 'Wren', 'Old Barnaby'],
    ]);
    // Ysolde is a minor character (4 fields); the visitor is not a character, so gets user_fan.
    expect(samples[1]?.character.description.split('\n')).toHaveLength(4);
    expect(samples[1]?.user.description).toContain('attentive visitor');
    expect(samples[1]?.references).toEqual(['Safe as a lullaby, if you listen to the water. Hold the rail and watch the lanterns on the far bank.']);
    expect(samples[2]?.references[0]?.startsWith('Not yet alone.')).toBe(true);
    const report = await validateSplit(opts, { checkFiles: true });
    expect(report.errors.map((e) => e.message)).toEqual([]);
    const total = samples.reduce((n, s) => n + statSync(s.video?.path ?? '').size, 0);
    expect(total).toBeLessThan(60_000);
  });

  it.skipIf(!hasFfprobe)('clips are 64x36 and 2-12 s long', async () => {
    const { samples } = await collectSamples({ path: path.join(ebmDir, 'test.json'), format: 'ebm-rl', profiles: path.join(ebmDir, 'profiles.json') });
    for (const s of samples) {
      const out = execFileSync(
        'ffprobe',
        ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height:format=duration', '-of', 'json', s.video?.path ?? ''],
        { encoding: 'utf8' },
      );
      const info = JSON.parse(out) as { streams: Array<{ width: number; height: number }>; format: { duration: string } };
      expect(info.streams[0]).toMatchObject({ width: 64, height: 36 });
      const seconds = Number(info.format.duration);
      expect(seconds).toBeGreaterThanOrEqual(2);
      expect(seconds).toBeLessThanOrEqual(12);
    }
  });
});
