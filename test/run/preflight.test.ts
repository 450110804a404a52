// Preflight: every mistake below is found before the first request and before
// anything is written, exits 2 (an InputError), and names file and field.
// The run is driven in-process against a real fake server, so "zero requests"
// is what the server saw.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor, InputErrors } from '../../src/core/errors.js';
import { runAll } from '../../src/run/run.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { configFor, liveModel, makeWorkspace, recordedModel, SAMPLE_SPLIT, type Workspace } from '../e2e/workspace.js';

let server: FakeServer;
let ws: Workspace;

beforeAll(async () => {
  server = await startFakeServer();
  ws = makeWorkspace('preflight');
});
afterAll(async () => {
  await server.close();
  ws.remove();
});

async function failsBeforeSpending(name: string, config: Record<string, unknown>, argv: Record<string, unknown> = {}): Promise<Error> {
  const file = ws.config(name, config);
  const before = server.requests.length;
  let error: unknown = null;
  try {
    await runAll({ config: file, quiet: true, ...argv });
  } catch (err) {
    error = err;
  }
  expect(error, `${name}: expected the run to be refused`).toBeInstanceOf(Error);
  expect(exitCodeFor(error)).toBe(2);
  expect(server.requests.length - before).toBe(0);
  expect(existsSync(ws.runDir(String((config.run as { id: string }).id)))).toBe(false);
  return error as Error;
}

const live = () => liveModel('cand', 'plain', server.url, { video: 'none' });

describe('preflight', () => {
  it('a misspelt judge', async () => {
    const err = await failsBeforeSpending('judge', configFor(ws, { runId: 'p-judge', models: [live()], judges: ['fkae'], rubrics: ['utterance-fluency'] }));
    expect(err.message).toMatch(/judges/);
    expect(err.message).toMatch(/fkae/);
  });

  it('an unknown rubric', async () => {
    const err = await failsBeforeSpending('rubric', configFor(ws, { runId: 'p-rubric', models: [live()], judges: ['offline'], rubrics: ['no-such-rubric'] }));
    expect(err.message).toMatch(/no-such-rubric/);
  });

  it('a rubric template that needs an input the samples lack', async () => {
    const dir = join(ws.dir, 'rubrics-needs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'needs-ref.yaml'),
      'id: needs-ref\nname: Needs a field\nabbr: NR\nversion: "1"\nscale: { min: 1, max: 10 }\ninputs: [history, answer, caption]\ntemplate: needs-ref.hbs\n',
    );
    writeFileSync(join(dir, 'needs-ref.hbs'), '{{caption}}\n{{#each history}}{{speaker}}: {{text}}\n{{/each}}{{answer}}\nScore 1-10.\n');
    const split = join(ws.dir, 'no-caption.jsonl');
    writeFileSync(
      split,
      `${JSON.stringify({ id: 'a', character: { name: 'X', description: 'd' }, user: { name: 'Y', description: 'e' }, history: [{ speaker: 'Y', text: 'hi' }], references: ['r'] })}\n`,
    );
    const cfg = configFor(ws, { runId: 'p-input', models: [live()], judges: ['offline'], rubrics: ['needs-ref'], rubricsDir: dir });
    (cfg.dataset as Record<string, unknown>).path = split;
    const err = await failsBeforeSpending('input', cfg);
    expect(err.message).toMatch(/caption/);
  });

  it('a model prompt template with an unknown variable', async () => {
    const prompt = join(ws.dir, 'typo.hbs');
    writeFileSync(prompt, 'You are {{charcter.name}}. Talk to {{user.name}}.\n');
    const err = await failsBeforeSpending('prompt', configFor(ws, { runId: 'p-prompt', models: [{ ...live(), prompt }] }));
    expect(err.message).toContain(prompt);
    expect(err.message).toMatch(/charcter/);
  });

  it('a missing outputs file', async () => {
    const err = await failsBeforeSpending(
      'outputs',
      configFor(ws, { runId: 'p-outputs', models: [{ name: 'rec', kind: 'plain', outputs: join(ws.dir, 'nope.jsonl') }] }),
    );
    expect(err.message).toContain('nope.jsonl');
  });

  it('a gate naming a model that is not configured', async () => {
    const err = await failsBeforeSpending(
      'gate',
      configFor(ws, { runId: 'p-gate', models: [live(), recordedModel('base', 'plain')], gate: { candidate: 'cand', baseline: 'bsae' } }),
    );
    expect(err.message).toMatch(/gate\.baseline/);
    expect(err.message).toMatch(/bsae/);
  });

  it('a missing split file', async () => {
    const cfg = configFor(ws, { runId: 'p-split', models: [live()] });
    (cfg.dataset as Record<string, unknown>).path = join(ws.dir, 'missing-split.jsonl');
    const err = await failsBeforeSpending('split', cfg);
    expect(err.message).toContain('missing-split.jsonl');
    expect(err.message).toMatch(/ENOENT/);
  });

  it('a bad record in the split names file, line and field', async () => {
    const split = join(ws.dir, 'bad-split.jsonl');
    writeFileSync(
      split,
      `${JSON.stringify({ id: 'a', character: { name: 'X', description: 'd' }, user: { name: 'Y', description: 'e' }, history: 'not a list', references: ['r'] })}\n`,
    );
    const cfg = configFor(ws, { runId: 'p-bad', models: [live()] });
    (cfg.dataset as Record<string, unknown>).path = split;
    const err = await failsBeforeSpending('bad', cfg);
    expect(err.message).toMatch(/bad-split\.jsonl:1: field "history"/);
  });

  it('a split that fails to load reports only its own errors, not rubric inputs "the samples lack"', async () => {
    const good = { id: 'a', character: { name: 'X', description: 'd' }, user: { name: 'Y', description: 'e' }, history: [], references: ['r'] };
    const split = join(ws.dir, 'half-bad-split.jsonl');
    writeFileSync(split, `${JSON.stringify(good)}\n${JSON.stringify({ ...good, id: 'b', character: undefined })}\n{"id": "c",\n`);
    const cfg = configFor(ws, {
      runId: 'p-bad-only',
      models: [live()],
      judges: ['gpt-5-mini'],
      rubrics: ['cn', 'veg'],
      compare: { candidates: ['cand'], baselines: ['cand'] },
    });
    (cfg.dataset as Record<string, unknown>).path = split;
    const err = await failsBeforeSpending('bad-only', cfg);
    expect(err.message).toMatch(/half-bad-split\.jsonl:2: field "character"/);
    expect(err.message).not.toMatch(/lack/);
    expect(err.message).not.toMatch(/field "rubrics"/);
  });

  it('lists every problem together, not one per run', async () => {
    const prompt = join(ws.dir, 'typo2.hbs');
    writeFileSync(prompt, 'You are {{charcter.name}}.\n');
    const err = await failsBeforeSpending(
      'many',
      configFor(ws, {
        runId: 'p-many',
        models: [{ ...live(), prompt }, recordedModel('base', 'plain')],
        judges: ['fkae'],
        rubrics: ['nope'],
        gate: { candidate: 'cand', baseline: 'ghost' },
      }),
    );
    expect(err).toBeInstanceOf(InputErrors);
    const text = err.message;
    for (const part of ['charcter', 'fkae', 'nope', 'ghost']) expect(text).toContain(part);
  });

  it('states a problem the score and compare plans both find once, and counts it once', async () => {
    const err = await failsBeforeSpending(
      'twice',
      configFor(ws, {
        runId: 'p-twice',
        models: [live(), recordedModel('base', 'plain')],
        judges: ['fkae'],
        rubrics: ['utterance-fluency'],
        compare: { candidates: ['cand'], baselines: ['base'] },
      }),
    );
    const lines = err.message.split('\n').filter((l) => l.includes('fkae'));
    expect(lines).toHaveLength(1);
    expect(new Set(err.message.split('\n')).size).toBe(err.message.split('\n').length);
    if (err instanceof InputErrors) expect(err.problems.length).toBe(new Set(err.problems.map((p) => p.message)).size);
  });

  it('passes a sound config (and the sample split exists)', () => {
    expect(existsSync(SAMPLE_SPLIT)).toBe(true);
  });
});
