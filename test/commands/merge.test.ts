// End to end: the sample split run in one piece and as three shards; the
// merged shards must report what the one-piece run reports.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparisonKey, judgmentKey, responseKey } from '../../src/store/run.js';
import { ensureBuilt, runCli, runOk, runStages, writeSampleConfig } from '../stages/gate/offline-run.js';

/** Paths where two JSON values differ; numbers may differ by float rounding only. */
function differences(a: unknown, b: unknown, path = '$'): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    return Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b)) ? [] : [`${path}: ${a} vs ${b}`];
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${path}: length ${a.length} vs ${b.length}`];
    return a.flatMap((x, i) => differences(x, b[i], `${path}[${i}]`));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`));
  }
  return a === b ? [] : [`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
}

const keysOf = (file: string, key: (r: never) => string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => key(JSON.parse(l) as never));

const LOGS = [
  ['responses/plain-vlm.jsonl', responseKey],
  ['responses/ebm-rl.jsonl', responseKey],
  ['judgments/offline.jsonl', judgmentKey],
  ['comparisons/offline.jsonl', comparisonKey],
] as const;

describe('rolejudge merge (CLI)', () => {
  let dir: string;
  let config: string;
  const runs = () => join(dir, 'runs');
  const read = (runId: string, file: string) => readFileSync(join(dir, 'reports', runId, file), 'utf8');

  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'rolejudge-merge-cli-'));
    config = writeSampleConfig(dir);
    runStages(config);
    for (const k of [1, 2, 3]) runStages(config, ['--shard', `${k}/3`, '--run-id', `part${k}`]);
    runOk(['report', '-c', config, '-q']);
    runOk(['merge', join(runs(), 'part1'), join(runs(), 'part2'), join(runs(), 'part3'), '--out', join(runs(), 'merged'), '-q']);
    runOk(['report', '-c', config, '-q', '--run-dir', join(runs(), 'merged')]);
    // Fifteen CLI runs: minutes on a busy 2-core machine.
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the shards really split the work', () => {
    const sizes = [1, 2, 3].map((k) => keysOf(join(runs(), `part${k}`, 'judgments/offline.jsonl'), judgmentKey).length);
    expect(sizes.every((n) => n > 0)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(keysOf(join(runs(), 'sample', 'judgments/offline.jsonl'), judgmentKey).length);
  });

  it('holds every record of the one-piece run once, and nothing else', () => {
    for (const [file, key] of LOGS) {
      const merged = keysOf(join(runs(), 'merged', file), key);
      const whole = keysOf(join(runs(), 'sample', file), key);
      expect(new Set(merged).size, `${file}: duplicate keys`).toBe(merged.length);
      expect([...merged].sort(), file).toEqual([...whole].sort());
    }
    const manifest = JSON.parse(readFileSync(join(runs(), 'merged', 'run.json'), 'utf8'));
    expect(manifest.shard).toBeUndefined();
    expect(manifest.runId).toBe('merged');
  });

  it('reports the same figures as the run made in one piece', () => {
    expect(read('merged', 'leaderboard.csv')).toBe(read('sample', 'leaderboard.csv'));
    expect(read('merged', 'pairwise.csv')).toBe(read('sample', 'pairwise.csv'));
    const merged = JSON.parse(read('merged', 'report.json'));
    const whole = JSON.parse(read('sample', 'report.json'));
    // Names differ by construction; the hash too, because --run-id is part of
    // the config hash today (the shards were named with --run-id).
    for (const r of [merged, whole]) {
      delete r.runId;
      delete r.generatedFrom;
      delete r.configHash;
    }
    expect(differences(merged, whole)).toEqual([]);
    expect(whole.pairwise.length).toBeGreaterThan(0);
  });

  it('exits 2 on overlapping inputs and on a non-empty --out', () => {
    const overlap = runCli(['merge', join(runs(), 'part1'), join(runs(), 'sample'), '--out', join(dir, 'x')]);
    expect(overlap.status).toBe(2);
    expect(overlap.stderr).toMatch(/shards overlap/);
    const busy = runCli(['merge', join(runs(), 'part1'), '--out', join(runs(), 'part2')]);
    expect(busy.status).toBe(2);
    expect(busy.stderr).toMatch(/not empty/);
  });
});
