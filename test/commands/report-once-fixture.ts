// A small run for the read-once report tests, written by hand and seeded so
// it is the same every time: 30 samples × 2 models × 3 metrics × 2 judges × 3
// rounds, lines shuffled (a sample's lines scattered over its log), scores
// with no exact binary form (a changed summation order would show), failures,
// non-ASCII text in answers and judge replies (byte offsets ≠ character
// offsets), a CRLF line, a torn last line, and pairwise comparisons.
// `rough` adds rewritten and duplicated lines (same key twice).
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MODELS = ['cand', 'base'];
export const METRICS = ['veg', 'spc', 'cn'];
export const JUDGES = ['j1', 'j2'];
const N = 30;
const sid = (i: number) => `s${String(i).padStart(3, '0')}`;

function shuffle<T>(xs: T[], seed: number): T[] {
  let x = seed;
  const rand = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 4294967296;
  for (let k = xs.length - 1; k > 0; k--) {
    const r = Math.floor(rand() * (k + 1));
    [xs[k], xs[r]] = [xs[r]!, xs[k]!];
  }
  return xs;
}

const prov = (round: number) => ({ judgeHash: 'j', templateHash: 't', rubricVersion: '1', responseHash: 'r', framesHash: null, order: 'single', round });

/** Writes base/{config.json, split.jsonl, runs/once/…}; returns the config path. */
export function writeOnceRun(base: string, opts: { rough?: boolean } = {}): string {
  const run = join(base, 'runs', 'once');
  for (const d of ['responses', 'judgments', 'comparisons']) mkdirSync(join(run, d), { recursive: true });
  writeFileSync(join(run, 'run.json'), JSON.stringify({ runId: 'once', configHash: 'c', rolejudgeVersion: '0.1.0', createdAt: '', seed: 7 }));
  MODELS.forEach((model, m) => {
    const lines: string[] = [];
    for (let i = 0; i < N; i++) {
      const answer = i % 4 === 0 ? `Réponse ${m} — 漢字 ${sid(i)}` : `Answer ${m} to ${sid(i)}`;
      lines.push(
        JSON.stringify({
          type: 'response',
          sampleId: sid(i),
          model,
          kind: 'plain',
          raw: `<answer>${answer}</answer>`,
          answer,
          format: { valid: true, flags: [] },
          usage: null,
          latencyMs: null,
          requestHash: null,
          frames: null,
          via: 'file',
        }),
      );
    }
    writeFileSync(join(run, 'responses', `${model}.jsonl`), `${lines.join('\n')}\n`);
  });
  let n = 0;
  JUDGES.forEach((judge, ji) => {
    const lines: string[] = [];
    for (let i = 0; i < N; i++)
      for (const model of MODELS)
        for (const metric of METRICS)
          for (let round = 0; round < 3; round++) {
            const k = n++;
            const failed = k % 23 === 5;
            // Tenths and sevenths: no exact binary form.
            const score = failed ? null : 1 + ((k * 37) % 90) / (k % 2 ? 10 : 7);
            const raw = k % 5 === 0 ? `Évaluation ${k}: 很好 ${score}` : `Reasoning ${k}. Score: ${score}`;
            lines.push(
              JSON.stringify({
                type: 'judgment',
                sampleId: sid(i),
                model,
                metric,
                judge,
                round,
                mode: 'per-response',
                score,
                ...(failed ? { failure: { kind: 'parse', message: 'no score found' } } : {}),
                raw: [raw],
                attempts: failed ? 3 : 1,
                usage: { prompt: 100 + k, completion: 9, total: 109 + k },
                latencyMs: 5,
                sent: { model: judge },
                provenance: prov(round),
                selfId: k % 31 === 0 ? ['as an AI model'] : [],
                answerChars: 20 + (i % 9),
              }),
            );
          }
    shuffle(lines, 991 + ji);
    // One CRLF line (a log edited on another system).
    lines[4] = `${lines[4]}\r`;
    writeFileSync(join(run, 'judgments', `${judge}.jsonl`), `${lines.join('\n')}\n`);
    if (opts.rough) {
      const first = JSON.parse(lines[0]!) as { score: number | null };
      // A rewritten record (same key, another score) at the end, and one line twice in a row.
      appendFileSync(join(run, 'judgments', `${judge}.jsonl`), `${JSON.stringify({ ...first, score: 9.5 })}\n${lines[7]}\n${lines[7]}\n`);
    }
  });
  // A torn last line: a write cut off by a crash.
  appendFileSync(join(run, 'judgments', 'j2.jsonl'), '{"type":"judgment","sampleId":"s001","model":"ca');
  const cmp: string[] = [];
  for (let i = 0; i < N; i++)
    for (let round = 0; round < 2; round++) {
      const fail = (i + round) % 11 === 3;
      const ab = (i + round) % 3 === 0 ? 'loss' : 'win';
      const ba = i % 5 === 0 ? (ab === 'win' ? 'loss' : 'win') : ab;
      const verdict = (order: string, o: string) => (o === 'win' ? (order === 'AB' ? 'A' : 'B') : order === 'AB' ? 'B' : 'A');
      const orders = (['AB', 'BA'] as const).map((order) => {
        const o = order === 'AB' ? ab : ba;
        return {
          order,
          verdict: fail ? null : verdict(order, o),
          outcome: fail ? null : o,
          raw: [fail ? 'garbled' : `Order ${order} — ${sid(i)}: [[${verdict(order, o)}]]`],
          attempts: 1,
          usage: { prompt: 50, completion: 4, total: 54 },
          latencyMs: 3,
          sent: { model: 'j1' },
          templateHash: 't',
          ...(fail ? { failure: { kind: 'parse', message: 'no verdict' } } : {}),
        };
      });
      const credit = fail ? null : ab === ba ? (ab === 'win' ? 1 : 0) : 0.5;
      cmp.push(
        JSON.stringify({
          type: 'comparison',
          sampleId: sid(i),
          candidate: 'cand',
          baseline: 'base',
          metric: 'veg',
          judge: 'j1',
          round,
          orders,
          rule: 'half',
          outcome: credit === null ? null : credit > 0.5 ? 'win' : credit < 0.5 ? 'loss' : 'tie',
          credit,
          provenance: prov(round),
          candidateChars: 20,
          baselineChars: 21,
          ...(fail ? { failure: { kind: 'parse', message: 'every order failed' } } : {}),
        }),
      );
    }
  shuffle(cmp, 77);
  if (opts.rough) cmp.push(cmp[3]!);
  writeFileSync(join(run, 'comparisons', 'j1.jsonl'), `${cmp.join('\n')}\n`);
  const split: string[] = [];
  for (let i = 0; i < N; i++)
    split.push(
      JSON.stringify({
        id: sid(i),
        caption: `Scene ${sid(i)}: a kitchen at night`,
        character: { name: 'Ada', description: 'a careful cook' },
        user: { name: 'Ben', description: 'a hungry guest' },
        history: [{ speaker: 'Ben', text: `What is cooking in ${sid(i)}?` }],
        references: [`A reference reply for ${sid(i)}.`],
      }),
    );
  writeFileSync(join(base, 'split.jsonl'), `${split.join('\n')}\n`);
  const config = {
    run: { id: 'once', outputDir: join(base, 'runs'), reportsDir: join(base, 'reports') },
    dataset: { path: join(base, 'split.jsonl'), format: 'rolejudge' },
    models: MODELS.map((name) => ({ name, kind: 'plain', outputs: join(run, 'responses', `${name}.jsonl`) })),
    judges: JUDGES,
    rubrics: METRICS,
    compare: { candidates: ['cand'], baselines: ['base'] },
    // Fewer embedded samples than samples: which ones are chosen matters.
    report: { explorerDetail: 6 },
  };
  const file = join(base, 'config.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}
