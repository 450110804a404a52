// `npm run bench:explorer`: how big report.html gets, and how long it takes
// to open in Chromium, at the scale of a real split: 32,000 samples × 3
// models × 11 metrics (one judge, one round: 1.06 million judgments) plus
// pairwise comparisons on the three EBM-RL metrics (candidate vs two
// baselines, both orders: 192,000 comparisons). The run is written straight
// into a run directory (nothing is judged); `rolejudge report` (the built CLI:
// run `npm run build` first) writes report.html with the explorer; Chromium
// (playwright-core, /usr/bin/chromium) opens it and we time: load, the
// explorer's first list, a filter over every sample, opening one sample.
//
//   node bench/explorer-bench.mjs [--samples 32000] [--detail 2000,32000] [--explorer-only] [--keep]
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { machine, runNode } from './lib/measure.mjs';
import { METRICS, noise } from './lib/run-records.mjs';

const MODELS = ['candidate-vlm', 'baseline-a', 'baseline-b'];
const JUDGE = 'gpt-4o';
const PAIR_METRICS = ['veg', 'spc', 'cn'];
const sid = (i) => `s${String(i).padStart(6, '0')}`;

function lines(file) {
  const out = createWriteStream(file);
  let buf = '';
  return {
    async add(line) {
      buf += `${line}\n`;
      if (buf.length > 1 << 20) {
        const chunk = buf;
        buf = '';
        if (!out.write(chunk)) await new Promise((r) => out.once('drain', () => r(undefined)));
      }
    },
    close: () => new Promise((res, rej) => out.end(buf, (e) => (e ? rej(e) : res()))),
  };
}

async function writeSyntheticRun(base, n) {
  const dir = join(base, 'runs', 'explorer-bench');
  for (const d of ['responses', 'judgments', 'comparisons']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(
    join(dir, 'run.json'),
    JSON.stringify({ runId: 'explorer-bench', configHash: 'bench', rolejudgeVersion: '0.1.0', createdAt: new Date(0).toISOString(), seed: 1 }),
  );
  const split = lines(join(base, 'split.jsonl'));
  for (let i = 0; i < n; i++) {
    await split.add(
      JSON.stringify({
        id: sid(i),
        caption: `Scene ${i}: a harbour at dusk, two people argue over a lantern while the ferry leaves.`,
        character: { name: 'Maren', description: 'A gruff lighthouse keeper who speaks in short sentences.' },
        user: { name: 'Tobiah', description: 'A young courier.' },
        history: [
          { speaker: 'Tobiah', text: `Is the light out again (${i})?` },
          { speaker: 'Maren', text: 'Starved, not broken.' },
        ],
        reference: 'Hold the lantern steady.',
      }),
    );
  }
  await split.close();
  const chars = (i, m) => 80 + Math.floor(noise(i, m, 99) * 300);
  for (let m = 0; m < MODELS.length; m++) {
    const f = lines(join(dir, 'responses', `${MODELS[m]}.jsonl`));
    for (let i = 0; i < n; i++) {
      const answer = `Reply ${i} of ${MODELS[m]}: `.padEnd(chars(i, m), 'x');
      await f.add(
        JSON.stringify({
          type: 'response',
          sampleId: sid(i),
          model: MODELS[m],
          kind: 'plain',
          raw: answer,
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
    await f.close();
  }
  const prov = { judgeHash: 'j', templateHash: 't', rubricVersion: '1', responseHash: 'r', framesHash: null, round: 1 };
  const jf = lines(join(dir, 'judgments', `${JUDGE}.jsonl`));
  for (let i = 0; i < n; i++) {
    for (let m = 0; m < MODELS.length; m++) {
      for (let k = 0; k < METRICS.length; k++) {
        const [metric, min, max] = /** @type {[string, number, number]} */ (METRICS[k]);
        const u = noise(i, m, k);
        const failed = u < 0.004;
        const score = failed ? null : min + Math.round(Math.min(1, 0.5 * noise(i, 0, k) + 0.4 * u + 0.1 * Number(m === 0)) * (max - min));
        const raw = failed
          ? 'I would rate this reply as fairly natural overall.'
          : `The reply stays in character and answers what was said; some phrasing is stiff. Score: ${score}`;
        await jf.add(
          JSON.stringify({
            type: 'judgment',
            sampleId: sid(i),
            model: MODELS[m],
            metric,
            judge: JUDGE,
            round: 1,
            mode: 'per-response',
            score,
            ...(failed ? { failure: { kind: 'parse', message: 'no score found in the reply' } } : {}),
            raw: [raw],
            attempts: failed ? 3 : 1,
            usage: null,
            latencyMs: null,
            sent: null,
            provenance: { ...prov, order: 'single' },
            selfId: [],
            answerChars: chars(i, m),
          }),
        );
      }
    }
  }
  await jf.close();
  const cf = lines(join(dir, 'comparisons', `${JUDGE}.jsonl`));
  for (let i = 0; i < n; i++) {
    for (const b of [1, 2]) {
      for (const metric of PAIR_METRICS) {
        const u = noise(i, b, metric.length);
        const ab = u < 0.5 ? 'win' : u < 0.8 ? 'loss' : 'tie';
        const ba = noise(i, b + 5, metric.length) < 0.8 ? ab : 'loss';
        const verdict = (order, o) => (o === 'tie' ? 'tie' : (o === 'win') === (order === 'AB') ? 'A' : 'B');
        const orders = [
          ['AB', ab],
          ['BA', ba],
        ].map(([order, o]) => ({
          order,
          verdict: verdict(order, o),
          outcome: o,
          raw: [`Both replies fit the scene; ${order} verdict: [[${verdict(order, o)}]]`],
          attempts: 1,
          usage: null,
          latencyMs: null,
          sent: null,
          templateHash: 't',
        }));
        const credit = ((ab === 'win' ? 1 : ab === 'tie' ? 0.5 : 0) + (ba === 'win' ? 1 : ba === 'tie' ? 0.5 : 0)) / 2;
        await cf.add(
          JSON.stringify({
            type: 'comparison',
            sampleId: sid(i),
            candidate: MODELS[0],
            baseline: MODELS[b],
            metric,
            judge: JUDGE,
            round: 1,
            orders,
            rule: 'half',
            outcome: credit > 0.5 ? 'win' : credit < 0.5 ? 'loss' : 'tie',
            credit,
            provenance: prov,
            candidateChars: chars(i, 0),
            baselineChars: chars(i, b),
          }),
        );
      }
    }
  }
  await cf.close();
  return dir;
}

function writeConfig(base, detail) {
  const file = join(base, `explorer-bench-${detail}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        run: { id: 'explorer-bench', outputDir: join(base, 'runs'), reportsDir: join(base, `reports-${detail}`) },
        dataset: { path: join(base, 'split.jsonl'), format: 'rolejudge' },
        models: MODELS.map((name) => ({ name, kind: 'plain', outputs: join(base, 'runs', 'explorer-bench', 'responses', `${name}.jsonl`) })),
        judges: [JUDGE],
        rubrics: METRICS.map(([id]) => id),
        compare: { candidates: [MODELS[0]], baselines: MODELS.slice(1) },
        report: { explorerDetail: detail },
      },
      null,
      2,
    ),
  );
  return file;
}

async function openInChromium(file) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const t0 = performance.now();
    await page.goto(`file://${file}`, { waitUntil: 'load', timeout: 300_000 });
    const loadMs = performance.now() - t0;
    await page.waitForFunction(() => /of \d+ samples/.test(document.getElementById('x-count')?.textContent ?? ''), null, { timeout: 300_000 });
    const listMs = performance.now() - t0;
    const f0 = performance.now();
    await page.selectOption('#x-outcome', 'failed');
    const failed = await page.locator('#x-count').textContent();
    const filterMs = performance.now() - f0;
    const o0 = performance.now();
    await page.locator('#x-rows .x-row').first().click();
    await page.locator('#x-sample h2').waitFor();
    const openMs = performance.now() - o0;
    const heap = await page.evaluate(() => /** @type {any} */ (performance).memory?.usedJSHeapSize ?? null);
    return { loadMs, listMs, filterMs, openMs, failed, heapMiB: heap && heap / 2 ** 20, errors };
  } finally {
    await browser.close();
  }
}

// (bench/lib's benchArgs still looks for dist/cli.js, which the re-layout renamed to dist/main.js.)
// --explorer-only: the explorer's own cost, without the hours of statistics a
// full report takes on a shared machine: its data built in-process from the
// run (dist/), rendered with a Report that has the run's names and no rows.
async function explorerOnly(base, n, detail) {
  const { buildExplorer } = await import('../dist/stages/report/explorer/build.js');
  const { renderHtml } = await import('../dist/stages/report/writers/html.js');
  const { RunStore } = await import('../dist/store/run.js');
  const { loadSamples } = await import('../dist/dataset/load.js');
  const zero = Object.fromEntries(
    [
      'responses',
      'responseErrors',
      'invalidFormat',
      'judgments',
      'judgmentFailures',
      'parseFailures',
      'judgeErrors',
      'emptyAnswers',
      'comparisons',
      'comparisonFailures',
      'selfIdFlags',
      'calls',
      'promptTokens',
      'completionTokens',
    ].map((k) => [k, 0]),
  );
  /** @type {any} */
  const report = {
    rolejudgeVersion: '0',
    runId: 'explorer-bench',
    configHash: 'bench',
    generatedFrom: 'bench',
    judges: [JUDGE],
    models: MODELS,
    metrics: METRICS.map(([id, min, max]) => ({ id, name: id, abbr: id, scale: { min, max } })),
    conventions: { rounds: '', ensemble: '', ties: '', combine: '', signTest: '', bootstrap: '', failures: '' },
    leaderboard: [],
    pairwise: [],
    pairedDiffs: [],
    positionBias: [],
    lengthBias: [],
    rankings: [],
    agreement: [],
    counts: zero,
  };
  const t0 = performance.now();
  const data = await buildExplorer(new RunStore(join(base, 'runs', 'explorer-bench')), report, {
    detailLimit: detail,
    samples: loadSamples({ path: join(base, 'split.jsonl'), format: 'rolejudge' }),
  });
  const buildS = (performance.now() - t0) / 1000;
  const file = join(base, `explorer-${detail}.html`);
  writeFileSync(file, renderHtml(report, data));
  const b = await openInChromium(file);
  return {
    mode: 'explorer-only',
    samples: n,
    detailSamples: Math.min(detail, n),
    buildS: +buildS.toFixed(1),
    htmlMiB: +(statSync(file).size / 2 ** 20).toFixed(1),
    loadS: +(b.loadMs / 1000).toFixed(2),
    firstListS: +(b.listMs / 1000).toFixed(2),
    filterMs: Math.round(b.filterMs),
    openSampleMs: Math.round(b.openMs),
    failedFilter: b.failed,
    heapMiB: b.heapMiB && Math.round(b.heapMiB),
    pageErrors: b.errors,
  };
}

const argv = process.argv.slice(2);
const flag = (name, dflt) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : dflt);
const CLI_PATH = fileURLToPath(new URL('../bin/rolejudge.js', import.meta.url));
if (!existsSync(fileURLToPath(new URL('../dist/main.js', import.meta.url)))) {
  console.error('dist/ is missing: run `npm run build` first (the bench measures the built CLI).');
  process.exit(2);
}
const args = {
  samples: flag('samples', '32000'),
  detail: flag('detail', '2000,32000'),
  keep: argv.includes('--keep'),
  explorerOnly: argv.includes('--explorer-only'),
};
const n = Number(args.samples);
const base = mkdtempSync(join(tmpdir(), 'rolejudge-explorer-bench-'));
console.log(`machine: ${machine()}`);
try {
  const w0 = performance.now();
  await writeSyntheticRun(base, n);
  console.log(`wrote ${n} samples × ${MODELS.length} models × ${METRICS.length} metrics in ${((performance.now() - w0) / 1000).toFixed(1)} s`);
  for (const detail of String(args.detail).split(',').map(Number)) {
    if (args.explorerOnly) {
      console.log(JSON.stringify(await explorerOnly(base, n, detail)));
      continue;
    }
    const r = await runNode([CLI_PATH, 'report', '-c', writeConfig(base, detail), '-q'], { cwd: base, timeoutMs: 3_600_000 });
    const html = join(base, `reports-${detail}`, 'explorer-bench', 'report.html');
    const bytes = statSync(html).size;
    const b = await openInChromium(html);
    console.log(
      JSON.stringify({
        samples: n,
        detailSamples: Math.min(detail, n),
        reportWallS: +(r.wallMs / 1000).toFixed(1),
        peakRssMiB: Math.round(r.maxRssMb),
        htmlMiB: +(bytes / 2 ** 20).toFixed(1),
        loadS: +(b.loadMs / 1000).toFixed(2),
        firstListS: +(b.listMs / 1000).toFixed(2),
        filterMs: Math.round(b.filterMs),
        openSampleMs: Math.round(b.openMs),
        failedFilter: b.failed,
        heapMiB: b.heapMiB && Math.round(b.heapMiB),
        pageErrors: b.errors,
      }),
    );
  }
} finally {
  if (!args.keep) rmSync(base, { recursive: true, force: true });
  else console.log(`kept ${base}`);
}
