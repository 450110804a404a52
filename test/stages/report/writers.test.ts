import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fmtP, fmtScore } from '../../../src/core/format.js';
import { escapeHtml, truncate } from '../../../src/stages/report/writers/escape.js';
import { HTML_TEMPLATE } from '../../../src/stages/report/writers/html.js';
import {
  REPORT_FILES,
  renderHtml,
  renderJson,
  renderLatex,
  renderLeaderboardCsv,
  renderMarkdown,
  renderPairwiseCsv,
  writeReport,
} from '../../../src/stages/report/writers/index.js';
import { escapeLatex } from '../../../src/stages/report/writers/latex.js';
import { tickValues } from '../../../src/stages/report/writers/svg.js';
import { HOSTILE_NAMES, sampleReport } from './fixture.js';

const lines = (s: string): string[] => s.trimEnd().split('\n');
// Markdown table cells: split on pipes that are not escaped.
const mdCells = (line: string): string[] =>
  line
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((c) => c.trim());

describe('CSV', () => {
  it('writes one leaderboard row per model with 2-decimal means', () => {
    const r = sampleReport(['Ours, "v2"', 'Baseline-7B', 'Video LLaMA']);
    const out = lines(renderLeaderboardCsv(r));
    expect(out[0]).toBe('model,VEG,SPC,CN,Avg,n');
    expect(out).toHaveLength(1 + r.leaderboard.length);
    // Commas and quotes in a name are quoted, not split into columns.
    expect(out[1]).toBe('"Ours, ""v2""",7.46,6.20,3.12,5.59,120');
    expect(out[3]).toBe('Video LLaMA,5.00,5.50,2.90,4.47,120');
  });

  it('leaves a missing mean empty', () => {
    const r = sampleReport();
    r.leaderboard[1]!.scores.spc!.mean = null;
    r.leaderboard[1]!.avg = null;
    expect(lines(renderLeaderboardCsv(r))[2]).toBe('Baseline-7B,6.90,,3.12,,118');
  });

  it('writes counts, percentages and scientific p-values per comparison', () => {
    const out = lines(renderPairwiseCsv(sampleReport()));
    expect(out[0]).toBe(
      'candidate,baseline,metric,judge,n,win,loss,tie,win_pct,loss_pct,tie_pct,net,decisive,' + 'decisive_ci95_low,decisive_ci95_high,p,p_holm,failures',
    );
    const header = out[0]!.split(',');
    const row = (i: number) => Object.fromEntries(out[i]!.split(',').map((v, j) => [header[j], v]));
    expect(row(1)).toMatchObject({ metric: 'VEG', n: '500', win: '257', loss: '134', tie: '109', win_pct: '51.4' });
    expect(row(1)).toMatchObject({ net: '24.6', decisive: '65.7', decisive_ci95_low: '60.8', p: '4.96e-10', p_holm: '9.92e-10' });
    expect(row(2)).toMatchObject({ p: '5.01e-603', p_holm: '1.00e-602', loss_pct: '0.0', decisive: '100.0' });
  });
});

describe('JSON', () => {
  it('round-trips the Report with 2-space indent and a trailing newline', () => {
    const r = sampleReport();
    const out = renderJson(r);
    expect(JSON.parse(out)).toEqual(r);
    expect(out.endsWith('}\n')).toBe(true);
    expect(out.split('\n')[1]).toBe('  "rolejudgeVersion": "0.1.0",');
  });
});

describe('Markdown', () => {
  const md = renderMarkdown(sampleReport());

  it('bolds the best value of each column, ties included', () => {
    const rows = lines(md).filter((l) => l.startsWith('| ') && mdCells(l).length === 6);
    const [header, , a, b, c] = rows.map(mdCells);
    expect(header).toEqual(['Model', 'VEG', 'SPC', 'CN', 'Avg', 'n']);
    expect(a).toEqual(['Ours\\_v2 \\& co', '**7.46**', '6.20', '**3.12**', '5.59', '120']);
    expect(b).toEqual(['Baseline-7B', '6.90', '**6.81**', '**3.12**', '**5.61**', '118']);
    expect(c?.some((x) => x.startsWith('**'))).toBe(false);
  });

  it('shows pairwise rows the way the papers do', () => {
    const row = lines(md).find((l) => l.includes('51.4/26.8/21.8'));
    expect(row && mdCells(row)).toEqual([
      'Ours\\_v2 \\& co vs Baseline-7B',
      'VEG',
      'judge-a',
      '500',
      '51.4/26.8/21.8',
      '+24.6',
      '65.7',
      '4.96e-10',
      '9.92e-10',
    ]);
    expect(md).toContain('| 5.01e-603 | 1.00e-602 |');
    expect(md).toContain('| judge-a | VEG | 250 | 82.4 | 57.3 |');
    expect(md).toContain('| Prompt tokens | 12,345,678 |');
    expect(md).toContain('- **Sign test:** exact two-sided binomial, p = 0.5');
  });

  it('keeps pipes, newlines and markup in names inside their cell', () => {
    const out = renderMarkdown(sampleReport(['a|b\nc', '<script>alert(1)</script>', 'x*y*_z_']));
    const table = lines(out).filter((l) => l.startsWith('|'));
    const scoreRows = table.slice(0, 5).map(mdCells);
    expect(scoreRows.every((cells) => cells.length === 6)).toBe(true);
    expect(scoreRows[2]?.[0]).toBe('a\\|b c');
    expect(out).toContain('\\<script\\>alert(1)\\</script\\>');
    expect(out).toContain('x\\*y\\*\\_z\\_');
    expect(out).not.toContain('<script>');
  });
});

describe('LaTeX', () => {
  const tex = renderLatex(sampleReport());

  it('escapes every special character once', () => {
    expect(escapeLatex('a_b & 50% $x #1 {y} ~ ^ \\')).toBe('a\\_b \\& 50\\% \\$x \\#1 \\{y\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{}');
    // Names may break after "_" (\allowbreak) so a long model id wraps instead of overflowing.
    expect(tex).toContain('\\hspace{0pt}Ours\\_\\allowbreak{}v2 \\& co & \\textbf{7.46} & 6.20 & \\textbf{3.12} & 5.59 & 120 \\\\');
  });

  it('is a booktabs table whose rows have one cell per column', () => {
    const body = tex.slice(tex.indexOf('\\midrule'), tex.indexOf('\\bottomrule'));
    const rows = lines(body).slice(1);
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row.match(/(?<!\\)&/g)).toHaveLength(5);
    expect(tex.indexOf('\\toprule')).toBeLessThan(tex.indexOf('\\midrule'));
    expect(tex).toContain('\\begin{tabularx}{\\linewidth}{@{}>{\\raggedright\\arraybackslash}Xrrrrr@{}}');
    expect(tex).toContain('$4.96\\times10^{-10}$');
    expect(tex).toContain('$5.01\\times10^{-603}$');
  });

  it('writes a negative net win rate with a real minus sign', () => {
    const r = sampleReport();
    r.pairwise[0]!.net = -3;
    expect(renderLatex(r)).toContain(' & $-$3.0 & ');
    expect(renderMarkdown(r)).toContain(' | -3.0 | ');
  });
});

describe('HTML', () => {
  const html = renderHtml(sampleReport(HOSTILE_NAMES));

  it('escapes markup in model names everywhere, tables and charts alike', () => {
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;quotes&quot;');
    // Inside attributes too: a quote cannot close data-model="…".
    expect(html).not.toMatch(/data-model="[^"]*"quotes/);
  });

  it('is self-contained: CSP meta, no external resource of any kind', () => {
    // Scripts only by the hash of the explorer script, never 'unsafe-inline'.
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
    expect(csp).toMatch(
      /^default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-[A-Za-z0-9+/]{43}='; require-trusted-types-for 'script'/,
    );
    expect(/script-src ([^;]*)/.exec(csp)?.[1]).not.toContain('unsafe');
    // Walk real attributes (all double-quoted), so the escaped planted
    // `&lt;img src=x` inside a title="…" value does not count.
    expect(html).not.toMatch(/<[a-z]+(?:\s+[\w:-]+(?:="[^"]*")?)*\s+(?:src|href)=/i);
    expect(html).toMatch(/<[a-z]+(?:\s+[\w:-]+(?:="[^"]*")?)*\s+data-model=/i);
    expect(html).not.toMatch(/<link|@import|<iframe|<object/i);
    expect(html.match(/url\([^)]*\)/g)?.every((u) => u.startsWith('url(#'))).toBe(true);
    const urls = html.match(/https?:\/\/[^\s"')]+/g) ?? [];
    expect(urls.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
  });

  it('marks the figures with data attributes and draws one chart per metric plus pairwise', () => {
    const r = sampleReport();
    const out = renderHtml(r);
    expect(out).toContain(`data-model="Baseline-7B" data-metric="spc" class="best"`);
    expect(out).toContain(`>${fmtScore(r.leaderboard[2]!.scores.veg!.mean)}</td>`);
    expect(out).toContain(`<td data-field="p">${fmtP(r.pairwise[1]!.p, r.pairwise[1]!.log10p)}</td>`);
    expect(out.match(/<svg /g)).toHaveLength(r.metrics.length + 1);
    expect(out.match(/<rect class="bar"/g)).toHaveLength(r.metrics.length * r.leaderboard.length);
  });

  it('finds its template relative to the module', () => {
    expect(HTML_TEMPLATE).toBe(fileURLToPath(new URL('../../../templates/report.html.hbs', import.meta.url)));
    expect(existsSync(HTML_TEMPLATE)).toBe(true);
  });
});

describe('helpers', () => {
  it('escapes all five HTML characters and truncates on code points', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(truncate('abcdef', 4)).toBe('abc\u2026');
    expect(truncate('😀😀😀😀😀', 3)).toBe('😀😀\u2026');
    expect(truncate('a\nb', 5)).toBe('a b');
  });

  it('picks round axis ticks', () => {
    expect(tickValues(1, 10)).toEqual([2, 4, 6, 8, 10]);
    expect(tickValues(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(tickValues(1, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(tickValues(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });
});

describe('sparse reports', () => {
  it('renders every format without pairwise or position-bias rows, and leaves those sections out', () => {
    const r = sampleReport();
    r.pairwise = [];
    r.positionBias = [];
    r.leaderboard[2]!.scores.cn = { mean: null, n: 0, sd: null, ci95: null, failures: 120 };
    r.leaderboard[2]!.avg = null;
    expect(renderMarkdown(r)).not.toContain('## Pairwise');
    expect(renderMarkdown(r)).toContain('| Video LLaMA | 5.00 | 5.50 | \u2013 | \u2013 | 120 |');
    expect(renderLatex(r)).not.toContain('tab:rolejudge-pairwise');
    expect(renderLatex(r)).toContain('Video LLaMA & 5.00 & 5.50 & -- & -- & 120');
    const html = renderHtml(r);
    expect(html).not.toContain('id="pairwise-table"');
    expect(html).not.toContain('id="position-bias-table"');
    expect(html).toContain('no valid score');
    expect(lines(renderPairwiseCsv(r))).toHaveLength(1);
  });
});

describe('determinism and writeReport', () => {
  it('renders byte-identical output for the same Report', () => {
    for (const [, render] of REPORT_FILES) expect(render(sampleReport(HOSTILE_NAMES))).toBe(render(sampleReport(HOSTILE_NAMES)));
  });

  it('writes all six files into a new nested directory, atomically and reproducibly', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'rolejudge-report-')), 'a', 'b');
    const written = await writeReport(sampleReport(), dir);
    expect(readdirSync(dir).sort()).toEqual(['leaderboard.csv', 'pairwise.csv', 'report.html', 'report.json', 'report.md', 'table.tex']);
    expect(written).toHaveLength(6);
    const first = written.map((f) => readFileSync(f));
    await writeReport(sampleReport(), dir);
    expect(written.map((f) => readFileSync(f))).toEqual(first);
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(false);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toBe(renderMarkdown(sampleReport()));
  });
});
