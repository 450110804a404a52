// Charts for report.html, drawn here as SVG markup so the page needs no
// script, no chart library and no network. Text measurement is impossible
// without a browser, so labels are truncated to a character budget that fits
// the gutter, with the full text in a <title> tooltip. Every piece of text
// goes through escapeHtml: this markup is inserted unescaped by the template.
import { fmtPct, fmtScore } from '../../../core/format.js';
import type { MetricInfo, PairwiseRow, Report } from '../../../core/report.js';
import { escapeHtml, truncate } from './escape.js';
import { metricAbbr } from './view.js';

const FONT = 'font-family="system-ui, sans-serif" font-size="12"';
const COLORS = { bar: '#4c72b0', ci: '#1f2d3d', grid: '#e3e6ea', axis: '#6b7280', win: '#2e7d32', tie: '#b0b7c0', loss: '#c62828' };

// One decimal is plenty for pixels and keeps output identical across runs.
const px = (v: number): string => {
  const s = v.toFixed(1);
  return s === '-0.0' ? '0.0' : s;
};

function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${px(x)}" y="${px(y)}"${attrs ? ` ${attrs}` : ''}>${escapeHtml(content)}</text>`;
}

// Labels start at the left edge and are clipped at the gutter, so the start
// of a name (the part that tells models apart) is always visible; wide
// characters that beat the character budget are clipped instead of
// spilling over the bars.
function labelled(full: string, max: number, x: number, y: number, clipId: string): string {
  return `<g clip-path="url(#${clipId})"><title>${escapeHtml(full)}</title>` + `${text(x, y, truncate(full, max), 'fill="#111827"')}</g>`;
}

function clipDef(clipId: string, width: number, height: number): string {
  return `<defs><clipPath id="${clipId}"><rect x="0" y="0" width="${px(width)}" height="${px(height)}"/></clipPath></defs>`;
}

// Round-number ticks (step 1, 2, 2.5 or 5 × 10^k, about five of them), so a
// 1–10 scale reads 2, 4, 6, 8, 10 rather than 3.25 and 7.75.
export function tickValues(min: number, max: number): number[] {
  const span = max - min;
  if (!(span > 0)) return [min];
  const raw = span / 5;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * mag;
  const ticks: number[] = [];
  for (let k = Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9; k++) ticks.push(Number((k * step).toFixed(10)));
  return ticks;
}

const tickLabel = (v: number): string => String(Number(v.toFixed(2)));

/** Horizontal bars of each model's mean on one metric, with the 95% CI as error bars. */
export function metricChart(report: Report, metric: MetricInfo, index: number): string {
  const L = 170;
  const plotW = 240;
  const right = 50;
  const rowH = 26;
  const top = 8;
  const rows = report.leaderboard;
  const plotH = rows.length * rowH;
  const width = L + plotW + right;
  const height = top + plotH + 26;
  const { min, max } = metric.scale;
  const span = max > min ? max - min : 1;
  const x = (v: number): number => L + ((Math.min(Math.max(v, min), max) - min) / span) * plotW;

  const clipId = `rj-clip-m${index}`;
  const parts: string[] = [clipDef(clipId, L - 8, height)];
  parts.push(`<line x1="${px(L)}" y1="${px(top)}" x2="${px(L)}" y2="${px(top + plotH)}" stroke="${COLORS.axis}"/>`);
  for (const t of tickValues(min, max)) {
    parts.push(`<line x1="${px(x(t))}" y1="${px(top)}" x2="${px(x(t))}" y2="${px(top + plotH)}" stroke="${COLORS.grid}"/>`);
    parts.push(text(x(t), top + plotH + 16, tickLabel(t), `text-anchor="middle" fill="${COLORS.axis}"`));
  }
  rows.forEach((row, i) => {
    const cy = top + i * rowH + rowH / 2;
    parts.push(labelled(row.model, 22, 0, cy + 4, clipId));
    const cell = row.scores[metric.id];
    const mean = cell?.mean ?? null;
    if (mean === null || !Number.isFinite(mean)) {
      parts.push(text(L + 4, cy + 4, 'no valid score', `fill="${COLORS.axis}"`));
      return;
    }
    const x0 = x(min);
    parts.push(
      `<rect class="bar" data-model="${escapeHtml(row.model)}" x="${px(x0)}" y="${px(cy - 7)}" ` +
        `width="${px(Math.max(x(mean) - x0, 1))}" height="14" fill="${COLORS.bar}"/>`,
    );
    let end = x(mean);
    const ci = cell?.ci95;
    if (ci && Number.isFinite(ci[0]) && Number.isFinite(ci[1])) {
      const [lo, hi] = [x(ci[0]), x(ci[1])];
      end = Math.max(end, hi);
      parts.push(
        `<g class="ci" stroke="${COLORS.ci}" stroke-width="1.5">` +
          `<line x1="${px(lo)}" y1="${px(cy)}" x2="${px(hi)}" y2="${px(cy)}"/>` +
          `<line x1="${px(lo)}" y1="${px(cy - 5)}" x2="${px(lo)}" y2="${px(cy + 5)}"/>` +
          `<line x1="${px(hi)}" y1="${px(cy - 5)}" x2="${px(hi)}" y2="${px(cy + 5)}"/>` +
          `<title>95% CI ${escapeHtml(fmtScore(ci[0]))}–${escapeHtml(fmtScore(ci[1]))}</title></g>`,
      );
    }
    parts.push(text(end + 6, cy + 4, fmtScore(mean), 'fill="#111827"'));
  });
  const label = `${metric.abbr} (${metric.name}): mean per model with 95% confidence interval`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-metric="${escapeHtml(metric.id)}" role="img" ` +
    `width="${width}" height="${px(height)}" viewBox="0 0 ${width} ${px(height)}" ${FONT}>` +
    `<title>${escapeHtml(label)}</title>${parts.join('')}</svg>`
  );
}

// Two lines per comparison, above its bar: who vs whom (each name truncated
// on its own, so both stay visible), then metric and judge in grey. Labels sit
// above the bars rather than beside them so the chart is only as wide as a
// phone screen: drawn at 1:1 at 390 px, its text stays at 11–12 px.
function pairLabel(report: Report, r: PairwiseRow, y: number, clipId: string): string {
  const full = `${r.candidate} vs ${r.baseline} · ${metricAbbr(report, r.metric)} · ${r.judge}`;
  const who = `${truncate(r.candidate, 22)} vs ${truncate(r.baseline, 22)}`;
  const what = truncate(`${metricAbbr(report, r.metric)} · ${r.judge}`, 48);
  return (
    `<g clip-path="url(#${clipId})"><title>${escapeHtml(full)}</title>` +
    `${text(0, y, who, 'fill="#111827"')}${text(0, y + 14, what, `fill="${COLORS.axis}" font-size="11"`)}</g>`
  );
}

/** One stacked win / tie / loss bar per pairwise row. */
export function pairwiseChart(report: Report): string {
  const L = 0;
  const plotW = 340;
  const rowH = 62;
  const top = 30;
  const width = plotW + 4;
  const height = top + report.pairwise.length * rowH + 8;
  const clipId = 'rj-clip-pairwise';
  const parts: string[] = [clipDef(clipId, width, height)];
  const legend: [string, string][] = [
    ['win', COLORS.win],
    ['tie', COLORS.tie],
    ['loss', COLORS.loss],
  ];
  legend.forEach(([name, color], i) => {
    const lx = L + i * 70;
    parts.push(`<rect x="${px(lx)}" y="6" width="12" height="12" fill="${color}"/>`);
    parts.push(text(lx + 17, 16, name, 'fill="#111827"'));
  });
  report.pairwise.forEach((row, i) => {
    const y0 = top + i * rowH;
    const cy = y0 + 44;
    parts.push(pairLabel(report, row, y0 + 12, clipId));
    let x = L;
    const segments: [string, number | null, string][] = [
      ['win', row.winPct, COLORS.win],
      ['tie', row.tiePct, COLORS.tie],
      ['loss', row.lossPct, COLORS.loss],
    ];
    for (const [name, pct, color] of segments) {
      if (pct === null || !Number.isFinite(pct) || pct <= 0) continue;
      const w = (Math.min(pct, 100) / 100) * plotW;
      parts.push(
        `<rect class="seg seg-${name}" data-row="${i}" x="${px(x)}" y="${px(cy - 9)}" width="${px(w)}" height="18" fill="${color}">` +
          `<title>${escapeHtml(`${name} ${fmtPct(pct)}%`)}</title></rect>`,
      );
      if (w >= 34) parts.push(text(x + w / 2, cy + 4, fmtPct(pct), `text-anchor="middle" fill="${name === 'tie' ? '#111827' : '#ffffff'}"`));
      x += w;
    }
  });
  const mid = L + plotW / 2;
  parts.push(`<line x1="${px(mid)}" y1="${px(top - 2)}" x2="${px(mid)}" y2="${px(height - 6)}" stroke="#111827" stroke-dasharray="3 3" stroke-opacity="0.5"/>`);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="pairwise" role="img" ` +
    `width="${width}" height="${px(height)}" viewBox="0 0 ${width} ${px(height)}" ${FONT}>` +
    `<title>Win, tie and loss rates per comparison (percent)</title>${parts.join('')}</svg>`
  );
}
