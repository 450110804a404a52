// The score stage keeps each judgment log's columnar index as it writes the
// log (store/judgment-index), so the report folds columns instead of parsing
// JSON; a --retry-failed run that rewrites a log in place drops its index,
// and the next report rebuilds it. Judged for real: the fake OpenAI-compatible
// server answers through the real openai client.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Judgment } from '../../../src/core/records.js';
import { generateStep, scoreStep } from '../../../src/run/steps.js';
import { withSession } from '../../../src/run/session.js';
import { collect } from '../../../src/stages/report/collect-run.js';
import { emptyCollected, foldLines } from '../../../src/stages/report/collect.js';
import { indexedUpTo } from '../../../src/store/judgment-index/build.js';
import { indexDirOf } from '../../../src/store/judgment-index/segment.js';
import { readLineBatches } from '../../../src/store/lines.js';
import { RunStore } from '../../../src/store/run.js';
import { configFor, makeWorkspace, recordedModel } from '../../e2e/workspace.js';
import { startFakeServer } from '../../helpers/fake-server.js';

type Server = Awaited<ReturnType<typeof startFakeServer>>;
let server: Server;
let ws: ReturnType<typeof makeWorkspace>;
let calls = 0;
/** While set, the judge's replies to the VEG rubric never parse: failed records for --retry-failed to redo. */
let vegFails = true;

beforeAll(async () => {
  server = await startFakeServer({
    handler: (body) => (vegFails && JSON.stringify(body).includes('Visual Evidence Grounding') ? 'no score here' : `Score: ${1 + (++calls % 9)}`),
  });
  ws = makeWorkspace('score-writes-index');
});
afterAll(async () => {
  await server.close();
  ws.remove();
});

async function judgmentFold(store: RunStore) {
  const c = emptyCollected();
  for (const file of store.listFiles(store.judgmentsDir)) for await (const b of readLineBatches<Judgment>(file)) foldLines(c, file, b);
  return c;
}

describe('score writes the judgment index', () => {
  it('indexes every judgment it appends; retry-failed drops the rewritten log’s index; reports stay the JSON fold', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.stubEnv('ROLEJUDGE_INDEX_SEGMENT_ROWS', '5');
    const config = ws.config(
      'idx',
      configFor(ws, {
        runId: 'idx',
        models: [recordedModel('a', 'plain'), recordedModel('b', 'plain')],
        judgeUrl: server.url,
        judges: ['gpt-5-mini'],
        rubrics: ['cn', 'veg'],
      }),
    );
    const argv = { config, quiet: true, cache: false };
    expect(await withSession(argv, ['generate'], generateStep)).toBe(0);
    await withSession(argv, ['score'], scoreStep);
    const store = new RunStore(ws.runDir('idx'));
    const [log] = store.listFiles(store.judgmentsDir);
    expect(log).toBeDefined();
    // Written by the stage: several segments, chained over the whole log.
    expect(readdirSync(indexDirOf(log!)).length).toBeGreaterThan(1);
    expect(indexedUpTo(log!)).toBe(statSync(log!).size);
    const json = await judgmentFold(store);
    expect(json.counts.parseFailures).toBeGreaterThan(0);
    const fromIndex = await collect(store);
    expect(fromIndex.scores).toEqual(json.scores);
    expect(fromIndex.counts).toEqual({ ...json.counts, responses: fromIndex.counts.responses });
    expect(fromIndex.spans).toEqual(json.spans);

    // --retry-failed replaces records in place (an atomic rewrite): that log's index goes.
    vegFails = false;
    await withSession({ ...argv, 'retry-failed': true }, ['score'], scoreStep);
    expect(existsSync(indexDirOf(log!))).toBe(false);
    const redone = await judgmentFold(store);
    const rebuilt = await collect(store);
    expect(rebuilt.scores).toEqual(redone.scores);
    expect(rebuilt.counts.judgments).toBe(redone.counts.judgments);
    expect(rebuilt.counts.parseFailures).toBe(redone.counts.parseFailures);
    // …and the report that found none wrote it again.
    expect(indexedUpTo(log!)).toBe(statSync(log!).size);
    vi.unstubAllEnvs();
  });
});
