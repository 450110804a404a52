// Every report file from one Report object. Files are written to a temporary
// name and renamed, so a crash or a concurrent reader never sees half a
// report.html; rendering is pure and timestamp-free, so rerunning the report
// on the same Report rewrites byte-identical files.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Report } from '../../../core/report.js';
import type { ExplorerData } from '../explorer/data.js';
import { renderLeaderboardCsv, renderPairwiseCsv } from './csv.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderLatex } from './latex.js';
import { renderMarkdown } from './markdown.js';

export { renderLeaderboardCsv, renderPairwiseCsv, renderHtml, renderJson, renderLatex, renderMarkdown };

/** File name → renderer, in the order the files are written. */
export const REPORT_FILES: ReadonlyArray<readonly [string, (report: Report) => string]> = [
  ['report.json', renderJson],
  ['leaderboard.csv', renderLeaderboardCsv],
  ['pairwise.csv', renderPairwiseCsv],
  ['report.md', renderMarkdown],
  ['table.tex', renderLatex],
  ['report.html', renderHtml],
];

async function writeAtomic(file: string, content: string): Promise<void> {
  const tmp = `${file}.tmp`;
  await writeFile(tmp, content, 'utf8');
  await rename(tmp, file);
}

/** Render every format and write it into `dir` (created if missing). Returns the paths written. */
export async function writeReport(report: Report, dir: string, explorer?: ExplorerData): Promise<string[]> {
  // Render everything before touching the disk: a template error must not
  // leave a directory with a new report.json next to an old report.html.
  // report.html also carries the explorer's per-sample data when given.
  const rendered = REPORT_FILES.map(([name, render]) => [join(dir, name), name === 'report.html' ? renderHtml(report, explorer) : render(report)] as const);
  await mkdir(dir, { recursive: true });
  for (const [file, content] of rendered) await writeAtomic(file, content);
  return rendered.map(([file]) => file);
}
