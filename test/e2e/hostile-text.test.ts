// Text from datasets and models never becomes markup: a <script> planted in a
// model answer, a character name, a caption and a reference goes through the
// whole offline pipeline, and report.html stays inert in a real Chromium.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, runCli } from '../helpers/cli.js';
import { configFor, makeWorkspace, SAMPLE_DIR, SAMPLE_OUTPUTS, type Workspace } from './workspace.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`skipping hostile-text browser check: ${CHROMIUM} not found (apt-get install -y chromium)`);

const SCRIPT = '<script>window.__pwned=1</script>';
const IMG = '<img src=x onerror="window.__pwned=2">';

describe('hostile text from datasets and models', () => {
  let ws: Workspace;
  let reportDir: string;

  beforeAll(async () => {
    ws = makeWorkspace('hostile');
    // A copy of the sample split whose first record carries markup in every text field.
    const lines = readFileSync(join(SAMPLE_DIR, 'split.jsonl'), 'utf8').trim().split('\n').slice(0, 4);
    const first = JSON.parse(lines[0]!);
    first.character.name = `Maren ${SCRIPT}`;
    first.caption = `${first.caption} ${IMG}`;
    first.reference = `${SCRIPT} ${first.reference}`;
    first.video = { frames: first.video.frames.map((f: string) => join(SAMPLE_DIR, f)) };
    const rest = lines.slice(1).map((l) => {
      const r = JSON.parse(l);
      if (r.video?.frames) r.video = { frames: r.video.frames.map((f: string) => join(SAMPLE_DIR, f)) };
      return JSON.stringify(r);
    });
    const split = join(ws.dir, 'split.jsonl');
    writeFileSync(split, [JSON.stringify(first), ...rest].join('\n') + '\n');
    const outputs = readFileSync(SAMPLE_OUTPUTS.plain, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    outputs[0].output = `${SCRIPT}${IMG} I will not let the light die.`;
    const hostileOutputs = join(ws.dir, 'hostile-outputs.jsonl');
    writeFileSync(hostileOutputs, outputs.map((o) => JSON.stringify(o)).join('\n') + '\n');
    const cfg = ws.config(
      'hostile',
      configFor(ws, {
        runId: 'hostile',
        models: [
          { name: 'plainbot', kind: 'plain', outputs: hostileOutputs },
          { name: 'ebmbot', kind: 'ebm', outputs: SAMPLE_OUTPUTS.ebm },
        ],
        judges: ['offline'],
        rubrics: ['veg', 'cn'],
        compare: { candidates: ['ebmbot'], baselines: ['plainbot'] },
        dataset: { path: split, format: 'rolejudge', root: SAMPLE_DIR },
      }),
    );
    const res = await runCli(['run', '-c', cfg]);
    expect(res.code, describeRun(res)).toBe(0);
    reportDir = join(ws.reports, 'hostile');
  });
  afterAll(() => ws?.remove());

  it('keeps raw markup out of report.html and report.md', () => {
    for (const f of ['report.html', 'report.md']) {
      const text = readFileSync(join(reportDir, f), 'utf8');
      expect(text).not.toContain('<script>window.__pwned');
      expect(text).not.toContain('onerror="window.__pwned');
    }
  });

  it.skipIf(!hasChromium)('runs no planted code in Chromium', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.goto(pathToFileURL(join(reportDir, 'report.html')).href, { waitUntil: 'load' });
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      // The only scripts are rolejudge's own: the explorer (allowed by its hash in
      // the CSP) and its JSON data island, which the browser never runs.
      const scripts = await page.evaluate(() => [...document.querySelectorAll('script')].map((s) => s.type || 'classic'));
      expect(scripts.filter((t) => t !== 'application/json')).toHaveLength(1);
      expect(dialogs).toEqual([]);
      // The page did render its tables.
      expect(await page.locator('table').count()).toBeGreaterThan(0);
    } finally {
      await browser.close();
    }
  });
});
