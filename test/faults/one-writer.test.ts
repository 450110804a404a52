// Two processes on one run directory, through the built CLI: the second is
// refused (exit 2, naming pid, host and start) while the first is still
// working; the first is then SIGKILLed, and a rerun takes its lock over and
// finishes with exactly one record per key.
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, runCli, spawnCli } from '../helpers/cli.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { roleplayHandler } from '../e2e/fake-roleplay.js';
import { configFor, keyCounts, liveModel, makeWorkspace, readJsonl, waitFor, type Workspace } from '../e2e/workspace.js';

describe('one writer per run directory (CLI)', () => {
  let server: FakeServer;
  let ws: Workspace;
  beforeAll(async () => {
    // Slow replies keep the first run busy while the second one starts.
    server = await startFakeServer({ handler: roleplayHandler(), latencyMs: 400 });
    ws = makeWorkspace('one-writer');
  });
  afterAll(async () => {
    await server.close();
    ws.remove();
  });

  it('refuses the second process, and takes over the lock of a killed one', async () => {
    const cfg = ws.config(
      'c',
      configFor(ws, { runId: 'w', models: [liveModel('cand', 'plain', server.url, { video: 'none' })], provider: { concurrency: 1 } }),
    );
    const lock = join(ws.runDir('w'), '.lock');
    const first = spawnCli(['generate', '-c', cfg, '-q'], { timeoutMs: 60_000 });
    await waitFor(() => existsSync(lock) && server.requests.length > 0, 'the first run to hold the lock and start calling');
    const holder = JSON.parse(readFileSync(lock, 'utf8'));
    expect(holder.pid).toBe(first.child.pid);

    const second = await runCli(['generate', '-c', cfg, '-q']);
    expect(second.code, describeRun(second)).toBe(2);
    expect(second.stderr).toContain(`in use by process ${first.child.pid} on ${hostname()} since ${holder.startedAt}`);

    first.child.kill('SIGKILL');
    const killed = await first.result;
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(lock)).toBe(true); // a SIGKILL cannot clean up

    const rerun = await runCli(['generate', '-c', cfg, '-q'], { timeoutMs: 60_000 });
    expect(rerun.code, describeRun(rerun)).toBe(0);
    expect(rerun.stderr).toContain(`took over the lock of ${ws.runDir('w')} left by process ${first.child.pid}`);
    expect(existsSync(lock)).toBe(false);
    const records = readJsonl(join(ws.runDir('w'), 'responses', 'cand.jsonl'));
    expect(records.length).toBe(12);
    expect([...keyCounts(records.map((r) => r.sampleId)).values()].every((n) => n === 1)).toBe(true);
  });

  it('SIGTERM releases the lock', async () => {
    // Another model: the first test's replies are in the cache and would make this run instant.
    const cfg = ws.config(
      't',
      configFor(ws, { runId: 't', models: [liveModel('other', 'plain', server.url, { video: 'none' })], provider: { concurrency: 1 } }),
    );
    const lock = join(ws.runDir('t'), '.lock');
    const from = server.requests.length;
    const run = spawnCli(['generate', '-c', cfg, '-q'], { timeoutMs: 60_000 });
    await waitFor(() => existsSync(lock) && server.requests.length > from, 'the run to hold the lock');
    run.child.kill('SIGTERM');
    const res = await run.result;
    expect(res.signal).toBe('SIGTERM');
    expect(existsSync(lock)).toBe(false);
  });
});
