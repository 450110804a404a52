// Plain-text tables for the terminal and CI logs.
import type { GateVerdict } from './decide.js';
import { textTable } from '../../core/table.js';

export { textTable };

const STATUS_LINE = {
  pass: 'PASS: no regression',
  regression: 'FAIL: regression',
  unfit: 'UNFIT: the run cannot be judged',
} as const;

export function verdictText(v: GateVerdict): string {
  const s = v.settings;
  const rows = v.checks.map((c) => [
    c.kind === 'fitness' ? c.name : c.kind + (c.judge ? ` (${c.judge})` : ''),
    c.metricLabel ?? '',
    c.valueText,
    c.thresholdText,
    c.pass ? 'PASS' : 'FAIL',
    c.planning ? detectable(c.planning) : '',
  ]);
  const out = [
    `Gate: ${v.candidate} (candidate) vs ${v.baseline} (baseline); margin ${s.margin}, α ${s.alpha}, power ${s.power}` +
      (s.nonInferiorityFloor !== null ? `, non-inferiority floor ${s.nonInferiorityFloor}` : ''),
    textTable(['Check', 'Metric', 'Value', 'Rule', 'Result', 'Detectable (α, power)'], rows),
  ];
  const failed = v.checks.filter((c) => !c.pass);
  if (failed.length) out.push(failed.map((c) => `✗ ${c.detail}`).join('\n'));
  const plans = [...new Set(v.checks.flatMap((c) => (c.planning ? [c.planning.text] : [])))];
  if (plans.length) out.push('Planning:\n' + plans.map((t) => `  ${t}`).join('\n'));
  out.push(STATUS_LINE[v.status]);
  return out.join('\n\n') + '\n';
}

function detectable(p: NonNullable<GateVerdict['checks'][number]['planning']>): string {
  if (p.kind === 'paired-mean') {
    if (p.mde === null) return `not estimable (n=${p.n})`;
    const units = p.clusters !== p.n ? `n=${p.n}, ${p.clusters} clusters` : `n=${p.n}`;
    return p.rule === 'regression' ? `drop ≥ ${p.mde.toFixed(2)} (${units})` : `Δ ≥ ${p.mde >= 0 ? '+' : ''}${p.mde.toFixed(2)} (${units})`;
  }
  return p.winRate === null ? `none (n=${p.decisive} decisive)` : `win rate ≥ ${(100 * p.winRate).toFixed(1)}% (n=${p.decisive})`;
}
