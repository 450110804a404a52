// table.tex compiled by a real pdflatex, the way a paper uses it: \input into
// a standard `article`, one column and two columns. Any "Overfull \hbox" in the
// log means a table sticks out into the margin (or the other column), which is
// the failure this test exists for. Skipped with a reason when pdflatex is
// missing; .ci/run installs texlive-latex-base and texlive-latex-recommended.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LeaderboardRow, PairwiseRow, Report } from '../../../src/core/report.js';
import { renderLatex, texNumber } from '../../../src/stages/report/writers/latex.js';
import { sampleReport } from './fixture.js';
import { withClusters } from './clustered-fixture.js';
import { fmtP, fmtScore, fmtSigned } from '../../../src/core/format.js';

const pdflatex = spawnSync('pdflatex', ['--version'], { encoding: 'utf8' });
const HAVE_PDFLATEX = pdflatex.status === 0;
if (!HAVE_PDFLATEX) console.log('skipping the pdflatex tests: pdflatex not found (apt-get install texlive-latex-base texlive-latex-recommended)');

// Both protocols' metrics at once (3 on 1–10, 8 on 0–100): the widest table a
// shipped config can produce.
const METRICS: Report['metrics'] = [
  { id: 'veg', name: 'Visual evidence grounding', abbr: 'VEG', scale: { min: 1, max: 10 } },
  { id: 'spc', name: 'Situational persona compatibility', abbr: 'SPC', scale: { min: 1, max: 10 } },
  { id: 'cn', name: 'Conversational naturalism', abbr: 'CN', scale: { min: 1, max: 10 } },
  { id: 'character-consistency', name: 'Character consistency', abbr: 'CC', scale: { min: 0, max: 100 } },
  { id: 'knowledge-hallucination', name: 'Knowledge hallucination', abbr: 'KH', scale: { min: 0, max: 100 } },
  { id: 'instruction-adherence', name: 'Instruction adherence', abbr: 'IA', scale: { min: 0, max: 100 } },
  { id: 'utterance-fluency', name: 'Utterance fluency', abbr: 'UF', scale: { min: 0, max: 100 } },
  { id: 'human-likeness', name: 'Human-likeness', abbr: 'HL', scale: { min: 0, max: 100 } },
  { id: 'response-accuracy', name: 'Response accuracy', abbr: 'RA', scale: { min: 0, max: 100 } },
  { id: 'tone-consistency', name: 'Tone consistency', abbr: 'TC', scale: { min: 0, max: 100 } },
  { id: 'video-text-relevance', name: 'Video-text relevance', abbr: 'VTR', scale: { min: 0, max: 100 } },
];

const MODELS = ['Qwen2.5-VL-7B-Instruct', 'ebm_rl-ckpt-0042', 'InternVL3-8B', 'plain-vlm'];

/** 4 models × 11 metrics, 9 pairwise rows with wide figures (5-digit n, 100.00 scores, tiny p). */
function wideReport(): Report {
  const base = sampleReport();
  const leaderboard: LeaderboardRow[] = MODELS.map((model, i) => {
    const scores: LeaderboardRow['scores'] = {};
    METRICS.forEach((m, j) => {
      const mean = m.scale.max === 10 ? 9.99 - i - j / 10 : 100 - i * 7.31 - j;
      scores[m.id] = { mean, n: 32000, sd: 1, ci95: [mean - 0.1, mean + 0.1], failures: 0 };
    });
    return { model, scores, avg: 55.55 - i, n: 32000 };
  });
  const template = base.pairwise[0]!;
  const underflow = base.pairwise[1]!;
  const pairwise: PairwiseRow[] = [];
  for (const baseline of MODELS.filter((m) => m !== 'ebm_rl-ckpt-0042').slice(0, 3)) {
    for (const metric of ['veg', 'spc', 'video-text-relevance']) {
      const row = pairwise.length % 3 === 1 ? underflow : template;
      pairwise.push({ ...row, candidate: 'ebm_rl-ckpt-0042', baseline, metric, judge: 'gpt-5-mini', n: 32000, net: -99.9 });
    }
  }
  return { ...base, models: MODELS, metrics: METRICS, leaderboard, pairwise };
}

const ARTIFACTS = resolve('test-artifacts', 'latex');
const work = mkdtempSync(join(tmpdir(), 'rolejudge-latex-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Compiled {
  status: number | null;
  log: string;
  overfull: string[];
}

function compile(name: string, classOptions: string, tex: string): Compiled {
  writeFileSync(join(work, `${name}-table.tex`), tex);
  writeFileSync(
    join(work, `${name}.tex`),
    [
      `\\documentclass[${classOptions}]{article}`,
      '\\usepackage{booktabs}',
      '\\usepackage{tabularx}',
      '\\begin{document}',
      'Text before the tables, as in a paper.',
      `\\input{${name}-table.tex}`,
      '\\end{document}',
      '',
    ].join('\n'),
  );
  const r = spawnSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', `${name}.tex`], { cwd: work, encoding: 'utf8', timeout: 60_000 });
  const log = readFileSync(join(work, `${name}.log`), 'latin1');
  // The PDFs are kept for a reader to look at (CI can upload the folder).
  if (r.status === 0) {
    mkdirSync(ARTIFACTS, { recursive: true });
    copyFileSync(join(work, `${name}.pdf`), join(ARTIFACTS, `table-${name}.pdf`));
  }
  return { status: r.status, log, overfull: log.split('\n').filter((l) => /^Overfull \\hbox/.test(l)) };
}

describe.skipIf(!HAVE_PDFLATEX)('table.tex in a real pdflatex', () => {
  const tex = renderLatex(wideReport());

  it.each([
    ['one column', 'onecolumn'],
    ['two columns', 'twocolumn'],
  ])('fits %s of a standard article (no overfull box)', (_label, option) => {
    const out = compile(option, option, tex);
    expect(out.status, out.log.slice(-3000)).toBe(0);
    expect(out.overfull).toEqual([]);
    // Both tables really were typeset (a float that vanished cannot overflow).
    expect(out.log).toMatch(/Output written on .*\(\d+ pages?/);
  });

  it('still fits with the three EBM-RL metrics and the small fixture', () => {
    const out = compile('small', 'twocolumn', renderLatex(sampleReport()));
    expect(out.status, out.log.slice(-3000)).toBe(0);
    expect(out.overfull).toEqual([]);
  });
});

describe.skipIf(!HAVE_PDFLATEX)('table.tex with clustered figures in a real pdflatex', () => {
  const report = withClusters(wideReport(), 'session', 29);
  const tex = renderLatex(report);
  // A number as the writer typesets it: a minus sign in math mode.
  const num = (s: string) => (s.startsWith('-') ? `$-$${s.slice(1)}` : s);
  const pair = (x: [number, number]) => `${num(fmtScore(x[0]))}, ${num(fmtScore(x[1]))}`;

  it.each([
    ['one column', 'onecolumn'],
    ['two columns', 'twocolumn'],
  ])('fits %s with the clustered table and the cluster sign tests (no overfull box)', (_label, option) => {
    const out = compile(`clustered-${option}`, option, tex);
    expect(out.status, out.log.slice(-3000)).toBe(0);
    expect(out.overfull).toEqual([]);
  });

  it("labels clustered and unclustered intervals, names the cluster variable and count, and shows report.json's values", () => {
    expect(tex).toContain('\\caption{Clustered and unclustered 95\\% intervals: 29 session clusters.');
    expect(tex).toContain('Metric & Est. & i.i.d. & by session \\\\');
    const lines = tex.split('\n');
    // Every mean of report.json: its line under the model's heading holds both intervals, k and the design effect.
    for (const row of report.leaderboard) {
      const head = lines.findIndex((l) => l.includes('\\multicolumn{4}{@{}') && l.includes(`{\\emph{${breakableName(row.model)}}}`));
      expect(head, row.model).toBeGreaterThan(-1);
      report.metrics.forEach((m, j) => {
        const c = row.scores[m.id]!;
        const cells = [m.abbr, fmtScore(c.mean), pair(c.ci95!), pair(c.clustered!.ci95)];
        expect(lines[head + 1 + 2 * j]).toBe(`${cells.join(' & ')} \\\\`);
        expect(lines[head + 2 + 2 * j]).toBe(
          `& \\multicolumn{3}{r}{\\footnotesize $k$ = ${c.clustered!.clusters} sessions, Deff ${c.clustered!.designEffect!.toFixed(2)}} \\\\`,
        );
      });
    }
    const d = report.pairedDiffs[0]!;
    const at = lines.indexOf(`VEG & ${num(fmtSigned(d.meanDiff, 2))} & ${pair(d.ci95)} & ${pair(d.clustered!.ci95)} \\\\`);
    expect(at).toBeGreaterThan(-1);
    expect(lines[at + 1]).toBe(
      `& \\multicolumn{3}{r}{\\footnotesize $k$ = ${d.clustered!.clusters} sessions, Deff ${d.clustered!.designEffect!.toFixed(2)}} \\\\`,
    );
    // The cluster sign test sits under each pairwise row: one line per row.
    const signLines = lines.filter((l) => l.includes('\\footnotesize by session ('));
    expect(signLines).toHaveLength(report.pairwise.length);
    const c0 = report.pairwise[0]!.clustered!;
    expect(signLines[0]).toContain(
      `(${c0.positive}/${c0.negative}/${c0.tied}): $p$ = ${texNumber(fmtP(c0.p, c0.log10p))}, Holm ${texNumber(fmtP(c0.pHolm, c0.log10pHolm))}}`,
    );
  });
});

/** How latex.ts breaks a model name (see breakable there). */
function breakableName(name: string): string {
  return `\\hspace{0pt}${name
    .split(/(?<=[-_./])/)
    .map((p) => p.replace(/_/g, '\\_'))
    .join('\\allowbreak{}')}`;
}
