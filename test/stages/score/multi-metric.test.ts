// Multi-metric mode (opt-in): one judge call per reply scores VEG, SPC and CN.
// A reply missing a metric is re-asked for that metric only, and what was
// read the first time is kept.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, runCli } from '../../helpers/cli.js';
import { startFakeServer, type FakeServer } from '../../helpers/fake-server.js';
import { configFor, keyCounts, makeWorkspace, readJsonl, recordedModel, type Workspace } from '../../e2e/workspace.js';

const IDS = ['s01', 's02', 's04'];

function lastUserText(body: any): string {
  const last = body.messages[body.messages.length - 1];
  if (typeof last.content === 'string') return last.content;
  return last.content
    .filter((p: any) => p.type === 'text')
    .map((p: any) => p.text)
    .join('\n');
}

describe('score.mode multi-metric', () => {
  let server: FakeServer;
  let ws: Workspace;
  let code: number | null;

  beforeAll(async () => {
    server = await startFakeServer({
      handler: (body) => {
        // First ask: VEG and SPC only. The re-ask names what is missing; answer just that.
        if (body.messages.length > 1 && /did not give these scores/.test(lastUserText(body))) return '{"A": {"CN": 4}}';
        return 'Reasoning first. {"A": {"VEG": 7, "SPC": 6}}';
      },
    });
    ws = makeWorkspace('multi-metric');
    const cfg = ws.config(
      'mm',
      configFor(ws, {
        runId: 'mm',
        models: [recordedModel('plainbot', 'plain'), recordedModel('ebmbot', 'ebm')],
        judges: ['gpt-4o'],
        rubrics: ['veg', 'spc', 'cn'],
        judgeUrl: server.url,
        score: { mode: 'multi-metric' },
      }),
    );
    const gen = await runCli(['generate', '-c', cfg, '--ids', IDS.join(',')]);
    expect(gen.code, describeRun(gen)).toBe(0);
    const res = await runCli(['score', '-c', cfg, '--ids', IDS.join(','), '--rounds', '1']);
    code = res.code;
    expect(code, describeRun(res)).toBe(0);
  });
  afterAll(async () => {
    await server?.close();
    ws?.remove();
  });

  it('makes one call per reply with an answer, plus one re-ask for the missing metric', () => {
    const judgments = readJsonl(join(ws.runDir('mm'), 'judgments', 'gpt-4o.jsonl'));
    // 3 samples × 2 models × 3 metrics, one record per key.
    expect(judgments).toHaveLength(18);
    expect([...keyCounts(judgments.map((j) => `${j.sampleId}/${j.model}/${j.metric}`)).values()].every((n) => n === 1)).toBe(true);
    const scored = judgments.filter((j) => j.score !== null);
    const replies = new Set(scored.map((j) => `${j.sampleId}/${j.model}`)).size;
    // Each scored reply took two requests: the first and the re-ask for CN.
    expect(server.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(replies * 2);
    for (const j of scored) {
      expect(j.mode).toBe('multi-metric');
      expect(j.score).toBe({ veg: 7, spc: 6, cn: 4 }[j.metric as 'veg' | 'spc' | 'cn']);
      expect(j.attempts).toBe(2);
    }
  });

  it('shows the judge a single anonymous reply, never a model name', () => {
    for (const r of server.requests) {
      const text = JSON.stringify(r.body);
      expect(text).not.toMatch(/plainbot|ebmbot|<answer>|<think>/);
      expect(lastUserText({ messages: [r.body.messages[0]] }).match(/^### Model /gm)).toHaveLength(1);
    }
  });
});
