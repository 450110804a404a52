// A killed merge leaves <out>.merge-tmp-<pid>; the next merge removes it (its
// process is gone) and leaves none of its own behind.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mergeRuns } from '../../../src/stages/merge/merge.js';
import { sweepStaleTemps, tempFor } from '../../../src/stages/merge/temp.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function shard(name: string, k: number, sampleId: string): string {
  const d = join(dir, name);
  mkdirSync(join(d, 'responses'), { recursive: true });
  writeFileSync(join(d, 'run.json'), JSON.stringify({ runId: 'r', configHash: 'h', rolejudgeVersion: 'x', createdAt: 'now', seed: 1, shard: `${k}/2` }));
  writeFileSync(join(d, 'responses', 'm.jsonl'), JSON.stringify({ sampleId, model: 'm', text: 'hi' }) + '\n');
  return d;
}

const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('merge temporary folder', () => {
  it('a folder left by a killed merge is removed by the next merge, which leaves none', async () => {
    dir = mkdtempSync(join(tmpdir(), 'rolejudge-merge-tmp-'));
    const out = join(dir, 'merged');
    // What a SIGKILLed merge leaves: a half-filled temp folder named by its pid.
    const left = tempFor(out, deadPid());
    mkdirSync(join(left, 'responses'), { recursive: true });
    writeFileSync(join(left, 'responses', 'm.jsonl'), '{"half":');
    const res = await mergeRuns({ inputs: [shard('a', 1, 's1'), shard('b', 2, 's2')], out });
    expect(res.records.responses).toBe(2);
    expect(res.warnings.some((w) => w.includes(left))).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['a', 'b', 'merged']);
  });

  it('keeps the folder of a merge still running', () => {
    dir = mkdtempSync(join(tmpdir(), 'rolejudge-merge-tmp-'));
    const out = join(dir, 'merged');
    const live = tempFor(out, process.ppid);
    mkdirSync(live);
    expect(sweepStaleTemps(out)).toEqual([]);
    expect(existsSync(live)).toBe(true);
  });
});
