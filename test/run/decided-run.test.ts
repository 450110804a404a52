// run --until-decided then the gate, in-process against the fake server: both
// judging stages stop early, the report files state it, and the gate judges
// from the anytime-valid figures and says so.
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runAll } from '../../src/run/run.js';
import { startFakeServer, type FakeServer } from '../helpers/fake-server.js';
import { kindOf } from '../e2e/fake-roleplay.js';
import { makeWorkspace, type Workspace } from '../e2e/workspace.js';
import { decidedConfig, judgeHandler, N, writeSplit } from './decided-fixture.js';

let server: FakeServer;
let ws: Workspace;
beforeAll(async () => {
  server = await startFakeServer({ handler: judgeHandler(() => 'clear') });
  ws = makeWorkspace('decided-run');
});
afterAll(async () => {
  await server.close();
  ws.remove();
});

describe('run --until-decided with a gate', () => {
  it('stops both stages early, states it in report.json/md/html, and the gate uses the anytime figures', async () => {
    const files = writeSplit(ws);
    const out: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    const cfg = decidedConfig(ws, 'gated', server.url, files, { gate: { candidate: 'cand', baseline: 'base', margin: 0 } });
    const before = server.requests.length;
    // The candidate wins every comparison but scores 1 against 10: the mean rule fails.
    const code = await runAll({ config: cfg, 'until-decided': true } as never);
    vi.restoreAllMocks();
    expect(code).toBe(1);
    const sent = server.requests.slice(before);
    const report = JSON.parse(readFileSync(join(ws.reports, 'gated', 'report.json'), 'utf8'));
    const u = report.untilDecided;
    expect(u.score.stoppedEarly).toBe(true);
    expect(u.compare.stoppedEarly).toBe(true);
    expect(sent.filter((q) => kindOf(q.body) === 'pointwise')).toHaveLength(u.score.samplesJudged * u.score.callsPerSample);
    expect(sent.filter((q) => kindOf(q.body) === 'pairwise')).toHaveLength(u.compare.samplesJudged * u.compare.callsPerSample);
    expect(u.score.samplesJudged).toBeLessThan(N / 2);
    expect(u.compare.samplesJudged).toBeLessThan(N / 2);
    expect(u.note).toMatch(/not valid under optional stopping/);
    expect(u.compare.comparisons[0]).toMatchObject({ candidate: 'cand', baseline: 'base', metric: 'cn', winner: 'candidate' });
    expect(u.compare.comparisons[0].pAnytimeHolm).toBeLessThan(0.05);
    // The report's calls are the requests sent.
    expect(report.counts.calls).toBe(sent.length);

    const md = readFileSync(join(ws.reports, 'gated', 'report.md'), 'utf8');
    expect(md).toContain('## Judged until decided');
    expect(md).toMatch(new RegExp(`compare — stopped early: decided after the first ${u.compare.stoppingPrefix} samples`));
    expect(md).toMatch(/not valid under optional stopping/);
    const html = readFileSync(join(ws.reports, 'gated', 'report.html'), 'utf8');
    expect(html).toMatch(/data-field="until-decided">Judged until decided: score — stopped early/);
    // As a reader sees it: the line is rendered and visible in Chromium.
    if (existsSync('/usr/bin/chromium')) {
      const browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
      try {
        const page = await browser.newPage();
        await page.goto(pathToFileURL(join(ws.reports, 'gated', 'report.html')).href);
        const line = page.locator('[data-field="until-decided"]');
        expect(await line.isVisible()).toBe(true);
        expect(await line.textContent()).toMatch(/compare — stopped early: decided after the first \d+ samples/);
      } finally {
        await browser.close();
      }
    }

    const verdict = out.join('');
    expect(verdict).toMatch(/anytime-valid confidence sequence \(--until-decided, stopped after \d+ samples\)/);
    expect(verdict).toMatch(/anytime p\(Holm\)/);
  });
});

describe('run --until-decided refuses what cannot stop early, before spending', () => {
  it('listwise scoring and --batch exit 2 with no request sent and no run written', async () => {
    const { exitCodeFor } = await import('../../src/core/errors.js');
    const files = writeSplit(ws);
    for (const [id, extra, argv] of [
      ['listwise', { score: { mode: 'listwise' } }, {}],
      ['batch', {}, { batch: true }],
    ] as const) {
      const cfg = decidedConfig(ws, id, server.url, files, extra);
      const before = server.requests.length;
      let err: unknown = null;
      try {
        await runAll({ config: cfg, quiet: true, 'until-decided': true, ...argv } as never);
      } catch (e) {
        err = e;
      }
      expect(exitCodeFor(err)).toBe(2);
      expect(String((err as Error).message)).toMatch(id === 'batch' ? /--batch/ : /per-response/);
      expect(server.requests.length).toBe(before);
      expect(existsSync(ws.runDir(id))).toBe(false);
    }
  });
});
