// A small run directory written by hand for the explorer tests: n samples,
// the three models and metrics of fixture.ts, two judges, pairwise veg
// comparisons of model 0 vs model 1 in both orders. Chosen samples carry
// known cases: s003 a failed judgment whose reply tries to end the data
// island, every 5th sample orders that disagree, s007 a failed comparison.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Comparison, Judgment, ResponseRecord, Sample } from '../../../src/core/records.js';

export const HOSTILE_REPLY = 'I cannot rate this </script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">';

const sid = (i: number) => `s${String(i).padStart(3, '0')}`;

export interface FixtureRun {
  dir: string;
  samples: Sample[];
  /** Samples with at least one failed judgment or comparison. */
  failed: string[];
  /** Samples whose two orders disagree. */
  ordersDisagreed: string[];
}

const prov = { judgeHash: 'j', templateHash: 't', rubricVersion: '1', responseHash: 'r', framesHash: null, round: 0 };

export function writeFixtureRun(dir: string, models: string[], n = 40): FixtureRun {
  for (const d of ['responses', 'judgments', 'comparisons']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ runId: 'fixture', configHash: 'c', rolejudgeVersion: '0.1.0', createdAt: '', seed: 1 }));
  const samples: Sample[] = [];
  const failed = new Set<string>();
  const ordersDisagreed: string[] = [];
  models.forEach((model, m) => {
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const answer = `Answer of model ${m} to ${sid(i)}: <b>not bold</b>`;
      const r: ResponseRecord = {
        type: 'response',
        sampleId: sid(i),
        model,
        kind: 'plain',
        raw: answer,
        answer,
        format: { valid: true, flags: [] },
        usage: null,
        latencyMs: null,
        requestHash: null,
        frames: null,
        via: 'file',
      };
      lines.push(JSON.stringify(r));
    }
    writeFileSync(join(dir, 'responses', `m${m}.jsonl`), `${lines.join('\n')}\n`);
  });
  for (const [ji, judge] of ['judge-a', 'judge-b'].entries()) {
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      models.forEach((model, m) => {
        for (const metric of ['veg', 'spc', 'cn']) {
          const fails = i === 3 && m === 0 && metric === 'veg' && ji === 0;
          const score = fails ? null : 1 + ((i * 7 + m * 3 + ji + metric.length) % 10);
          if (fails) failed.add(sid(i));
          const j: Judgment = {
            type: 'judgment',
            sampleId: sid(i),
            model,
            metric,
            judge,
            round: 0,
            mode: 'per-response',
            score,
            ...(fails ? { failure: { kind: 'parse' as const, message: 'no score in the reply' } } : {}),
            raw: fails ? [HOSTILE_REPLY, HOSTILE_REPLY] : [`Reasoning for ${sid(i)}.\nScore: ${score}`],
            attempts: fails ? 2 : 1,
            usage: null,
            latencyMs: null,
            sent: null,
            provenance: { ...prov, order: 'single' },
            selfId: [],
            answerChars: 20,
          };
          lines.push(JSON.stringify(j));
        }
      });
    }
    writeFileSync(join(dir, 'judgments', `${judge}.jsonl`), `${lines.join('\n')}\n`);
  }
  const cmp: string[] = [];
  for (let i = 0; i < n; i++) {
    const disagree = i % 5 === 0;
    const fail = i === 7;
    const outAB = i % 3 === 0 ? 'loss' : 'win';
    const outBA = disagree ? (outAB === 'win' ? 'loss' : 'win') : outAB;
    const verdictOf = (order: 'AB' | 'BA', o: string) => (o === 'win' ? (order === 'AB' ? 'A' : 'B') : order === 'AB' ? 'B' : 'A');
    const orders = (['AB', 'BA'] as const).map((order) => {
      const o = order === 'AB' ? outAB : outBA;
      return {
        order,
        verdict: fail ? null : verdictOf(order, o),
        outcome: fail ? null : o,
        raw: [fail ? 'garbled' : `Order ${order} of ${sid(i)}: [[${verdictOf(order, o)}]]`],
        attempts: 1,
        usage: null,
        latencyMs: null,
        sent: null,
        templateHash: 't',
        ...(fail ? { failure: { kind: 'parse', message: 'no verdict' } } : {}),
      };
    });
    if (fail) failed.add(sid(i));
    else if (disagree) ordersDisagreed.push(sid(i));
    const credit = fail ? null : outAB === outBA ? (outAB === 'win' ? 1 : 0) : 0.5;
    const c = {
      type: 'comparison',
      sampleId: sid(i),
      candidate: models[0],
      baseline: models[1],
      metric: 'veg',
      judge: 'judge-a',
      round: 0,
      orders,
      rule: 'half',
      outcome: credit === null ? null : credit > 0.5 ? 'win' : credit < 0.5 ? 'loss' : 'tie',
      credit,
      provenance: prov,
      candidateChars: 20,
      baselineChars: 20,
      ...(fail ? { failure: { kind: 'parse', message: 'every order failed' } } : {}),
    } as Comparison;
    cmp.push(JSON.stringify(c));
  }
  writeFileSync(join(dir, 'comparisons', 'judge-a.jsonl'), `${cmp.join('\n')}\n`);
  for (let i = 0; i < n; i++) {
    samples.push({
      id: sid(i),
      caption: `Scene ${sid(i)}: a kitchen at night <script>window.__pwned=1</script>`,
      character: { name: 'Ada', description: 'a careful cook' },
      user: { name: 'Ben', description: 'a hungry guest' },
      history: [{ speaker: 'Ben', text: `What is cooking in ${sid(i)}?` }],
      references: [],
    });
  }
  return { dir, samples, failed: [...failed].sort(), ordersDisagreed };
}
