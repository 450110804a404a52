// diff.md (for a pull-request comment), diff.json and diff.html from one
// RunDiff. The three share the row views below, so they show the same figures;
// names from runs are escaped for Markdown and, in HTML, by Handlebars' {{ }}.
import { fmtFixed, fmtP, fmtPct, fmtScore, fmtSigned, MISSING } from '../../core/format.js';
import { compileStrict, type TemplateFn } from '../../core/templates.js';
import type { PairSide, RunDiff } from './compute.js';

const esc = (t: string): string => t.replace(/\r\n|\r|\n/g, ' ').replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`);

function scoreRows(d: RunDiff): string[][] {
  return d.scores.map((s) => [
    s.model,
    s.metric,
    String(s.n),
    fmtScore(s.meanA),
    fmtScore(s.meanB),
    fmtSigned(s.delta, 2),
    s.ci95 ? `${fmtSigned(s.ci95[0], 2)}, ${fmtSigned(s.ci95[1], 2)}` : MISSING,
    s.p === null ? MISSING : fmtP(s.p, Math.log10(s.p)),
  ]);
}

const wlt = (s: PairSide | null): string => (s ? `${fmtPct(s.winPct)}/${fmtPct(s.lossPct)}/${fmtPct(s.tiePct)}` : MISSING);

function pairRows(d: RunDiff): string[][] {
  return d.pairwise.map((r) => [
    `${r.candidate} vs ${r.baseline}`,
    r.metric,
    r.judge,
    String(r.a?.n ?? 0),
    wlt(r.a),
    wlt(r.b),
    fmtSigned(r.a?.net),
    fmtSigned(r.b?.net),
    fmtSigned(r.deltaNet),
  ]);
}

function moverRows(d: RunDiff): string[][] {
  return d.movers.map((m) => [m.sampleId, m.model, m.metric, fmtScore(m.a), fmtScore(m.b), fmtSigned(m.delta, 2), `${fmtSigned(100 * m.share, 1)}%`]);
}

const SCORE_HEAD = ['Model', 'Metric', 'Shared n', 'Mean A', 'Mean B', 'Δ (B − A)', '95% CI', 'p'];
const PAIR_HEAD = ['Candidate vs Baseline', 'Metric', 'Judge', 'Shared n', 'W/L/T A (%)', 'W/L/T B (%)', 'Net A', 'Net B', 'Δ net'];
const MOVER_HEAD = ['Sample', 'Model', 'Metric', 'A', 'B', 'Δ', 'of scale'];

function mdTable(head: string[], rows: string[][], left: number): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (i < left ? '---' : '---:'))), ...rows.map((r) => line(r.map((c, i) => (i < left ? esc(c) : c))))].join('\n');
}

function sharedLine(d: RunDiff): string {
  return `${d.sharedSamples} samples shared (run A has ${d.runA.samples}, ${d.onlyA} only in A; run B has ${d.runB.samples}, ${d.onlyB} only in B).`;
}

export function renderDiffMarkdown(d: RunDiff): string {
  const parts = [
    `# rolejudge diff: ${esc(d.runA.runId)} → ${esc(d.runB.runId)}`,
    `Split \`${d.split.replace(/`/g, "'")}\` · ${sharedLine(d)}`,
    `## Scores\n\n${mdTable(SCORE_HEAD, scoreRows(d), 2)}`,
  ];
  if (d.pairwise.length) parts.push(`## Pairwise\n\n${mdTable(PAIR_HEAD, pairRows(d), 3)}`);
  parts.push(
    d.movers.length ? `## Samples that moved most\n\n${mdTable(MOVER_HEAD, moverRows(d), 3)}` : '## Samples that moved most\n\nNo shared sample changed score.',
  );
  parts.push(`## Conventions\n\n${d.conventions.map((c) => `- ${esc(c)}`).join('\n')}`);
  return `${parts.join('\n\n')}\n`;
}

export function renderDiffJson(d: RunDiff): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}

const HTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rolejudge diff: {{a}} → {{b}}</title>
<style>
 body { margin: 0; font: 14px/1.5 system-ui, sans-serif; color: #111827; }
 main { max-width: 1120px; margin: 0 auto; padding: 20px 16px 40px; }
 h1 { font-size: 20px; overflow-wrap: anywhere; } h2 { font-size: 16px; border-bottom: 2px solid #e5e7eb; margin-top: 28px; }
 .scroll { overflow-x: auto; max-width: 100%; }
 table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
 th, td { padding: 4px 9px; border-bottom: 1px solid #e5e7eb; text-align: right; white-space: nowrap; }
 th { background: #f3f4f6; } .l { text-align: left; }
 td.up { color: #166534; } td.down { color: #b91c1c; }
 .note { color: #6b7280; font-size: 12.5px; }
</style></head><body><main>
<h1>rolejudge diff: {{a}} → {{b}}</h1>
<p class="note" id="shared">Split {{split}} · {{shared}}</p>
{{#each tables}}
<section id="{{id}}"><h2>{{title}}</h2>
{{#if rows.length}}
<div class="scroll"><table id="{{id}}-table"><thead><tr>{{#each head}}<th{{#if l}} class="l"{{/if}}>{{text}}</th>{{/each}}</tr></thead>
<tbody>{{#each rows}}<tr>{{#each this}}<td class="{{cls}}">{{text}}</td>{{/each}}</tr>{{/each}}</tbody></table></div>
{{else}}<p class="note">Nothing to show.</p>{{/if}}
</section>
{{/each}}
<h2>Conventions</h2><ul>{{#each conventions}}<li>{{this}}</li>{{/each}}</ul>
</main></body></html>
`;

let compiled: TemplateFn | null = null;

function htmlTable(id: string, title: string, head: string[], rows: string[][], left: number, deltaCol: number) {
  return {
    id,
    title,
    head: head.map((text, i) => ({ text, l: i < left })),
    rows: rows.map((r) =>
      r.map((text, i) => ({
        text,
        cls: [i < left ? 'l' : '', i === deltaCol && /^\+/.test(text) ? 'up' : '', i === deltaCol && /^[−-]/.test(text) ? 'down' : '']
          .filter(Boolean)
          .join(' '),
      })),
    ),
  };
}

export function renderDiffHtml(d: RunDiff): string {
  compiled ??= compileStrict(HTML, { escape: true });
  return compiled({
    a: d.runA.runId,
    b: d.runB.runId,
    split: d.split,
    shared: sharedLine(d),
    tables: [
      htmlTable('scores', 'Scores', SCORE_HEAD, scoreRows(d), 2, 5),
      htmlTable('pairwise', 'Pairwise', PAIR_HEAD, pairRows(d), 3, 8),
      htmlTable('movers', 'Samples that moved most', MOVER_HEAD, moverRows(d), 3, 5),
    ],
    conventions: d.conventions,
  });
}

/** One line for the terminal: how many samples are shared, which means moved beyond their interval. */
export function diffSummary(d: RunDiff): string {
  const moved = d.scores.filter((s) => s.ci95 && (s.ci95[0] > 0 || s.ci95[1] < 0));
  return `${sharedLine(d)} ${moved.length} of ${d.scores.length} model × metric means changed beyond their 95% interval${moved.length ? `: ${moved.map((s) => `${s.model}/${s.metric} ${fmtFixed(s.delta, 2)}`).join(', ')}` : ''}.`;
}
