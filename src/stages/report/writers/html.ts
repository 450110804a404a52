// report.html: one self-contained page (inline CSS, server-drawn SVG, a CSP
// that forbids every fetch). Names from datasets and models go through
// Handlebars' {{ }} escaping in the template; only the chart markup built in
// svg.ts, which escapes its own text, the explorer's JSON island (escaped by
// jsonIsland) and the explorer script (a file of ours, allowed by its sha256
// in the CSP — no 'unsafe-inline' for scripts) are inserted with {{{ }}}.
import { untilDecidedLines } from './until-decided.js';
import { incompleteLines } from './incomplete.js';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileStrict, type TemplateFn } from '../../../core/templates.js';
import { fmtInt } from '../../../core/format.js';
import type { Report } from '../../../core/report.js';
import { sha256 } from '../../../core/hash.js';
import { type ExplorerData, jsonIsland } from '../explorer/data.js';
import { diagnosticTables } from '../explorer/sections.js';
import { metricChart, pairwiseChart } from './svg.js';
import { clusteredView } from './clustered-view.js';
import { conventionRows, fmtScale, countRows, pairwiseView, positionBiasView, scoreView } from './view.js';

// This file is src/report/writers/html.ts under vitest and
// dist/report/writers/html.js after `tsc -p tsconfig.build.json`: both are
// three levels below the package root, where templates/ lives.
export const TEMPLATES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../templates');
export const HTML_TEMPLATE = resolve(TEMPLATES_DIR, 'report.html.hbs');
export const EXPLORER_SCRIPT = resolve(TEMPLATES_DIR, 'explorer.js');

let script: { text: string; hash: string } | null = null;

/** The explorer script and its CSP source ('sha256-<base64>' of the exact bytes inlined). */
export function explorerScript(): { text: string; hash: string } {
  if (!script) {
    const text = readFileSync(EXPLORER_SCRIPT, 'utf8');
    script = { text, hash: `sha256-${Buffer.from(sha256(text), 'hex').toString('base64')}` };
  }
  return script;
}

// The shared strict environment (src/core/templates.ts), with HTML escaping.
let compiled: TemplateFn | null = null;

function template(): TemplateFn {
  if (!compiled) compiled = compileStrict(readFileSync(HTML_TEMPLATE, 'utf8'), { escape: true });
  return compiled;
}

/** Everything the template shows, already formatted (the template has no logic beyond loops). */
export function htmlContext(report: Report, explorer?: ExplorerData): object {
  const pairwise = report.pairwise.map((row) => pairwiseView(report, row));
  const c = report.counts;
  return {
    runId: report.runId,
    version: report.rolejudgeVersion,
    configHash: report.configHash,
    generatedFrom: report.generatedFrom,
    judges: report.judges.join(', '),
    cards: [
      { key: 'models', label: 'models', value: fmtInt(report.models.length) },
      { key: 'metrics', label: 'metrics', value: fmtInt(report.metrics.length) },
      { key: 'judges', label: 'judges', value: fmtInt(report.judges.length) },
      { key: 'calls', label: 'API calls', value: fmtInt(c.calls) },
      { key: 'tokens', label: 'tokens (prompt + completion)', value: fmtInt(c.promptTokens + c.completionTokens) },
      { key: 'failures', label: 'failed judgments + comparisons', value: fmtInt(c.judgmentFailures + c.comparisonFailures) },
    ],
    metrics: report.metrics.map((m, i) => ({
      id: m.id,
      abbr: m.abbr,
      name: m.name,
      scale: fmtScale(m.scale),
      chart: metricChart(report, m, i),
    })),
    leaderboard: scoreView(report),
    pairwise,
    hasPairwise: pairwise.length > 0,
    pairwiseChart: pairwise.length > 0 ? pairwiseChart(report) : '',
    positionBias: report.positionBias.map((row) => positionBiasView(report, row)),
    hasPositionBias: report.positionBias.length > 0,
    counts: countRows(report),
    clustered: clusteredView(report),
    conventions: conventionRows(report),
    untilDecided: untilDecidedLines(report).join(' · '),
    incomplete: incompleteLines(report),
    diagnostics: diagnosticTables(report),
    hasExplorer: explorer !== undefined,
    explorerJson: explorer ? jsonIsland(explorer) : '',
    explorerScript: explorer ? explorerScript().text : '',
    scriptHash: explorerScript().hash,
  };
}

export function renderHtml(report: Report, explorer?: ExplorerData): string {
  return template()(htmlContext(report, explorer));
}
