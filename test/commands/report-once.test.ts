// `rolejudge report` reads each judgment log once (issue 16 item 6): the
// explorer's per-sample figures are folded in the report's own pass and its
// embedded records are read back by byte offset. The change must not move a
// byte of output, so the expected digests below were produced by the code
// BEFORE the change (main at cb632bd, built CLI, one thread and two) on the
// fixture run of report-once-fixture.ts; this test proves the new code writes
// the same six files, in one thread and in several, on a clean run and on one
// with rewritten and duplicated lines. (report.json, .md and .html were
// re-pinned once since, when the conventions' failures note gained a clause
// on what score.zeroOnFailure zeroes, and table.tex when its caption came to
// say Holm is over the rows of one judge; with that text as before, the new
// code still gives the old digests.)
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeRun, runCli } from '../helpers/cli.js';
import { writeOnceRun } from './report-once-fixture.js';

const EXPECTED: Record<string, Record<string, string>> = {
  clean: {
    'leaderboard.csv': '33bd4bba0a4653502f487800c8f00272ee0f57fb5707a5355e0934bcc20c596b',
    'pairwise.csv': 'f3da56bce58ab3342830156653e8ac145ed4ef9e1cd5d4ea747aee02205b879e',
    'report.html': '744694226e9464463b536b2905638b338871095d253c4676b7714b7b14a5131b',
    'report.json': '9d5bb217aff18e49fb0b4e4ceadcde5ca5a863f65dfa021c017a8f422e75ada6',
    'report.md': 'e82548401cb9e02f975c73581f2e88fee234f443f7ba9af501c9eeca5d1b8ee6',
    'table.tex': '7c6389a1deed11d61a829e099dc52872d8393f2a1de994e7cab958a4ecb08160',
  },
  // The rough run's extra lines repeat keys: the report and its explorer keep
  // each key's first record, so every file is the clean run's. (Before the
  // explorer kept the report's records too, its page counted every copy:
  // report.html was dbf6f413….)
  rough: {
    'leaderboard.csv': '33bd4bba0a4653502f487800c8f00272ee0f57fb5707a5355e0934bcc20c596b',
    'pairwise.csv': 'f3da56bce58ab3342830156653e8ac145ed4ef9e1cd5d4ea747aee02205b879e',
    'report.html': '744694226e9464463b536b2905638b338871095d253c4676b7714b7b14a5131b',
    'report.json': '9d5bb217aff18e49fb0b4e4ceadcde5ca5a863f65dfa021c017a8f422e75ada6',
    'report.md': 'e82548401cb9e02f975c73581f2e88fee234f443f7ba9af501c9eeca5d1b8ee6',
    'table.tex': '7c6389a1deed11d61a829e099dc52872d8393f2a1de994e7cab958a4ecb08160',
  },
};

const root = mkdtempSync(join(tmpdir(), 'rolejudge-report-once-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function reportDigests(variant: 'clean' | 'rough', threads: string, again = false): Promise<Record<string, string>> {
  const base = join(root, `${variant}-${threads}`);
  const config = again ? join(base, 'config.json') : writeOnceRun(base, { rough: variant === 'rough' });
  // Ranges of 2 KiB when threaded: dozens per log, so a sample's lines are folded by several workers.
  const r = await runCli(['report', '-c', config, '--quiet'], {
    cwd: base,
    env: { ROLEJUDGE_REPORT_THREADS: threads, ROLEJUDGE_REPORT_RANGE_BYTES: threads === '1' ? undefined : '2048' },
    timeoutMs: 60_000,
  });
  expect(r.code, describeRun(r)).toBe(0);
  const dir = join(base, 'reports', 'once');
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort())
    out[f] = createHash('sha256')
      .update(readFileSync(join(dir, f)))
      .digest('hex');
  return out;
}

describe('report reads its logs once and writes the same bytes as before', () => {
  for (const variant of ['clean', 'rough'] as const)
    for (const threads of ['1', '2'])
      it(`${variant} run, ${threads} thread(s): all six files byte-identical to the pre-change report, from the JSON and then from the index it wrote`, async () => {
        // The fixture has no index: the first report folds the JSON and writes one; the second folds the columns.
        const base = join(root, `${variant}-${threads}`);
        for (const pass of ['json', 'index']) {
          const got = await reportDigests(variant, threads, pass === 'index');
          expect(Object.keys(got)).toEqual(['leaderboard.csv', 'pairwise.csv', 'report.html', 'report.json', 'report.md', 'table.tex']);
          expect(got, pass).toEqual(EXPECTED[variant]);
          expect(readdirSync(join(base, 'runs', 'once', 'index', 'v1', 'judgments')).length, pass).toBeGreaterThan(0);
        }
      });
});
