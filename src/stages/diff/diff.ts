// The diff stage: two run directories of one split in, diff.md, diff.json and
// diff.html out. Both runs are read and checked before anything is written, so
// a refused diff (different splits, a missing run) leaves no files behind.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../core/errors.js';
import { diffRuns, type DiffOptions, type RunDiff } from './compute.js';
import { readRun, sameSplit } from './read.js';
import { renderDiffHtml, renderDiffJson, renderDiffMarkdown } from './render.js';

export interface DiffResult {
  diff: RunDiff;
  files: string[];
}

export async function diffStage(dirA: string, dirB: string, outDir: string, opts: DiffOptions = {}): Promise<DiffResult> {
  const [a, b] = await Promise.all([readRun(dirA), readRun(dirB)]);
  const problem = sameSplit(a.split, b.split);
  if (problem) throw new InputError(problem);
  const diff = diffRuns(a, b, opts);
  if (diff.sharedSamples === 0) throw new InputError(`the runs share no sample (run A: ${a.samples.size}, run B: ${b.samples.size}): nothing to compare`);
  const rendered: [string, string][] = [
    ['diff.md', renderDiffMarkdown(diff)],
    ['diff.json', renderDiffJson(diff)],
    ['diff.html', renderDiffHtml(diff)],
  ];
  await mkdir(outDir, { recursive: true });
  const files: string[] = [];
  for (const [name, text] of rendered) {
    const file = join(outDir, name);
    await writeFile(`${file}.tmp`, text, 'utf8');
    await rename(`${file}.tmp`, file);
    files.push(file);
  }
  return { diff, files };
}
