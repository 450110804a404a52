// Recorded outputs that would put a wrong answer in the numbers — two
// different answers under one id, an answer written for the other role of the
// same dialogue — are refused or reported before anything is spent. Driven
// in-process on the released EBM-RL records, with a live model on a fake
// server so "no request" is what the server saw.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { exitCodeFor } from '../../src/core/errors.js';
import { withSession } from '../../src/run/session.js';
import { generateStep } from '../../src/run/steps.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { configFor, liveModel, makeWorkspace, readJsonl, type Workspace } from '../e2e/workspace.js';

const FIX = new URL('../fixtures/ebm-rl/', import.meta.url).pathname;
const TEST = `${FIX}ebm-rl-test.sample.json`;
const PROFILES = `${FIX}ebm-rl-profiles.sample.json`;
/** The released split's records: problem 2 (Frodo answering Pippin) and 4. */
const RECS: any[] = JSON.parse(readFileSync(TEST, 'utf8'));

let server: FakeServer;
let ws: Workspace;
let stderr: string[];
beforeAll(async () => {
  server = await startFakeServer();
  ws = makeWorkspace('outputs-check');
});
afterAll(async () => {
  await server.close();
  ws.remove();
});
beforeEach(() => {
  stderr = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (stderr.push(String(s)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

/** An outputs file of the split's own records plus `raw_output`, one pretty-printed object after another as EBM-RL writes them. */
function outputsFile(name: string, outs: any[]): string {
  const file = join(ws.dir, name);
  writeFileSync(file, outs.map((o) => JSON.stringify(o, null, 4)).join('\n'));
  return file;
}
const answered = (rec: any, text: string, extra: Record<string, unknown> = {}) => ({ ...rec, raw_output: `<answer>${text}</answer>`, ...extra });

async function generateWith(id: string, outputs: string, joinBy: 'id' | 'content' = 'id', split = TEST) {
  const cfg = configFor(ws, {
    runId: id,
    models: [{ name: 'rec', kind: 'plain', outputs, join: joinBy }, liveModel('cand', 'plain', server.url, { video: 'none' })],
    dataset: { path: split, format: 'ebm-rl', profiles: PROFILES, root: FIX },
  });
  const before = server.requests.length;
  let code: number;
  let error: unknown = null;
  try {
    code = await withSession({ config: ws.config(id, cfg), quiet: true }, ['generate'], generateStep);
  } catch (err) {
    error = err;
    code = exitCodeFor(err);
  }
  const responses = readJsonl(join(ws.runDir(id), 'responses', 'rec.jsonl'));
  return { code, error: error as Error | null, requests: server.requests.length - before, responses, warnings: stderr.join('') };
}

describe('duplicate ids in an outputs file', () => {
  it('two different texts for one id: exit 2 naming file, line and field, before any request, nothing written', async () => {
    const file = outputsFile('conflict.jsonl', [answered(RECS[0], 'first'), answered(RECS[1], 'other'), answered(RECS[0], 'DIFFERENT')]);
    const r = await generateWith('dup-conflict', file);
    expect(r.code).toBe(2);
    // The line the third record starts on.
    const third = readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((l, i) => (l === '{' ? [i + 1] : []))[2];
    expect(r.error!.message).toContain(
      `${file}:${third}: field "raw_output": expected the same text as line 1, the first record with id "${RECS[0].problem_id}"`,
    );
    expect(r.error!.message).toContain('"<answer>DIFFERENT</answer>"');
    expect(r.requests).toBe(0);
    expect(existsSync(ws.runDir('dup-conflict'))).toBe(false);
  });

  it('copies of one answer: a warning naming the id and its lines, the answer used once', async () => {
    const file = outputsFile('copies.jsonl', [answered(RECS[0], 'same'), answered(RECS[1], 'other'), answered(RECS[0], 'same')]);
    const r = await generateWith('dup-same', file);
    expect(r.code).toBe(0);
    expect(r.warnings).toMatch(
      new RegExp(
        `copies\\.jsonl: 1 ids appear more than once, every copy with the same text \\(the first is used\\): id "${RECS[0].problem_id}" at lines 1, \\d+`,
      ),
    );
    expect(r.responses.map((x) => [x.sampleId, x.answer])).toEqual([
      [String(RECS[0].problem_id), 'same'],
      [String(RECS[1].problem_id), 'other'],
    ]);
  });
});

describe('join: content and the roles', () => {
  it("an output for the same dialogue with assistant and user swapped is not judged as the split's reply, and the warning says why", async () => {
    const [frodo] = RECS;
    const file = outputsFile('swapped.jsonl', [
      answered(frodo, 'PIPPIN SPEAKING', { assistant: frodo.user, user: frodo.assistant }),
      answered(RECS[1], 'Dumbledore here'),
    ]);
    const r = await generateWith('content-swapped', file, 'content');
    expect(r.code).toBe(0);
    const got = new Map(r.responses.map((x) => [x.sampleId, x]));
    expect(got.get(String(frodo.problem_id))!.raw).toBe('');
    expect(got.get(String(frodo.problem_id))!.error).toMatch(/missing from outputs file/);
    expect(got.get(String(RECS[1].problem_id))!.answer).toBe('Dumbledore here');
    expect(r.warnings).toContain(
      `written for another role: line 1 (id "${frodo.problem_id}") has assistant "Pippin" where sample "${frodo.problem_id}" has "Frodo"`,
    );
  });

  it('two split samples one output fits: the no-output warning says they are ambiguous', async () => {
    const [frodo] = RECS;
    const split = join(ws.dir, 'two-roles.json');
    writeFileSync(split, JSON.stringify([frodo, { ...frodo, problem_id: 900, assistant: frodo.user, user: frodo.assistant }, RECS[1]]));
    const { assistant: _a, user: _u, ...roleless } = answered(frodo, 'who am I');
    const r = await generateWith('content-ambiguous', outputsFile('roleless.jsonl', [roleless, answered(RECS[1], 'Dumbledore here')]), 'content', split);
    expect(r.code).toBe(0);
    expect(r.warnings).toContain(
      `2 of 3 selected samples have no output by content ("${frodo.problem_id}", "900"); model "rec"; 2 of them ("${frodo.problem_id}", "900") are ambiguous: an output fits several selected samples`,
    );
  });
});
