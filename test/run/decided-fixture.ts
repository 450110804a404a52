// A 60-sample split and two recorded models for --until-decided tests, with a
// fake judge whose verdicts are known: 'clear' — the candidate's answer
// (marked CAND) always wins and scores 1 against the baseline's 10; 'even' —
// verdicts and scores are coin flips from a hash of the prompt (identical
// systems); 'broken' — a judge that never gives a verdict or a score (every
// judgment fails). Everything is written under the test's workspace.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeHandler } from '../helpers/fake-server.js';
import { kindOf, pairwiseAnswers, promptParts, roleplayReply } from '../e2e/fake-roleplay.js';
import { configFor, SAMPLE_SPLIT, type Workspace } from '../e2e/workspace.js';

export const N = 60;
export type Mode = 'clear' | 'even' | 'broken';

const hash = (s: string) => createHash('sha256').update(s).digest().readUInt32BE(0);

/** Writes the split and the two outputs files; returns their paths. */
export function writeSplit(ws: Workspace): { split: string; cand: string; base: string } {
  const first = JSON.parse(readFileSync(SAMPLE_SPLIT, 'utf8').split('\n')[0]!);
  const { video, caption, ...rest } = first;
  void video;
  void caption;
  const ids = Array.from({ length: N }, (_, i) => `u${String(i + 1).padStart(2, '0')}`);
  const split = join(ws.dir, 'split60.jsonl');
  writeFileSync(split, ids.map((id) => JSON.stringify({ ...rest, id, session_id: `sess-${id}` })).join('\n') + '\n');
  const out = (tag: string) => {
    const f = join(ws.dir, `${tag}.jsonl`);
    writeFileSync(f, ids.map((id) => JSON.stringify({ id, output: `Hold the lantern, ${id}; we climb now. ${tag}-MARK` })).join('\n') + '\n');
    return f;
  };
  return { split, cand: out('CAND'), base: out('BASE') };
}

export function judgeHandler(mode: () => Mode): FakeHandler {
  return (body) => {
    const kind = kindOf(body);
    const { prompt } = promptParts(body);
    if ((kind === 'pairwise' || kind === 'pointwise') && mode() === 'broken') return 'I would rather not judge this one.';
    if (kind === 'pairwise') {
      const { a } = pairwiseAnswers(prompt);
      const v = mode() === 'clear' ? (a.includes('CAND-MARK') ? 'A' : 'B') : hash(prompt) % 2 ? 'A' : 'B';
      return `Weighing the criterion.\n[[${v}]]`;
    }
    if (kind === 'pointwise') {
      const cand = prompt.includes('CAND-MARK');
      const n = mode() === 'clear' ? (cand ? 1 : 10) : 4 + (hash(prompt) % 3);
      return `Reasonable.\nScore: ${n}`;
    }
    return roleplayReply(body);
  };
}

export function decidedConfig(
  ws: Workspace,
  id: string,
  url: string,
  files: { split: string; cand: string; base: string },
  extra: Record<string, unknown> = {},
) {
  const cfg = configFor(ws, {
    runId: id,
    judgeUrl: url,
    judges: ['gpt-5-mini'],
    rubrics: ['cn'],
    models: [
      { name: 'cand', kind: 'plain', outputs: files.cand },
      { name: 'base', kind: 'plain', outputs: files.base },
    ],
    compare: { candidates: ['cand'], baselines: ['base'] },
    // Concurrency 4: the context keeps 8 judge jobs in flight.
    provider: { cacheDir: join(ws.dir, `cache-${id}`), concurrency: 4 },
    ...extra,
  });
  (cfg.dataset as Record<string, unknown>).path = files.split;
  return ws.config(id, cfg);
}
