// report.html in a real headless Chromium: it must render offline, show the
// figures of report.json, draw its charts, keep planted markup inert, and
// let a reader filter samples, open one and read its judge replies.
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fmtInt, fmtP, fmtScore, fmtShare, fmtSigned } from '../../../src/core/format.js';
import type { Report } from '../../../src/core/report.js';
import { writeReport } from '../../../src/stages/report/writers/index.js';
import { HOSTILE_NAMES, sampleReport } from './fixture.js';
import { withClusters } from './clustered-fixture.js';
import { buildExplorer } from '../../../src/stages/report/explorer/build.js';
import { RunStore } from '../../../src/store/run.js';
import { HOSTILE_REPLY, writeFixtureRun, type FixtureRun } from './explorer-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`skipping report.html browser tests: ${CHROMIUM} not found (apt-get install -y chromium)`);

describe.skipIf(!hasChromium)('report.html in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let fileUrl: string;
  let json: Report;
  let run: FixtureRun;
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolejudge-html-'));
    const report = withClusters(sampleReport(HOSTILE_NAMES));
    run = writeFixtureRun(join(dir, 'run'), report.models);
    const explorer = await buildExplorer(new RunStore(run.dir), report, { samples: run.samples });
    await writeReport(report, dir, explorer);
    json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
    fileUrl = pathToFileURL(join(dir, 'report.html')).href;
    browser = await chromium.launch({
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
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(fileUrl, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('loads nothing but the file itself and logs no error', () => {
    expect(requests).toEqual([fileUrl]);
    expect(requests.every((u) => u.startsWith('file://'))).toBe(true);
    expect(consoleErrors).toEqual([]);
  });

  it('keeps planted <script> and onerror markup inert and shows it as text', async () => {
    expect(dialogs).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    // Only the page's own two: the JSON island and the explorer script (allowed by its hash).
    expect(await page.locator('script').count()).toBe(2);
    expect(await page.locator('img').count()).toBe(0);
    const names = await page.$$eval('#leaderboard td.name', (tds) => tds.map((td) => td.textContent));
    expect(names).toEqual(json.leaderboard.map((r) => r.model));
  });

  it('shows the leaderboard figures of report.json, best per column in bold', async () => {
    const cells = await page.$$eval('#leaderboard td[data-metric]', (tds) =>
      tds.map((td) => ({
        model: td.getAttribute('data-model'),
        metric: td.getAttribute('data-metric'),
        text: td.textContent?.trim(),
        best: td.classList.contains('best'),
        weight: getComputedStyle(td).fontWeight,
      })),
    );
    expect(cells).toHaveLength(json.leaderboard.length * (json.metrics.length + 1));
    for (const row of json.leaderboard) {
      for (const m of json.metrics) {
        const c = cells.find((x) => x.model === row.model && x.metric === m.id);
        expect(c?.text).toBe(fmtScore(row.scores[m.id]?.mean));
      }
      expect(cells.find((x) => x.model === row.model && x.metric === 'avg')?.text).toBe(fmtScore(row.avg));
    }
    // The best VEG mean in the JSON is the one (and only one) bold VEG cell.
    const vegMeans = json.leaderboard.map((r) => r.scores.veg?.mean ?? -Infinity);
    const bestModel = json.leaderboard[vegMeans.indexOf(Math.max(...vegMeans))]?.model;
    const boldVeg = cells.filter((c) => c.metric === 'veg' && c.best);
    expect(boldVeg.map((c) => c.model)).toEqual([bestModel]);
    expect(Number(boldVeg[0]?.weight)).toBeGreaterThanOrEqual(700);
  });

  it('shows the pairwise, position-bias and count figures of report.json', async () => {
    for (const [i, r] of json.pairwise.entries()) {
      const field = (f: string) => page.locator(`#pairwise-table tr[data-row="${i}"] td[data-field="${f}"]`).textContent();
      expect(await field('net')).toBe(fmtSigned(r.net));
      expect(await field('decisive')).toBe(fmtShare(r.decisive));
      expect(await field('p')).toBe(fmtP(r.p, r.log10p));
      expect(await field('pHolm')).toBe(fmtP(r.pHolm, r.log10pHolm));
      expect(await field('n')).toBe(String(r.n));
    }
    expect(await page.locator('#pairwise-table tr[data-row="1"] td[data-field="p"]').textContent()).toMatch(/e-60\d$/);
    const pb = json.positionBias[0]!;
    expect(await page.locator('#position-bias-table tr[data-row="0"] td[data-field="consistency"]').textContent()).toBe(fmtShare(pb.consistency));
    expect(await page.locator('td[data-count="promptTokens"]').textContent()).toBe(fmtInt(json.counts.promptTokens));
    expect(await page.locator('td[data-count="calls"]').textContent()).toBe(fmtInt(json.counts.calls));
  });

  it('shows the clustered intervals beside the unclustered ones, the cluster variable and count, and the cluster sign test of report.json', async () => {
    const cl = json.clustering!;
    expect(await page.locator('#clustered [data-field="cluster-by"]').textContent()).toBe(cl.by);
    expect(await page.locator('#clustered [data-field="cluster-count"]').textContent()).toBe(String(cl.clusters));
    expect(await page.locator('#clustered-table thead').textContent()).toContain(`95% CI (clustered by ${cl.by})`);
    expect(await page.locator('#clustered-table thead').textContent()).toContain('95% CI (unclustered, i.i.d.)');
    const pair = (x: [number, number]) => `${fmtScore(x[0])}, ${fmtScore(x[1])}`;
    // Expected rows straight from report.json: each mean, then each paired difference.
    const expected = [
      ...json.leaderboard.flatMap((row) =>
        json.metrics.map((m) => {
          const c = row.scores[m.id]!;
          return [
            row.model,
            m.abbr,
            fmtScore(c.mean),
            pair(c.ci95!),
            pair(c.clustered!.ci95),
            String(c.clustered!.clusters),
            c.clustered!.designEffect!.toFixed(2),
          ];
        }),
      ),
      ...json.pairedDiffs.map((d) => [
        `${d.candidate} \u2212 ${d.baseline}`,
        json.metrics.find((m) => m.id === d.metric)!.abbr,
        fmtSigned(d.meanDiff, 2),
        pair(d.ci95),
        pair(d.clustered!.ci95),
        String(d.clustered!.clusters),
        d.clustered!.designEffect!.toFixed(2),
      ]),
    ];
    const shown = await page.$$eval('#clustered-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(shown).toEqual(expected);
    // The clustered interval is not the i.i.d. one printed twice.
    expect(shown.every((r) => r[3] !== r[4])).toBe(true);
    const signs = await page.$$eval('#clustered-signs-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(signs).toEqual(
      json.pairwise.map((r) => {
        const c = r.clustered!;
        return [
          `${r.candidate} vs ${r.baseline}`,
          json.metrics.find((m) => m.id === r.metric)!.abbr,
          r.judge,
          fmtP(r.p, r.log10p),
          fmtP(r.pHolm, r.log10pHolm),
          `${c.positive}/${c.negative}/${c.tied}`,
          fmtP(c.p, c.log10p),
          fmtP(c.pHolm, c.log10pHolm),
        ];
      }),
    );
  });

  it('draws every chart with visible bars and error bars', async () => {
    const charts = page.locator('svg.chart');
    expect(await charts.count()).toBe(json.metrics.length + 1);
    for (let i = 0; i < (await charts.count()); i++) {
      const box = await charts.nth(i).boundingBox();
      expect(box?.width).toBeGreaterThan(0);
      expect(box?.height).toBeGreaterThan(0);
    }
    const veg = page.locator('svg.chart[data-metric="veg"]');
    expect(await veg.locator('g.ci line').count()).toBe(3 * json.leaderboard.length);
    // Bar lengths follow the means: the widest bar belongs to the best model.
    const bars = veg.locator('rect.bar');
    expect(await bars.count()).toBe(json.leaderboard.length);
    const widths: number[] = [];
    for (let i = 0; i < json.leaderboard.length; i++) {
      const box = await bars.nth(i).boundingBox();
      expect(box?.height).toBeGreaterThan(0);
      widths.push(box?.width ?? 0);
    }
    const means = json.leaderboard.map((r) => r.scores.veg?.mean ?? 0);
    expect(widths.indexOf(Math.max(...widths))).toBe(means.indexOf(Math.max(...means)));
    expect(widths.every((w) => w > 0)).toBe(true);
    const segs = page.locator('svg[data-chart="pairwise"] rect.seg');
    expect(await segs.count()).toBeGreaterThan(0);
    const win0 = await page.locator('svg[data-chart="pairwise"] rect.seg-win[data-row="0"]').boundingBox();
    const loss0 = await page.locator('svg[data-chart="pairwise"] rect.seg-loss[data-row="0"]').boundingBox();
    const r0 = json.pairwise[0]!;
    expect((win0?.width ?? 0) / (loss0?.width ?? 1)).toBeCloseTo(r0.winPct / r0.lossPct, 1);
  });

  it('saves a full-page screenshot', async () => {
    mkdirSync('test-artifacts', { recursive: true });
    const png = await page.screenshot({ path: 'test-artifacts/report.png', fullPage: true });
    // PNG signature, and a page taller than one screen (tables + charts).
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(20)).toBeGreaterThan(900);
  });

  it('has every report.md section: agreement and length effects are tables of report.json figures', async () => {
    expect(await page.locator('#agreement-table td').nth(1).textContent()).toBe('0.710');
    expect(await page.locator('#length-controlled-table tr[data-row="0"] td').nth(4).textContent()).toBe(fmtShare(0.61));
  });

  it('lists every sample, and renders only the rows in view', async () => {
    expect(await page.locator('#x-count').textContent()).toBe('40 of 40 samples');
    const rows = await page.locator('#x-rows .x-row').count();
    expect(rows).toBeGreaterThan(5);
    expect(rows).toBeLessThan(40);
  });

  it('filters to the failed samples, opens one and shows its judge replies as text', async () => {
    await page.selectOption('#x-outcome', 'failed');
    expect(await page.locator('#x-count').textContent()).toBe(`${run.failed.length} of 40 samples`);
    expect(await page.$$eval('#x-rows .x-row', (rs) => rs.map((r) => r.getAttribute('data-sample')))).toEqual(run.failed);
    await page.click('#x-rows .x-row[data-sample="s003"]');
    const box = page.locator('#x-sample');
    expect(await box.locator('h2').textContent()).toBe('Sample s003');
    const failedJudgment = box.locator('.x-judgment.failed');
    expect(await failedJudgment.count()).toBe(1);
    expect(await failedJudgment.locator('pre.reply').count()).toBe(2);
    expect(await failedJudgment.locator('pre.reply').first().textContent()).toBe(HOSTILE_REPLY);
    expect(await failedJudgment.locator('p.fail').textContent()).toContain('no score in the reply');
    // 3 models x 3 metrics x 2 judges, one of them failed; the parsed score of each other one is shown.
    expect(await box.locator('.x-judgment').count()).toBe(18);
    expect(await box.locator('.x-judgment .x-parsed').first().textContent()).toMatch(/^Parsed score: \d+$/);
    expect(await box.locator('.x-caption').textContent()).toContain('<script>window.__pwned=1</script>');
    expect(await page.locator('#x-sample script, #x-sample img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  });

  it('shows both orders of a comparison whose orders disagreed', async () => {
    await page.selectOption('#x-outcome', 'orders');
    expect(await page.locator('#x-count').textContent()).toBe(`${run.ordersDisagreed.length} of 40 samples`);
    await page.click('#x-rows .x-row[data-sample="s005"]');
    const cmp = page.locator('#x-sample .x-comparison');
    expect(await cmp.count()).toBe(1);
    expect(await cmp.locator('.x-order[data-order="AB"] pre.reply').textContent()).toBe('Order AB of s005: [[A]]');
    expect(await cmp.locator('.x-order[data-order="BA"] pre.reply').textContent()).toBe('Order BA of s005: [[A]]');
    expect(await cmp.locator('.x-parsed').textContent()).toContain('tie');
  });

  it('sorts by the chosen model and metric', async () => {
    await page.selectOption('#x-outcome', 'all');
    await page.selectOption('#x-model', '0');
    await page.selectOption('#x-metric', '0');
    await page.selectOption('#x-sort', 'score-desc');
    const shown = await page.$$eval('#x-rows .x-row .x-v', (vs) => vs.map((v) => Number(v.textContent)));
    expect(shown.length).toBeGreaterThan(3);
    expect([...shown].sort((a, b) => b - a)).toEqual(shown);
    await page.fill('#x-search', 's01');
    expect(await page.locator('#x-count').textContent()).toBe('10 of 40 samples');
  });

  it('made no request and logged no error while being explored', () => {
    expect(requests).toEqual([fileUrl]);
    expect(consoleErrors).toEqual([]);
  });

  it('fits a 390 px screen: no sideways scroll, pairwise chart text at 11 px or more', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const errors: string[] = [];
    phone.on('pageerror', (e) => errors.push(String(e)));
    await phone.goto(fileUrl, { waitUntil: 'load' });
    // Nothing sticks out of the viewport (wide tables scroll inside their own box).
    const outside = (p: Page) =>
      p.evaluate(() =>
        [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5 && !e.closest('.scroll'))
          .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`),
      );
    expect(await outside(phone)).toEqual([]);
    const widths = await phone.evaluate(() => [document.documentElement.scrollWidth, document.body.scrollWidth]);
    expect(Math.max(...widths)).toBeLessThanOrEqual(390);
    const sizes = await phone.$$eval('svg[data-chart="pairwise"] text', (ts) =>
      ts.map((t) => {
        const svg = (t as SVGTextElement).ownerSVGElement!;
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return parseFloat(getComputedStyle(t).fontSize) * scale;
      }),
    );
    expect(sizes.length).toBeGreaterThan(0);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(11);
    await phone.click('#x-rows .x-row[data-sample="s003"]');
    expect(await outside(phone)).toEqual([]);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    mkdirSync('test-artifacts', { recursive: true });
    await phone.screenshot({ path: 'test-artifacts/report-390.png', fullPage: true });
    expect(errors).toEqual([]);
    await phone.close();
  });

  it('saves a 1440 px screenshot with a sample open', async () => {
    const wide = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await wide.goto(fileUrl, { waitUntil: 'load' });
    await wide.click('#x-rows .x-row[data-sample="s007"]');
    expect(await wide.locator('#x-sample .x-comparison.failed').count()).toBe(1);
    expect(await wide.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1440);
    await wide.screenshot({ path: 'test-artifacts/report-1440.png', fullPage: true });
    await wide.close();
  });
});
